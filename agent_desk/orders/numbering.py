"""Order numbers: YYMMDD and a four-digit daily sequence, e.g. 2611240017.

Digits only, so a caller can key one on a phone (* number #); ten digits read out in two
breaths; sorting them as text sorts them by date and then by arrival.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.orders.models import WorkOrder

SEQUENCE_DIGITS = 4
NUMBER_PATTERN = re.compile(r"^\d{10}$")


class DailySequenceExhausted(RuntimeError):
    """More than 9,999 orders in one day: the format cannot hold them."""


def day_prefix(day: date) -> str:
    return day.strftime("%y%m%d")


def format_number(day: date, sequence: int) -> str:
    if not 1 <= sequence < 10**SEQUENCE_DIGITS:
        raise DailySequenceExhausted(
            f"sequence {sequence} does not fit in {SEQUENCE_DIGITS} digits"
        )
    return f"{day_prefix(day)}{sequence:0{SEQUENCE_DIGITS}d}"


def is_order_number(text: str) -> bool:
    return bool(NUMBER_PATTERN.match(text))


async def next_number(session: AsyncSession, day: date) -> str:
    """The next free number of `day`; the unique index catches a concurrent taker."""
    prefix = day_prefix(day)
    highest = await session.scalar(
        select(func.max(WorkOrder.number)).where(
            WorkOrder.number >= f"{prefix}{'0' * SEQUENCE_DIGITS}",
            WorkOrder.number <= f"{prefix}{'9' * SEQUENCE_DIGITS}",
        )
    )
    sequence = int(highest[len(prefix) :]) + 1 if highest else 1
    return format_number(day, sequence)


def spoken(number: str) -> str:
    """The number as the IVR reads it: digit by digit, 1 as 幺 so it is not heard as 7."""
    names = "零幺二三四五六七八九"
    return "".join(names[int(ch)] for ch in number if ch.isdigit())
