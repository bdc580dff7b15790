"""The write-ahead journal: every fact a call produces is on local disk before anyone is told.

A fact (a call record, a kept voicemail, ...) is appended to a small SQLite file in the
data directory with `synchronous=FULL`, so `append` returns only once the fact has been
fsynced. The database is written later, by `hotline.journal_writer.JournalWriter`, which
may be slowed, locked or down for as long as it likes: the journal simply grows.

Why an SQLite file and not a JSONL file: appends are atomic (no torn last line to repair),
several processes on one data directory can append at once, and the writer can look a
fact up by its key (a resumed call asks "is this recording already kept?") without
scanning. The file holds facts only until they are applied and `RETENTION_S` has passed.

All access to the file runs on one thread owned by the journal: concurrent appends from
many calls are grouped into one transaction (one fsync for the group).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from base.clock import Clock

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

# Applied facts stay this long, so a controller restarted after a crash can still tell
# that a step's effect was kept even when the database is unreachable.
RETENTION_S = 24 * 3600.0

# Stages of a fact: waiting for the database, stored and waiting for its follow-up
# (notifications, transcripts), done.
STORE = 0
FOLLOW_UP = 1
DONE = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    written_at REAL NOT NULL,
    data TEXT NOT NULL,
    stage INTEGER NOT NULL DEFAULT 0,
    follow_up INTEGER NOT NULL DEFAULT 0,
    applied_at REAL,
    failure TEXT
);
CREATE INDEX IF NOT EXISTS facts_open ON facts (stage, seq) WHERE stage < 2;
CREATE INDEX IF NOT EXISTS facts_key ON facts (kind, key);
"""


class JournalUnavailable(RuntimeError):
    """The journal cannot take a fact (disk full, unwritable): nothing was appended."""


@dataclass(frozen=True, slots=True)
class Fact:
    """Something a call produced that must reach the database exactly once.

    `key` makes applying it idempotent (a call id, a recording name); `follow_up` asks for
    a second step after it is stored (notifications), run apart from the hot path.
    """

    kind: str
    key: str
    data: dict[str, Any]
    follow_up: bool = False


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A fact as the journal holds it."""

    seq: int
    fact: Fact
    written_at: float
    stage: int
    failure: str | None

    @property
    def kind(self) -> str:
        return self.fact.kind

    @property
    def key(self) -> str:
        return self.fact.key

    @property
    def data(self) -> dict[str, Any]:
        return self.fact.data


@dataclass(frozen=True, slots=True)
class JournalDepth:
    """How far the database is behind: facts not yet stored, and the oldest one's age."""

    waiting: int
    oldest_age_s: float
    follow_ups: int
    failed: int


class Journal:
    """Appends facts durably; hands them to the writer in order; forgets them once done."""

    def __init__(self, path: Path, *, clock: Clock) -> None:
        self.path = path
        self._clock = clock
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._db: sqlite3.Connection | None = None
        self._batch: list[tuple[tuple[Fact, ...], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.appended = asyncio.Event()  # set on every append: the writer's wake-up call

    # -- life cycle ---------------------------------------------------------------------
    async def open(self) -> None:
        await self._run(self._open)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                             check_same_thread=False)  # fmt: skip
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(_SCHEMA)
        self._db = db

    async def close(self) -> None:
        if self._flusher is not None:
            with contextlib.suppress(Exception):
                await self._flusher
        if self._db is not None:
            await self._run(self._db.close)
            self._db = None
        self._thread.shutdown(wait=True)

    async def _run(self, work: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work, *args)

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise JournalUnavailable(f"the journal {self.path} is not open")
        return self._db

    # -- appending ----------------------------------------------------------------------
    async def append(self, *facts: Fact) -> None:
        """Keep `facts` on disk (all or none); returns once they are fsynced.

        Raises `JournalUnavailable` when the disk refuses them (full, read-only).
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._batch.append((facts, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="journal-flush")
        await done
        self.appended.set()

    async def _flush(self) -> None:
        while self._batch:
            batch, self._batch = self._batch, []
            try:
                await self._run(self._insert, [facts for facts, _ in batch])
            except Exception:
                # One bad group must not sink the others: retry each on its own.
                for facts, done in batch:
                    try:
                        await self._run(self._insert, [facts])
                    except Exception as exc:
                        if not done.done():
                            done.set_exception(_unavailable(self.path, exc))
                    else:
                        if not done.done():
                            done.set_result(None)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    def _insert(self, groups: list[tuple[Fact, ...]]) -> None:
        db = self._conn()
        now = self._clock.now().timestamp()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO facts (kind, key, written_at, data, follow_up) VALUES (?, ?, ?, ?, ?)",
                [
                    (fact.kind, fact.key, now, json.dumps(fact.data, ensure_ascii=False),
                     int(fact.follow_up))
                    for facts in groups
                    for fact in facts
                ],
            )  # fmt: skip
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    # -- the writer's side --------------------------------------------------------------
    async def due(self, stage: int, *, limit: int = 200) -> list[JournalEntry]:
        """Facts waiting at `stage` (not failed), oldest first."""
        rows = await self._run(
            lambda: (
                self._conn()
                .execute(
                    "SELECT seq, kind, key, written_at, data, follow_up, stage, failure FROM facts"
                    " WHERE stage = ? AND failure IS NULL ORDER BY seq LIMIT ?",
                    (stage, limit),
                )
                .fetchall()
            )
        )
        return [_entry(row) for row in rows]

    async def first_waiting_seq(self) -> int | None:
        """The oldest fact not yet in the database (follow-ups wait until earlier facts are)."""
        row = await self._run(
            lambda: (
                self._conn().execute(f"SELECT min(seq) FROM facts WHERE stage = {STORE}").fetchone()
            )
        )
        return None if row is None or row[0] is None else int(row[0])

    async def stored(self, entries: Iterable[JournalEntry]) -> None:
        """These facts are in the database: on to their follow-up, or done."""
        now = self._clock.now().timestamp()
        values = [(now, entry.seq) for entry in entries]

        def mark() -> None:
            db = self._conn()
            with db:
                db.executemany(
                    "UPDATE facts SET stage = CASE follow_up WHEN 1 THEN 1 ELSE 2 END,"
                    " applied_at = ? WHERE seq = ?",
                    values,
                )

        await self._run(mark)

    async def followed_up(self, entry: JournalEntry) -> None:
        await self._run(
            self._update, f"UPDATE facts SET stage = {DONE} WHERE seq = ?", (entry.seq,)
        )

    async def fail(self, entry: JournalEntry, reason: str) -> None:
        """Keep a fact the database refuses, out of the way; `retry_failed` brings it back."""
        await self._run(
            self._update, "UPDATE facts SET failure = ? WHERE seq = ?", (reason[:2000], entry.seq)
        )

    async def retry_failed(self) -> int:
        """Put refused facts back in line (at start-up, or by `hotline journal retry`)."""
        return await self._run(
            self._update, "UPDATE facts SET failure = NULL WHERE failure IS NOT NULL", ()
        )

    async def purge(self) -> int:
        """Forget facts done longer than `RETENTION_S` ago."""
        before = self._clock.now().timestamp() - RETENTION_S
        sql = f"DELETE FROM facts WHERE stage = {DONE} AND applied_at < ?"
        return await self._run(self._update, sql, (before,))

    def _update(self, sql: str, args: tuple[Any, ...]) -> int:
        db = self._conn()
        with db:
            return db.execute(sql, args).rowcount

    # -- reading ------------------------------------------------------------------------
    async def find(self, kind: str, key: str) -> JournalEntry | None:
        """The latest fact of `kind` with `key`, applied or not (None if never journaled)."""
        row = await self._run(
            lambda: (
                self._conn()
                .execute(
                    "SELECT seq, kind, key, written_at, data, follow_up, stage, failure FROM facts"
                    " WHERE kind = ? AND key = ? ORDER BY seq DESC LIMIT 1",
                    (kind, key),
                )
                .fetchone()
            )
        )
        return None if row is None else _entry(row)

    async def failed(self) -> list[JournalEntry]:
        rows = await self._run(
            lambda: (
                self._conn()
                .execute(
                    "SELECT seq, kind, key, written_at, data, follow_up, stage, failure FROM facts"
                    " WHERE failure IS NOT NULL ORDER BY seq"
                )
                .fetchall()
            )
        )
        return [_entry(row) for row in rows]

    async def depth(self) -> JournalDepth:
        def read() -> tuple[Any, ...]:
            row: tuple[Any, ...] = (
                self._conn()
                .execute(
                    "SELECT"
                    f" count(*) FILTER (WHERE stage = {STORE} AND failure IS NULL),"
                    f" min(written_at) FILTER (WHERE stage = {STORE} AND failure IS NULL),"
                    f" count(*) FILTER (WHERE stage = {FOLLOW_UP} AND failure IS NULL),"
                    " count(*) FILTER (WHERE failure IS NOT NULL)"
                    f" FROM facts WHERE stage < {DONE}"
                )
                .fetchone()
            )
            return row

        waiting, oldest, follow_ups, failed = await self._run(read)
        age = max(0.0, self._clock.now().timestamp() - oldest) if oldest is not None else 0.0
        return JournalDepth(waiting=int(waiting), oldest_age_s=age,
                            follow_ups=int(follow_ups), failed=int(failed))  # fmt: skip


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    seq, kind, key, written_at, data, follow_up, stage, failure = row
    fact = Fact(kind=kind, key=key, data=json.loads(data), follow_up=bool(follow_up))
    return JournalEntry(seq=seq, fact=fact, written_at=written_at, stage=stage, failure=failure)


def _unavailable(path: Path, exc: BaseException) -> JournalUnavailable:
    logger.error("journal %s refused a fact: %s", path, exc)
    error = JournalUnavailable(f"the journal {path} cannot take the fact: {exc}")
    error.__cause__ = exc
    return error
