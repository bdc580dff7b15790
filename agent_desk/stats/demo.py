"""Demo history for screenshots and benchmarks: calls, voicemails, orders and their fates.

Calls arrive on a working-day curve (morning and afternoon peaks, a quiet night); each call
is a `CallLog` filled through the methods the controller uses (queue outcomes, voicemails)
and turned into its row by the recorder's `record_values`. It gets an outcome, liaison
dials, maybe a voicemail (some empty) and a work order whose fate (on time, late, sent
back, rated) is drawn from plausible shares. Rows go in with bulk Core inserts
in chunks, so 90 days of a city take seconds; the hourly call rollups of those days are
rebuilt at the end (bulk inserts bypass the call recorder that keeps them).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.orders.models import OrderEvent, OrderStatus, OrderType, WorkOrder
from agent_desk.stats.rollup_upkeep import rebuild
from base.clock import CHINA_TZ
from ivr.call_records import QUEUE_ABANDONED, QUEUE_CALLBACK, CallRecord
from ivr.flow.call_log import CallLog, record_values
from routing.models import CallbackRequest
from voicemail.models import Voicemail

# Relative call arrivals per hour of day: peaks at 9–11 and 14–16, a trickle at night.
HOURLY_WEIGHTS = (
    1, 1, 1, 1, 1, 2, 4, 10, 22, 30, 32, 26, 14, 16, 26, 29, 25, 18, 10, 8, 6, 4, 2, 1,
)  # fmt: skip
CHUNK = 5000
SEAT_PREFIX = {"linjiang": "lj", "qingshan": "qs", "baisha": "bs"}  # seat ids: lj-01 …
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DemoDepartment:
    code: str
    liaison_endpoint: str
    backup_endpoint: str = ""
    platform: str = ""  # routing.platforms: the one its directory city names ("": unknown)


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What to generate: which days, how many calls a working day, where."""

    last_day: date
    days: int
    calls_per_day: int
    departments: Sequence[DemoDepartment]
    sites: Sequence[str] = ("linjiang",)
    hotline_numbers: Sequence[str] = ("12345", "114", "96128")
    seed: int = 12345
    order_events: bool = True  # the event trail; benchmarks may leave it out
    order_share: float = 0.55  # operator-answered calls that become a work order
    web_order_share: float = 0.02  # orders from the web / SMS channels, per call
    # County sites (routing.platforms) and their own numbers: a county takes a tenth of a
    # city's calls, on its own number, for its own departments.
    counties: Mapping[str, Sequence[str]] = field(default_factory=dict)
    county_share: float = 0.1


@dataclass(slots=True)
class DemoBatch:
    """The rows of one day, per table, in insert order (voicemails before calls)."""

    voicemails: list[Row] = field(default_factory=list)
    calls: list[Row] = field(default_factory=list)
    orders: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    callbacks: list[Row] = field(default_factory=list)


def sample_departments(count: int = 40) -> list[DemoDepartment]:
    """Departments to use when the directory is empty."""
    return [
        DemoDepartment(f"demo.dept-{i:03d}", f"PJSIP/demo-{i:03d}-a", f"PJSIP/demo-{i:03d}-b")
        for i in range(1, count + 1)
    ]


@dataclass(slots=True)
class _Ids:
    voicemail: int
    order: int
    event: int
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    call: int = 0


class DemoGenerator:
    """Draws a day's rows from the plan's distributions (deterministic for a seed)."""

    def __init__(self, plan: DemoPlan, ids: _Ids) -> None:
        self.plan = plan
        self.ids = ids
        self.rng = random.Random(plan.seed)
        # A few departments whose liaisons rarely pick up: the supervision view finds them.
        self.sleepy = {d.code for d in plan.departments[:: max(1, len(plan.departments) // 4)]}

    def day(self, day: date) -> DemoBatch:
        batch = DemoBatch()
        weekend = day.weekday() >= 5
        for site in self.plan.sites:
            mean = self.plan.calls_per_day * (0.35 if weekend else 1.0)
            if site in self.plan.counties:
                mean *= self.plan.county_share
            count = max(0, int(self.rng.gauss(mean, mean * 0.08)))
            hours = self.rng.choices(range(24), weights=HOURLY_WEIGHTS, k=count)
            missed: dict[str, Row] = {}
            for hour in sorted(hours):
                started = datetime.combine(day, time(hour), CHINA_TZ) + timedelta(
                    seconds=self.rng.uniform(0, 3599)
                )
                self._call(batch, site, started, missed)
            batch.callbacks.extend(missed.values())
        return batch

    def _call(self, batch: DemoBatch, site: str, started: datetime, missed: dict[str, Row]) -> None:
        rng, ids = self.rng, self.ids
        ids.call += 1
        caller = f"139{rng.randrange(10**8):08d}"
        county_numbers = self.plan.counties.get(site)
        own = [d for d in self.plan.departments if d.platform == site] if county_numbers else []
        dept = rng.choice(own or self.plan.departments)
        # The same call log the controller fills, through the same methods, so the rows
        # are what the recorder would have written for such a call.
        log = CallLog(
            call_id=f"demo-{ids.run}-{ids.call}", channel_id=f"ch-{ids.run}-{ids.call}",
            hotline_number=rng.choice(county_numbers or self.plan.hotline_numbers),
            caller_number=caller, started_at=started, site=site, platform=site,
            answered_at=started + timedelta(seconds=1),
        )  # fmt: skip
        length = rng.uniform(20, 90)
        draw = rng.random()
        if draw < 0.30:
            log.outcome, log.department_code = "info_given", dept.code
        elif draw < 0.58:
            length += self._transfer(batch, log, dept)
        elif draw < 0.90:
            length += self._operator(batch, log, dept, missed)
        elif draw < 0.91:
            log.outcome = "emergency_referral"
        elif draw < 0.995:
            log.outcome, log.reason = "abandoned", "hangup_in_menu"
        else:
            log.outcome, log.reason = "failed", "error_in_menu"
        log.ended_at = started + timedelta(seconds=length)
        batch.calls.append(record_values(log, ended_at=log.ended_at))
        if rng.random() < self.plan.web_order_share:
            self._order(batch, log, dept, channel=rng.choice(("web", "sms")))

    def _transfer(self, batch: DemoBatch, log: CallLog, dept: DemoDepartment) -> float:
        rng = self.rng
        log.department_code, log.transfer_attempted = dept.code, True
        answer_p = 0.55 if dept.code in self.sleepy else 0.9
        for endpoint in (dept.liaison_endpoint, dept.backup_endpoint):
            if not endpoint:
                continue
            if rng.random() < answer_p:
                log.dials.append({"endpoint": endpoint, "dialstatus": "ANSWER"})
                log.talk_s = int(rng.expovariate(1 / 150))
                log.outcome, log.transfer_bridged = "transferred", True
                return log.talk_s + 8.0
            status = "BUSY" if rng.random() < 0.3 else "NOANSWER"
            log.dials.append({"endpoint": endpoint, "dialstatus": status})
        log.reason = "busy" if log.dials[-1]["dialstatus"] == "BUSY" else "noanswer"
        self._voicemail(batch, log, dept)
        return 40.0

    def _operator(
        self, batch: DemoBatch, log: CallLog, dept: DemoDepartment, missed: dict[str, Row]
    ) -> float:
        rng = self.rng
        busy_hour = log.started_at.hour in (9, 10, 14, 15)
        wait = rng.expovariate(1 / (25.0 if busy_hour else 8.0))
        patience = rng.expovariate(1 / 90.0)
        queued_at = log.started_at + timedelta(seconds=rng.uniform(4, 9))  # greeting, key 0
        if patience < wait:
            if rng.random() < 0.1:
                log.queue_left(QUEUE_CALLBACK, wait_s=patience)
            else:
                log.queue_left(QUEUE_ABANDONED, wait_s=patience)
                log.reason = "hangup_in_queue"
            day = log.started_at.date()
            entry = missed.setdefault(log.caller_number, {
                "caller_number": log.caller_number, "day": day, "site": log.site,
                "hotline_number": log.hotline_number, "first_at": log.started_at,
                "last_at": log.started_at, "missed_calls": 0, "last_call_id": log.call_id,
                "reason": "requested" if log.queue_outcome == QUEUE_CALLBACK else "abandoned",
                "status": "done" if rng.random() < 0.8 else "pending",
                "attempts": 1, "note": None, "done_at": None, "done_by": None,
            })  # fmt: skip
            entry["missed_calls"] += 1
            return patience
        overflow_to = None
        if rng.random() < 0.06:
            overflow_to = "qingshan" if log.site != "qingshan" else "linjiang"
        seat_site = overflow_to or log.site
        seat = f"{SEAT_PREFIX.get(seat_site, seat_site[:2])}-{rng.randrange(1, 13):02d}"
        log.queue_answered(queued_at + timedelta(seconds=wait), wait_s=wait, seat=seat,
                           overflow_to=overflow_to)  # fmt: skip
        log.talk_s = int(rng.lognormvariate(5.0, 0.5))
        if rng.random() < 0.05:  # the operator puts the caller through: still answered
            log.outcome, log.department_code = "transferred", dept.code
            log.transfer_attempted = log.transfer_bridged = True
        if rng.random() < self.plan.order_share:
            self._order(batch, log, dept)
        return wait + log.talk_s

    def _voicemail(self, batch: DemoBatch, log: CallLog, dept: DemoDepartment) -> None:
        rng, ids, code = self.rng, self.ids, dept.code
        ids.voicemail += 1
        recorded = log.started_at + timedelta(seconds=30)
        empty = rng.random() < 0.08  # the caller hung up at the beep, or said nothing
        due = recorded.date() + timedelta(days=7)
        handled = None
        if rng.random() < 0.92:
            late = rng.random() < 0.12
            handled = recorded + timedelta(days=rng.uniform(8, 12) if late else rng.uniform(0.1, 6))
        batch.voicemails.append({
            "id": ids.voicemail, "mailbox": code, "department_code": code,
            "platform": dept.platform or log.platform,
            "caller_number": log.caller_number, "hotline_number": log.hotline_number,
            "call_id": log.call_id, "recorded_at": recorded,
            "duration_s": 0.0 if empty else rng.uniform(5, 60), "reason": log.reason,
            "recording_name": f"demo/{log.call_id}", "audio_path": "", "empty": empty,
            "reply_due": due, "handled_at": handled, "handled_by": "demo" if handled else None,
            "reply": "已回电" if handled else None, "transcript": None,
        })  # fmt: skip
        log.voicemail_kept(f"demo/{log.call_id}", empty=empty)
        log.voicemail_id = ids.voicemail
        if not empty and rng.random() < 0.5:
            self._order(batch, log, dept)

    def _order(
        self, batch: DemoBatch, log: CallLog, dept: DemoDepartment, channel: str = "phone"
    ) -> None:
        rng, ids, code = self.rng, self.ids, dept.code
        platform = dept.platform or log.platform
        ids.order += 1
        accepted = log.started_at + timedelta(minutes=3)
        due = accepted.date() + timedelta(days=rng.choice((3, 5, 7, 14)))
        kind = rng.choice(list(OrderType))
        events: list[tuple[datetime, str, str, str]] = [
            (accepted, "dispatch", "accepted", "dispatched")
        ]
        status, replied, closed, rating, redo = OrderStatus.DISPATCHED, None, None, None, 0
        if rng.random() < 0.93:
            days = rng.uniform(0.2, (due - accepted.date()).days + (4 if rng.random() < 0.1 else 0))
            replied = accepted + timedelta(days=days)
            events.append((replied, "reply", "in_progress", "replied"))
            status = OrderStatus.REPLIED
            if rng.random() < 0.07:
                redo = 1
                events.append((replied + timedelta(hours=2), "redo", "replied", "in_progress"))
                replied += timedelta(days=1)
                events.append((replied, "reply", "in_progress", "replied"))
            if rng.random() < 0.85:
                rating = rng.choices((5, 4, 3, 2, 1), weights=(70, 20, 5, 3, 2))[0]
                events.append(
                    (replied + timedelta(hours=20), "callback", "replied", "callback_review")
                )
                closed = replied + timedelta(days=1)
                events.append((closed, "close", "callback_review", "closed"))
                status = OrderStatus.CLOSED
        batch.orders.append({
            "id": ids.order, "number": f"DM{ids.run[:4]}{ids.order:09d}", "order_type": kind.value,
            "urgency": "normal", "status": status.value, "subject": "演示工单",
            "description": "", "caller_number": log.caller_number, "caller_name": "",
            "hotline_number": log.hotline_number,
            "call_id": log.call_id if channel == "phone" else "",
            "channel": channel, "department_code": code, "platform": platform,
            "accepted_at": accepted,
            "due_date": due, "reply": "已办理" if replied else None, "replied_at": replied,
            "satisfaction": rating, "not_accepted_reason": None, "referral": None,
            "merged_into_id": None, "supervised": False, "redo_count": redo,
            "created_by": "demo", "updated_at": closed or replied or accepted, "closed_at": closed,
        })  # fmt: skip
        if self.plan.order_events:
            for at, transition, before, after in events:
                ids.event += 1
                batch.events.append({
                    "id": ids.event, "order_id": ids.order, "at": at, "actor": "demo",
                    "transition": transition, "from_status": before, "to_status": after,
                    "reason": "", "department_code": code, "platform": platform,
                })  # fmt: skip


def _chunks(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


async def _next_id(session: AsyncSession, table: Table) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)


async def generate(
    sessions: async_sessionmaker[AsyncSession],
    plan: DemoPlan,
    *,
    progress: Callable[[date, DemoBatch], None] | None = None,
) -> dict[str, int]:
    """Insert the plan's history day by day; returns rows written per table."""
    tables = [
        (name, cast(Table, model.__table__))
        for name, model in (
            ("voicemails", Voicemail), ("calls", CallRecord), ("orders", WorkOrder),
            ("events", OrderEvent), ("callbacks", CallbackRequest),
        )
    ]  # fmt: skip
    async with sessions() as session:
        ids = _Ids(
            voicemail=await _next_id(session, tables[0][1]),
            order=await _next_id(session, tables[2][1]),
            event=await _next_id(session, tables[3][1]),
        )
    generator = DemoGenerator(plan, ids)
    written = dict.fromkeys((name for name, _ in tables), 0)
    first = plan.last_day - timedelta(days=plan.days - 1)
    for offset in range(plan.days):
        day = first + timedelta(days=offset)
        batch = generator.day(day)
        async with sessions.begin() as session:
            for name, table in tables:
                rows: list[Row] = getattr(batch, name)
                for chunk in _chunks(rows):
                    await session.execute(insert(table), chunk)
                written[name] += len(rows)
        if progress is not None:
            progress(day, batch)
    start = datetime.combine(first, time(), CHINA_TZ)
    await rebuild(sessions, start, start + timedelta(days=plan.days))
    return written
