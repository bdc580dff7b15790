"""What bench_calls.py checks after a run: the database's rows and both processes' logs.

The count is taken from the database, not from the controller's own tallies: a call that
"completed" but whose record, voicemail or work order never reached a table is lost.
Each call the bench places has its own caller number, so rows are matched to calls by it.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.orders.models import OrderVoicemail, WorkOrder
from ivr.call_records import CallRecord
from voicemail.models import Voicemail

KEEP_FIRST = 5  # log records / tracebacks shown in full


def caller_prefix(run: int) -> str:
    """The caller numbers of one run start with this: runs sharing a database stay apart."""
    return f"138{run:02d}"


def caller_number(prefix: str, index: int) -> str:
    return f"{prefix}{index:06d}"


@dataclass(frozen=True, slots=True)
class Placed:
    """A call the bench placed, and whether its script ends in a voicemail."""

    caller: str
    voicemail: bool


@dataclass(slots=True)
class Audit:
    """Rows found in the database against the calls placed."""

    calls: int = 0
    voicemail_calls: int = 0
    records: int = 0
    voicemails: int = 0
    orders: int = 0
    links: int = 0
    lost: Counter[str] = field(default_factory=Counter)
    duplicated: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)  # present but not what the call did
    # A voicemail call without a voicemail row, by its call record's outcome: "voicemail"
    # means a message was kept and never stored; another outcome, the call never got there.
    voicemail_lost_by_outcome: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (+self.lost or +self.duplicated or +self.wrong)

    def note(self, kind: Counter[str], what: str, caller: str, detail: str, n: int = 1) -> None:
        kind[what] += n
        if len(self.examples) < KEEP_FIRST * 2:
            self.examples.append(f"{caller}: {detail}")

    def lines(self) -> list[str]:
        def figures(counts: Counter[str]) -> str:
            return ", ".join(f"{k} {counts[k]}" for k in ("records", "voicemails", "orders",
                                                          "links"))  # fmt: skip

        out = [
            f"in the database: {self.records} call records, {self.voicemails} voicemails, "
            f"{self.orders} voicemail orders, {self.links} order-voicemail links "
            f"(placed {self.calls} calls, {self.voicemail_calls} of them to voicemail)",
            f"lost: {figures(self.lost)}",
            f"duplicated: {figures(self.duplicated)}",
        ]
        if +self.voicemail_lost_by_outcome:
            out.append(
                "lost voicemails by their call's recorded outcome: "
                + ", ".join(f"{k} {n}" for k, n in self.voicemail_lost_by_outcome.most_common())
                + " (other than 'voicemail': the call never reached the voicemail step)"
            )
        if +self.wrong:
            out.append("wrong: " + ", ".join(f"{k} {n}" for k, n in sorted(self.wrong.items())))
        out.extend(f"  e.g. {example}" for example in self.examples)
        return out


async def rows_of_run(sessions: async_sessionmaker[AsyncSession], prefix: str) -> int:
    """How many call records and voicemails already carry this run's caller numbers."""
    async with sessions() as session:
        records = await session.scalar(
            select(func.count(CallRecord.id)).where(CallRecord.caller_number.startswith(prefix))
        )
        voicemails = await session.scalar(
            select(func.count(Voicemail.id)).where(Voicemail.caller_number.startswith(prefix))
        )
    return int(records or 0) + int(voicemails or 0)


async def audit_database(
    sessions: async_sessionmaker[AsyncSession], placed: Iterable[Placed], prefix: str
) -> Audit:
    """Match call records, voicemails, voicemail orders and their links to the calls
    (rows whose caller number starts with `prefix`)."""
    expected = {call.caller: call for call in placed}
    audit = Audit(calls=len(expected), voicemail_calls=sum(c.voicemail for c in expected.values()))
    async with sessions() as session:
        records = (await session.execute(
            select(CallRecord.caller_number, CallRecord.call_id, CallRecord.outcome,
                   CallRecord.voicemail_id)
            .where(CallRecord.caller_number.startswith(prefix))
        )).all()  # fmt: skip
        voicemails = (await session.execute(
            select(Voicemail.caller_number, Voicemail.id, Voicemail.recording_name)
            .where(Voicemail.caller_number.startswith(prefix))
        )).all()  # fmt: skip
        orders = (await session.execute(
            select(WorkOrder.caller_number, WorkOrder.id, WorkOrder.number)
            .where(WorkOrder.channel == "voicemail", WorkOrder.caller_number.startswith(prefix))
        )).all()  # fmt: skip
        links = (await session.execute(
            select(OrderVoicemail.voicemail_id, OrderVoicemail.order_id)
            .join(Voicemail, Voicemail.id == OrderVoicemail.voicemail_id)
            .where(Voicemail.caller_number.startswith(prefix))
        )).all()  # fmt: skip
    audit.records, audit.voicemails = len(records), len(voicemails)
    audit.orders, audit.links = len(orders), len(links)

    by_caller: dict[str, dict[str, list[Any]]] = {
        caller: {"records": [], "voicemails": [], "orders": [], "links": []} for caller in expected
    }
    unknown = Counter[str]()
    for kind, found in (("records", records), ("voicemails", voicemails), ("orders", orders)):
        for row in found:
            slot = by_caller.get(row[0])
            if slot is None:
                unknown[kind] += 1
            else:
                slot[kind].append(row)
    caller_of_voicemail = {vm_id: caller for caller, vm_id, _ in voicemails}
    for voicemail_id, order_id in links:
        caller = caller_of_voicemail.get(voicemail_id)
        if caller is None or caller not in by_caller:
            unknown["links"] += 1
        else:
            by_caller[caller]["links"].append((voicemail_id, order_id))
    for kind, n in unknown.items():
        audit.wrong[f"{kind} of no placed call"] += n

    for caller, call in expected.items():
        rows = by_caller[caller]
        want = {"records": 1, "voicemails": int(call.voicemail), "orders": int(call.voicemail),
                "links": int(call.voicemail)}  # fmt: skip
        for kind, count in want.items():
            have = len(rows[kind])
            if have < count:
                audit.note(audit.lost, kind, caller, f"no {kind[:-1]} in the database")
            elif have > count and count:
                audit.note(audit.duplicated, kind, caller, f"{have} {kind}: {rows[kind]}",
                           have - count)  # fmt: skip
            elif have > count:
                audit.note(audit.wrong, f"{kind} of a call that left none", caller,
                           f"{rows[kind]}")  # fmt: skip
        if call.voicemail and not rows["voicemails"]:
            outcomes = [record[2] for record in rows["records"]] or ["(no call record)"]
            audit.voicemail_lost_by_outcome[outcomes[0]] += 1
        _check_links(audit, caller, call, rows)
    return audit


def _check_links(audit: Audit, caller: str, call: Placed, rows: dict[str, list[Any]]) -> None:
    """The record's outcome and voicemail id, and the link to the caller's own order."""
    if len(rows["records"]) != 1:
        return
    _, call_id, outcome, voicemail_id = rows["records"][0]
    want_outcome = "voicemail" if call.voicemail else "transferred"
    if outcome != want_outcome:
        audit.note(audit.wrong, f"records with outcome {outcome} (not {want_outcome})", caller,
                   f"call {call_id} outcome {outcome}")  # fmt: skip
    if not call.voicemail or len(rows["voicemails"]) != 1:
        return
    _, vm_id, _ = rows["voicemails"][0]
    if voicemail_id != vm_id:
        audit.note(audit.wrong, "records not linked to their voicemail", caller,
                   f"call {call_id} voicemail_id {voicemail_id}, voicemail is {vm_id}")  # fmt: skip
    if len(rows["orders"]) == 1 and len(rows["links"]) == 1:
        _, order_id, number = rows["orders"][0]
        if rows["links"][0] != (vm_id, order_id):
            audit.note(
                audit.wrong,
                "voicemails linked to another order",
                caller,
                f"voicemail {vm_id} linked {rows['links'][0]}, order {number} is {order_id}",
            )


_DIGITS = re.compile(r"\d+")


class LogTally(logging.Handler):
    """Counts the process's log records by level and keeps the first few in full.

    Installed on the root logger; uncaught exceptions in threads and unraisable ones
    (which bypass logging) are routed through it too, so no traceback goes uncounted.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.counts: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()  # by logger and message template
        self.errors_by: Counter[str] = Counter()  # ... and the exception's type
        self.first_error: dict[str, str] = {}  # the first record of each, in full
        self._log = logging.getLogger("bench.uncaught")

    @property
    def errors(self) -> int:
        return self.counts["ERROR"] + self.counts["CRITICAL"]

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.levelname] += 1
        # Group by logger and message template; a message formatted before logging
        # (asyncio's "Task exception was never retrieved") is grouped without its numbers.
        template = str(record.msg).splitlines()[0] if str(record.msg) else ""
        what = f"{record.name}: {_DIGITS.sub('N', template)[:160]}"
        if record.levelno < logging.ERROR:
            self.warnings[what] += 1
            return
        if record.exc_info and record.exc_info[0] is not None:
            what += f" [{record.exc_info[0].__name__}]"
        self.errors_by[what] += 1
        if what not in self.first_error and len(self.first_error) < KEEP_FIRST:
            self.first_error[what] = self.format(record)

    def install(self) -> None:
        root = logging.getLogger()
        root.setLevel(logging.WARNING)
        root.addHandler(self)
        threading.excepthook = self._thread_exception
        sys.unraisablehook = self._unraisable

    def _thread_exception(self, args: threading.ExceptHookArgs) -> None:
        exc_info = _exc_info(args.exc_type, args.exc_value, args.exc_traceback)
        self._log.error("uncaught in thread %s", args.thread, exc_info=exc_info)

    def _unraisable(self, args: Any) -> None:
        exc_info = _exc_info(args.exc_type, args.exc_value, args.exc_traceback)
        self._log.error("unraisable: %s %r", args.err_msg, args.object, exc_info=exc_info)

    def lines(self, label: str) -> list[str]:
        counts = ", ".join(f"{n} {level}" for level, n in sorted(self.counts.items())) or "none"
        out = [f"{label} log records >= WARNING: {counts}"]
        out.extend(f"  {text} ({n}x)" for text, n in self.warnings.most_common(KEEP_FIRST))
        for what, n in self.errors_by.most_common():
            out.append(f"  ERROR {what} ({n}x)")
            first = self.first_error.get(what, "").splitlines()
            if len(first) > 50:  # a chained traceback: its start and where it was caught
                first = [*first[:25], "  ...", *first[-24:]]
            out.extend("  | " + line for line in first)
        return out


def _exc_info(
    kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
) -> tuple[type[BaseException], BaseException, TracebackType | None] | None:
    if kind is None or value is None:
        return None
    return kind, value, tb


_ERROR_LINE = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")


@dataclass(frozen=True, slots=True)
class StderrScan:
    """Tracebacks and ERROR lines a process wrote to its stderr, the tracebacks grouped by
    their final exception line (the first of each kept, shortened)."""

    tracebacks: int
    errors: int
    groups: list[tuple[str, int, list[str]]]  # (exception line, count, first traceback)

    @property
    def clean(self) -> bool:
        return not self.tracebacks and not self.errors

    def lines(self, label: str) -> list[str]:
        out = [f"{label} stderr: {self.tracebacks} tracebacks, {self.errors} ERROR lines"]
        for exception, count, first in self.groups:
            out.append(f"  {exception} ({count}x)")
            out.extend("  | " + line for line in first)
        return out


def _traceback_end(lines: list[str], start: int) -> int:
    """The index just past the traceback starting at `start` (past its exception line)."""
    chain = ("Traceback (", "During handling", "The above exception")
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if line and not line.startswith(" ") and not line.startswith(chain):
            after = index + 1  # an exception line: the end, unless a chained one follows
            while after < len(lines) and not lines[after]:
                after += 1
            if after >= len(lines) or not lines[after].startswith(chain):
                return index + 1
            index = after
        index += 1
    return index


def scan_stderr(path: Path) -> StderrScan:
    """Count tracebacks and ERROR log lines in a captured stderr; group the tracebacks."""
    if not path.exists():
        return StderrScan(0, 0, [])
    lines = path.read_text(errors="replace").splitlines()
    errors = sum(bool(_ERROR_LINE.match(line)) for line in lines)
    counts: Counter[str] = Counter()
    first: dict[str, list[str]] = {}
    index = 0
    while index < len(lines):
        if not lines[index].startswith("Traceback (most recent call last)"):
            index += 1
            continue
        end = _traceback_end(lines, index)
        block = lines[max(0, index - 1) : end]  # with the ERROR line before it, if any
        exception = _DIGITS.sub("N", block[-1])[:200]
        counts[exception] += 1
        if exception not in first and len(first) < KEEP_FIRST:
            first[exception] = block if len(block) <= 30 else [*block[:12], "...", *block[-16:]]
        index = end
    groups = [(exception, n, first.get(exception, [])) for exception, n in counts.most_common()]
    return StderrScan(sum(counts.values()), errors, groups)
