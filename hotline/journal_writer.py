"""The one writer of the hot path: applies journaled facts to the database, exactly once.

Facts are applied in journal order, many per transaction. Each kind has a `StoreFact`
handler that is idempotent by the fact's key (a call id, a recording name), so a fact
applied just before a crash and applied again after it changes nothing. While the
database is locked, slow or down the writer backs off and tries again, for as long as
it takes; a fact the database refuses for what it is (a constraint, bad data) is set
aside in the journal, logged, counted in `/metrics`, and retried at the next start.

Follow-ups (notifications, transcripts) run in a lane of their own once a fact is
stored, so a slow SMTP server or speech model never holds up the call records.

Waits here are real seconds, not the hotline clock's: they pace I/O against a real
database, whatever the simulated time of day.

Only one process per data directory applies its journal (an advisory file lock);
another process on the same directory appends and leaves the applying to the holder.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.database import database_unavailable
from base.journal import FOLLOW_UP, STORE, Journal, JournalEntry

logger = logging.getLogger(__name__)

# Applies one fact inside the writer's transaction; must be a no-op for a fact already there.
StoreFact = Callable[[AsyncSession, JournalEntry], Awaitable[None]]
# What happens once a fact is stored (outside any transaction).
FollowUp = Callable[[JournalEntry], Awaitable[None]]

BATCH = 200
BACKOFF_MIN_S = 0.05
BACKOFF_MAX_S = 5.0
BACKLOG_WARN_FACTS = 500  # a backlog this deep is logged even when the database answers
PURGE_EVERY_S = 600.0
FOLLOW_UP_ATTEMPTS = 5
FOLLOW_UP_RETRY_S = 5.0
FOLLOW_UP_POLL_S = 0.1


class JournalWriter:
    """Drains the journal into the database; `run` it as one background task."""

    def __init__(
        self,
        *,
        journal: Journal,
        sessions: async_sessionmaker[AsyncSession],
        store: Mapping[str, StoreFact],
        follow_ups: Mapping[str, FollowUp] | None = None,
    ) -> None:
        self._journal = journal
        self._sessions = sessions
        self._store = dict(store)
        self._follow_ups = dict(follow_ups or {})
        self._backing_up_since: float | None = None
        self._lock_fd: int | None = None

    def add_store(self, kind: str, handler: StoreFact) -> None:
        self._store[kind] = handler

    def add_follow_up(self, kind: str, handler: FollowUp) -> None:
        self._follow_ups[kind] = handler

    async def run(self) -> None:
        await self._take_lock()
        retried = await self._journal.retry_failed()
        if retried:
            logger.warning("journal: %d refused fact(s) put back in line", retried)
        try:
            async with asyncio.TaskGroup() as lanes:
                lanes.create_task(self._store_lane(), name="journal-store")
                lanes.create_task(self._follow_up_lane(), name="journal-follow-up")
        finally:
            self._release_lock()

    @property
    def holds_lock(self) -> bool:
        """Whether this process is the one applying its data directory's journal."""
        return self._lock_fd is not None

    async def drain(self, *, timeout_s: float = 30.0) -> bool:
        """Wait until every fact so far is stored and followed up (tests, shutdown);
        False on timeout."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                while True:
                    depth = await self._journal.depth()
                    if not depth.waiting and not depth.follow_ups:
                        return True
                    self._journal.appended.set()
                    await asyncio.sleep(0.01)
        return False

    # -- storing ------------------------------------------------------------------------
    async def _store_lane(self) -> None:
        backoff = BACKOFF_MIN_S
        last_purge = time.monotonic()
        while True:
            self._journal.appended.clear()
            try:
                stored = await self._store_next()
                if not stored and time.monotonic() - last_purge > PURGE_EVERY_S:
                    last_purge = time.monotonic()
                    await self._journal.purge()
            except Exception as exc:
                # The database, or the journal's own disk, failed: wait and try again.
                await self._backing_up(exc)
                await asyncio.sleep(backoff)
                backoff = min(BACKOFF_MAX_S, backoff * 2)
                continue
            backoff = BACKOFF_MIN_S
            if not stored:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1.0):
                        await self._journal.appended.wait()

    async def _store_next(self) -> bool:
        """Store the next batch of waiting facts; False when none was waiting."""
        entries = await self._journal.due(STORE, limit=BATCH)
        if not entries:
            self._drained()
            return False
        await self._apply(entries)
        if len(entries) < BATCH:  # took everything that was waiting
            self._drained()
        elif self._backing_up_since is None:
            depth = await self._journal.depth()
            if depth.waiting >= BACKLOG_WARN_FACTS:
                self._backing_up_since = time.monotonic()
                logger.warning("journal: %d facts waiting for the database (slow writes)",
                               depth.waiting)  # fmt: skip
        return True

    async def _apply(self, entries: Sequence[JournalEntry]) -> None:
        """Store `entries` in one transaction; on a refusal, one at a time to find it."""
        try:
            await self._store_all(entries)
        except Exception as exc:
            if database_unavailable(exc):
                raise
            if len(entries) == 1:
                await self._refuse(entries[0], exc)
                return
            for entry in entries:
                await self._apply([entry])
            return
        await self._journal.stored(entries)

    async def _store_all(self, entries: Sequence[JournalEntry]) -> None:
        async with self._sessions.begin() as session:
            for entry in entries:
                handler = self._store.get(entry.kind)
                if handler is None:
                    raise LookupError(f"no writer for facts of kind {entry.kind!r}")
                await handler(session, entry)

    async def _refuse(self, entry: JournalEntry, exc: BaseException) -> None:
        logger.error("journal: fact %d (%s %s) refused by the database, kept aside: %s",
                     entry.seq, entry.kind, entry.key, exc)  # fmt: skip
        await self._journal.fail(entry, f"{type(exc).__name__}: {exc}")

    async def _backing_up(self, exc: BaseException) -> None:
        if self._backing_up_since is not None:
            return
        self._backing_up_since = time.monotonic()
        if not database_unavailable(exc):
            logger.exception("journal: cannot apply facts (%s); retrying", _first_line(exc))
            return
        with contextlib.suppress(Exception):
            waiting = (await self._journal.depth()).waiting
            logger.error(
                "journal: the database is unavailable (%s); calls go on, %d fact(s) wait on disk",
                _first_line(exc), waiting,
            )  # fmt: skip

    def _drained(self) -> None:
        if self._backing_up_since is None:
            return
        waited = time.monotonic() - self._backing_up_since
        self._backing_up_since = None
        logger.warning("journal: drained, every waiting fact is in the database (%.0f s)", waited)

    # -- follow-ups ---------------------------------------------------------------------
    async def _follow_up_lane(self) -> None:
        attempts: dict[int, int] = {}
        while True:
            failed = False
            try:
                entries = await self._journal.due(FOLLOW_UP, limit=BATCH)
                first_waiting = await self._journal.first_waiting_seq()
                ready = [e for e in entries if first_waiting is None or e.seq < first_waiting]
                for entry in ready:
                    if await self._follow_up(entry, attempts):
                        await self._journal.followed_up(entry)
                    else:
                        failed = True
            except Exception:
                logger.exception("journal: follow-ups cannot be read or marked; retrying")
                failed, ready = True, []
            if failed or not ready:
                await asyncio.sleep(FOLLOW_UP_RETRY_S if failed else FOLLOW_UP_POLL_S)

    async def _follow_up(self, entry: JournalEntry, attempts: dict[int, int]) -> bool:
        """Run one follow-up; True when it is done with (succeeded, or given up on)."""
        handler = self._follow_ups.get(entry.kind)
        if handler is None:
            return True
        try:
            await handler(entry)
        except Exception as exc:
            if database_unavailable(exc):  # not the follow-up's fault: no attempt spent
                return False
            tries = attempts[entry.seq] = attempts.get(entry.seq, 0) + 1
            if tries < FOLLOW_UP_ATTEMPTS:
                logger.exception("journal: follow-up of %s %s failed (attempt %d)",
                                 entry.kind, entry.key, tries)  # fmt: skip
                return False
            logger.exception("journal: follow-up of %s %s given up after %d attempts",
                             entry.kind, entry.key, tries)  # fmt: skip
        attempts.pop(entry.seq, None)
        return True

    # -- one applier per data directory -------------------------------------------------
    async def _take_lock(self) -> None:
        path = Path(f"{self._journal.path}.writer-lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        warned = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not warned:
                    logger.info("journal: another process applies %s; waiting to take over",
                                self._journal.path)  # fmt: skip
                    warned = True
                await asyncio.sleep(2.0)
                continue
            self._lock_fd = fd
            return

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
