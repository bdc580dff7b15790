"""Every table of every package, gathered on one MetaData for Alembic and tests."""

from __future__ import annotations

import directory.models
import ivr.call_records
import voicemail.models
from hotline.database import Base

metadata = Base.metadata
REGISTERED = (directory.models, voicemail.models, ivr.call_records)
