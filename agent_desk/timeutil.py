"""Timestamps as the desk stores them: aware, in China Standard Time on every database.

SQLite hands back naive datetimes for timezone columns; the desk only ever writes China
time, so a naive value read back is China time.
"""

from __future__ import annotations

from datetime import datetime

from base.clock import CHINA_TZ


def china(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ)
