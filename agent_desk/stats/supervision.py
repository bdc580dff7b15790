"""Supervision views (服务监督): department ranking, overdue orders and voicemails, liaisons
whose lines go unanswered, and callers transferred to several departments in one day.

Every view is one aggregate query; lists are capped so a bad month cannot flood the page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.orders.models import PENDING_STATUSES, WorkOrder
from agent_desk.stats.definitions import KPI_BY_KEY, RANKING_KPIS, kpi_value
from agent_desk.stats.kpis import KpiTable, StatsService
from agent_desk.stats.periods import Period
from agent_desk.stats.queries import china_wall, count_if, local_date
from base.clock import Clock
from ivr.call_records import CallRecord
from voicemail.models import Voicemail

UNANSWERED = ("NOANSWER", "BUSY")
LIST_LIMIT = 100


@dataclass(frozen=True, slots=True)
class RankedDepartment:
    rank: int
    department_code: str
    score: float | None  # mean of the ranking rates (redo turned round); None: nothing to judge
    rates: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class OverdueCount:
    department_code: str
    orders: int
    voicemails: int


@dataclass(frozen=True, slots=True)
class OverdueOrder:
    number: str
    subject: str
    department_code: str
    status: str
    due_date: str
    supervised: bool


@dataclass(frozen=True, slots=True)
class LiaisonLine:
    """One liaison endpoint's dials in the period; the worst answered share first."""

    endpoint: str
    dials: int
    unanswered: int  # NOANSWER or BUSY

    @property
    def unanswered_rate(self) -> float:
        return self.unanswered / self.dials if self.dials else 0.0


@dataclass(frozen=True, slots=True)
class RepeatTransfer:
    caller_number: str
    day: str
    departments: list[str]


@dataclass(frozen=True, slots=True)
class Supervision:
    ranking: list[RankedDepartment]
    overdue: list[OverdueCount]
    overdue_orders: list[OverdueOrder]
    liaisons: list[LiaisonLine]
    repeat_transfers: list[RepeatTransfer]

    def to_json(self) -> dict[str, Any]:
        return {
            "ranking": [asdict(r) for r in self.ranking],
            "overdue": [asdict(o) for o in self.overdue],
            "overdue_orders": [asdict(o) for o in self.overdue_orders],
            "liaisons": [
                {**asdict(line), "unanswered_rate": line.unanswered_rate} for line in self.liaisons
            ],
            "repeat_transfers": [asdict(r) for r in self.repeat_transfers],
        }


def rank_departments(table: KpiTable) -> list[RankedDepartment]:
    """Departments by the mean of their ranking rates, best first; unjudged ones last."""
    scored = []
    for row in table.rows:
        rates = {key: kpi_value(KPI_BY_KEY[key], row.counters) for key in RANKING_KPIS}
        judged = [
            value if KPI_BY_KEY[key].higher_is_better else 1 - value
            for key, value in rates.items()
            if value is not None
        ]
        score = sum(judged) / len(judged) if judged else None
        scored.append((str(row.key[0]), score, rates))
    scored.sort(key=lambda item: (item[1] is None, -(item[1] or 0.0), item[0]))
    return [
        RankedDepartment(rank, code, score, rates)
        for rank, (code, score, rates) in enumerate(scored, 1)
        if code
    ]


def _agg_text(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.string_agg(column.distinct(), ",")
    return func.group_concat(column.distinct())


class SupervisionService:
    """The supervisor's lists, over the same database as the KPIs."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._stats = StatsService(sessions=sessions, clock=clock)

    async def overview(self, period: Period) -> Supervision:
        table = await self._stats.by_department(period)
        today = self._clock.now().date()
        async with self._sessions() as session:
            return Supervision(
                ranking=rank_departments(table),
                overdue=await self.overdue_counts(session, today),
                overdue_orders=await self.overdue_orders(session, today),
                liaisons=await self.liaison_lines(session, period),
                repeat_transfers=await self.repeat_transfers(session, period),
            )

    @staticmethod
    async def overdue_counts(session: AsyncSession, today: date) -> list[OverdueCount]:
        """Open orders past their due date and unreplied voicemails past theirs, by department."""
        pending = [status.value for status in PENDING_STATUSES]
        orders = await session.execute(
            select(WorkOrder.department_code, func.count())
            .where(WorkOrder.status.in_(pending), WorkOrder.due_date < today)
            .group_by(WorkOrder.department_code)
        )
        voicemails = await session.execute(
            select(Voicemail.mailbox, func.count())
            .where(
                Voicemail.handled_at.is_(None),
                Voicemail.empty.is_(False),
                Voicemail.reply_due < today,
            )
            .group_by(Voicemail.mailbox)
        )
        counts: dict[str, list[int]] = {}
        for code, n in orders:
            counts.setdefault(code or "", [0, 0])[0] = int(n)
        for code, n in voicemails:
            counts.setdefault(code or "", [0, 0])[1] = int(n)
        rows = [OverdueCount(code, o, v) for code, (o, v) in counts.items()]
        return sorted(rows, key=lambda r: (-(r.orders + r.voicemails), r.department_code))

    @staticmethod
    async def overdue_orders(session: AsyncSession, today: date) -> list[OverdueOrder]:
        pending = [status.value for status in PENDING_STATUSES]
        rows = await session.scalars(
            select(WorkOrder)
            .where(WorkOrder.status.in_(pending), WorkOrder.due_date < today)
            .order_by(WorkOrder.due_date, WorkOrder.id)
            .limit(LIST_LIMIT)
        )
        return [
            OverdueOrder(
                o.number,
                o.subject,
                o.department_code or "",
                o.status,
                o.due_date.isoformat(),
                o.supervised,
            )
            for o in rows
        ]

    @staticmethod
    async def liaison_lines(session: AsyncSession, period: Period) -> list[LiaisonLine]:
        """Dials per liaison endpoint (from the call records' dials JSON), worst first."""
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            dial = func.json_array_elements(CallRecord.dials).table_valued("value").alias("dial")
            endpoint: ColumnElement[Any] = dial.c.value.op("->>")("endpoint")
            status: ColumnElement[Any] = dial.c.value.op("->>")("dialstatus")
        else:
            dial = func.json_each(CallRecord.dials).table_valued("value").alias("dial")
            endpoint = func.json_extract(dial.c.value, "$.endpoint")
            status = func.json_extract(dial.c.value, "$.dialstatus")
        unanswered = count_if(status.in_(UNANSWERED))
        statement = (
            select(endpoint.label("endpoint"), func.count().label("dials"), unanswered)
            .select_from(CallRecord)
            .join(dial, true())
            .where(
                CallRecord.transfer_attempted.is_(True),
                CallRecord.started_at >= china_wall(period.start),
                CallRecord.started_at < china_wall(period.end),
            )
            .group_by(endpoint)
            .having(unanswered > 0)
        )
        lines = [
            LiaisonLine(str(e), int(d), int(u)) for e, d, u in await session.execute(statement)
        ]
        lines.sort(key=lambda line: (-line.unanswered_rate, -line.dials, line.endpoint))
        return lines[:LIST_LIMIT]

    @staticmethod
    async def repeat_transfers(session: AsyncSession, period: Period) -> list[RepeatTransfer]:
        """Callers put through to two or more departments on the same day (二次转接)."""
        dialect = session.get_bind().dialect.name
        day = local_date(CallRecord.started_at, dialect)
        departments = func.count(CallRecord.department_code.distinct())
        statement = (
            select(CallRecord.caller_number, day, _agg_text(CallRecord.department_code, dialect))
            .where(
                and_(
                    CallRecord.transfer_attempted.is_(True),
                    CallRecord.department_code.is_not(None),
                    CallRecord.caller_number != "",
                    CallRecord.started_at >= china_wall(period.start),
                    CallRecord.started_at < china_wall(period.end),
                )
            )
            .group_by(CallRecord.caller_number, day)
            .having(departments > 1)
            .order_by(departments.desc(), day, CallRecord.caller_number)
            .limit(LIST_LIMIT)
        )
        return [
            RepeatTransfer(str(caller), str(d), sorted(str(codes).split(",")))
            for caller, d, codes in await session.execute(statement)
        ]
