"""The caller's after-call survey rating onto the call's work order(s) as 满意度.

Whichever is written second carries it over: a call record with a rating rates the
orders already filed for that call (by call id, or through its voicemail), and an order
filed later for a rated call takes the rating then. A rating given by a person on a
callback review (回访) is never overwritten.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.orders.models import OrderVoicemail, WorkOrder
from ivr.call_records import CallRecord


async def rate_orders_of_call(session: AsyncSession, record: CallRecord) -> None:
    """A `RecordHook`: in the transaction that writes `record`."""
    if record.survey_rating is None:
        return
    of_call = [WorkOrder.call_id == record.call_id]
    if record.voicemail_id is not None:
        of_call.append(
            WorkOrder.id.in_(
                select(OrderVoicemail.order_id).where(
                    OrderVoicemail.voicemail_id == record.voicemail_id
                )
            )
        )
    await session.execute(
        update(WorkOrder)
        .where(or_(*of_call), WorkOrder.satisfaction.is_(None))
        .values(satisfaction=record.survey_rating)
    )


async def rating_of_call(session: AsyncSession, call_id: str) -> int | None:
    """The survey rating of the call `call_id`, for an order filed after it."""
    if not call_id:
        return None
    rating: int | None = await session.scalar(
        select(CallRecord.survey_rating).where(CallRecord.call_id == call_id)
    )
    return rating
