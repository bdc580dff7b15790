"""Order numbers: YYMMDD and a four-digit daily sequence, e.g. 2611240017.

Digits only, so a caller can key one on a phone (* number #); ten digits read out in two
breaths; sorting them as text sorts them by date and then by arrival.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.orders.models import OrderCounter, WorkOrder
from base.database import dialect_insert

SEQUENCE_DIGITS = 4
NUMBER_PATTERN = re.compile(r"^[0-9]{10}$")


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
    return bool(NUMBER_PATTERN.fullmatch(text))


async def next_number(session: AsyncSession, day: date) -> str:
    """The next number of `day`, taken atomically from the day's counter row.

    One upsert both creates and bumps the counter, so concurrent orders (several
    processes, SQLite or PostgreSQL) never take the same number and never retry. A day's
    first counter starts above any number already filed that day (orders from before the
    counter existed).
    """
    prefix = day_prefix(day)
    highest = await session.scalar(
        select(func.max(WorkOrder.number)).where(
            WorkOrder.number >= f"{prefix}{'0' * SEQUENCE_DIGITS}",
            WorkOrder.number <= f"{prefix}{'9' * SEQUENCE_DIGITS}",
        )
    )
    first = int(highest[len(prefix) :]) + 1 if highest else 1
    insert = dialect_insert(session)
    upsert = (
        insert(OrderCounter)
        .values(day=day, last=first)
        .on_conflict_do_update(
            index_elements=[OrderCounter.day], set_={"last": OrderCounter.last + 1}
        )
        .returning(OrderCounter.last)
    )
    sequence = (await session.execute(upsert)).scalar_one()
    return format_number(day, sequence)


def spoken(number: str) -> str:
    """The number as the IVR reads it: digit by digit, 1 as 幺 so it is not heard as 7."""
    names = "零幺二三四五六七八九"
    return "".join(names[int(ch)] for ch in number if ch.isdigit())
