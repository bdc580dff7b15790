"""Lists of work orders as the desk's pages show them: filtered, sorted and paged in SQL.

The deadline state (on time / warning / overdue) is not stored; it follows from the due
date, today and the working calendar, so it is turned into a due-date range here and the
database does the filtering. The counts per status answer the same filters except the
status itself, so the page can show "办理中 12 · 已答复 3" next to the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.orders.deadlines import DeadlineLevel, DeadlinePolicy
from agent_desk.orders.models import (
    OPEN_STATUSES,
    PENDING_STATUSES,
    OrderStatus,
    OrderType,
    Urgency,
    WorkOrder,
)
from agent_desk.orders.scope import Visibility, scope_where
from agent_desk.orders.services import visible
from agent_desk.paging import Paging
from voicemail.models import Voicemail

MAX_PER_PAGE = 100


class OrderSort(StrEnum):
    DUE = "due"  # the most urgent first: due date, then number
    NEWEST = "newest"  # the latest accepted first


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """What a list of orders is narrowed to; None everywhere means every visible order."""

    status: OrderStatus | None = None
    open_only: bool = False  # any status still waiting for someone (OPEN_STATUSES)
    order_type: OrderType | None = None
    urgency: Urgency | None = None
    department_code: str | None = None
    departments: frozenset[str] | None = None  # e.g. the departments of one city
    deadline: DeadlineLevel | None = None
    channel: str | None = None
    text: str | None = None  # in number, subject, description, caller number or name
    supervised: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderPage(Paging):
    orders: list[WorkOrder]
    counts: dict[str, int]  # status value → orders under the same filters but the status


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _deadline_condition(
    level: DeadlineLevel, today: date, policy: DeadlinePolicy
) -> ColumnElement[bool]:
    pending = WorkOrder.status.in_([s.value for s in PENDING_STATUSES])
    warning_until = policy.warning_until(today)
    if level is DeadlineLevel.OVERDUE:
        return pending & (WorkOrder.due_date < today)
    if level is DeadlineLevel.WARNING:
        return pending & (WorkOrder.due_date >= today) & (WorkOrder.due_date <= warning_until)
    return pending & (WorkOrder.due_date > warning_until)


def _conditions(
    filters: OrderFilter, visibility: Visibility, today: date, policy: DeadlinePolicy
) -> list[ColumnElement[bool]]:
    """Every condition but the status one (the counts are taken under these)."""
    found: list[ColumnElement[bool]] = [visible(visibility)]
    if filters.open_only:
        found.append(WorkOrder.status.in_([s.value for s in OPEN_STATUSES]))
    if filters.order_type is not None:
        found.append(WorkOrder.order_type == filters.order_type.value)
    if filters.urgency is not None:
        found.append(WorkOrder.urgency == filters.urgency.value)
    if filters.department_code:
        found.append(WorkOrder.department_code == filters.department_code)
    if filters.departments is not None:
        found.append(WorkOrder.department_code.in_(sorted(filters.departments)))
    if filters.deadline is not None:
        found.append(_deadline_condition(filters.deadline, today, policy))
    if filters.channel:
        found.append(WorkOrder.channel == filters.channel)
    if filters.supervised is not None:
        found.append(WorkOrder.supervised.is_(filters.supervised))
    if filters.text:
        pattern = _like(filters.text)
        columns = (WorkOrder.number, WorkOrder.subject, WorkOrder.description,
                   WorkOrder.caller_number, WorkOrder.caller_name,
                   WorkOrder.caller_email)  # fmt: skip
        found.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return found


def _sorted(query: Select[WorkOrder], sort: OrderSort) -> Select[WorkOrder]:
    if sort is OrderSort.NEWEST:
        return query.order_by(WorkOrder.accepted_at.desc(), WorkOrder.id.desc())
    return query.order_by(WorkOrder.due_date, WorkOrder.accepted_at, WorkOrder.id)


async def order_page(
    session: AsyncSession,
    *,
    filters: OrderFilter,
    visibility: Visibility,
    today: date,
    policy: DeadlinePolicy,
    sort: OrderSort = OrderSort.DUE,
    page: int = 1,
    per_page: int = 25,
) -> OrderPage:
    """One page of the orders under `filters`, its total and the counts per status."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    base = _conditions(filters, visibility, today, policy)
    counted = await session.execute(
        select(WorkOrder.status, func.count()).where(*base).group_by(WorkOrder.status)
    )
    counts = {status: int(n) for status, n in counted.all()}
    where = [*base]
    if filters.status is not None:
        where.append(WorkOrder.status == filters.status.value)
        total = counts.get(filters.status.value, 0)
    else:
        total = sum(counts.values())
    query = _sorted(select(WorkOrder).where(*where), sort)
    rows = await session.scalars(query.offset((page - 1) * per_page).limit(per_page))
    return OrderPage(orders=list(rows.all()), total=total, page=page, per_page=per_page,
                     counts=counts)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class VoicemailPage(Paging):
    voicemails: list[Voicemail]


async def unheard_voicemails(
    session: AsyncSession, *, visibility: Visibility, page: int = 1, per_page: int = 20
) -> VoicemailPage:
    """Voicemails nobody has handled yet, the one to reply to first on top."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    where: list[ColumnElement[bool]] = [Voicemail.handled_at.is_(None)]
    where.append(scope_where(visibility, Voicemail.department_code, Voicemail.platform))
    counted = select(func.count()).select_from(Voicemail).where(*where)
    total = int(await session.scalar(counted) or 0)
    query = (
        select(Voicemail)
        .where(*where)
        .order_by(Voicemail.reply_due, Voicemail.recorded_at, Voicemail.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = await session.scalars(query)
    return VoicemailPage(voicemails=list(rows.all()), total=total, page=page, per_page=per_page)
