"""An event loop whose time stands still while anything can run and jumps when nothing can.

`loop.time()` advances only when the loop would otherwise wait: if no callback is ready,
no socket has data (asked without waiting, then after a short real grace so that the
kernel's loopback delivery and other threads can land) and no executor job is running,
the loop moves its clock straight to the next timer. Every asyncio timer — sleeps,
timeouts, aiohttp's — then runs on simulated time, and work costs no simulated time at
all, so a script gives the same events, in the same order and at the same instants,
on a quiet machine and on one whose cores are busy.

A thread at work holds the clock too: the loop jumps only while every other thread of
the process stands in a known wait (a condition, a queue, an executor's idle worker), so
a database call on aiosqlite's thread or an fsync on the journal's takes no virtual time.
For in-process tests only: a peer in another process is invisible to the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import selectors
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import aiosqlite.core

_T = TypeVar("_T")

# Real seconds to wait for loopback data before deciding the loop is idle (threads need
# no grace: the loop knows whether each one has work).
IDLE_GRACE_S = 0.0002
# While a thread is at work the loop waits in real time, looking again this often: a
# thread that has just handed the loop its result may stand a moment longer in
# call_soon_threadsafe (waiting for the GIL) and then wake nobody when it leaves.
BUSY_POLL_S = 0.002
# Where a thread's innermost Python frame stands when it waits for work (file, function).
_WAITS = {
    ("threading.py", "wait"),
    ("threading.py", "_wait_for_tstate_lock"),
    ("queue.py", "get"),
    ("thread.py", "_worker"),  # concurrent.futures: blocked on its SimpleQueue
    ("selectors.py", "select"),
    ("gateway_base.py", "read"),  # pytest-xdist's worker reading its next order (execnet)
}


def _line_of(function: Callable[..., object], text: str) -> int:
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


# aiosqlite's connection thread takes its jobs from a SimpleQueue (C code, no frame of
# its own): it waits when it stands on that line and the queue is empty.
_AIOSQLITE_GET = (
    aiosqlite.core._connection_worker_thread.__code__,
    _line_of(aiosqlite.core._connection_worker_thread, "tx.get()"),
)


def _waiting(frame: FrameType) -> bool:
    code = frame.f_code
    if (code, frame.f_lineno) == _AIOSQLITE_GET:
        return bool(frame.f_locals["tx"].empty())
    return (code.co_filename.rsplit("/", 1)[-1], code.co_name) in _WAITS


def _others_waiting(own: int) -> bool:
    """Whether every thread but `own` stands in one of the known waits."""
    return all(_waiting(frame) for ident, frame in sys._current_frames().items() if ident != own)


class _IdleJumpingSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        if events or timeout == 0 or self.loop is None:
            return events
        if timeout is None or not self._idle():
            # Nothing scheduled, or a thread at work: wait in real time, the clock held.
            return list(super().select(None if timeout is None else min(timeout, BUSY_POLL_S)))
        events = super().select(IDLE_GRACE_S)
        if not events and self._idle():
            # A thread may have handed the loop a callback just before it went back to
            # its wait: look once more before the clock moves.
            events = super().select(0)
            if not events:
                self.loop.advance(timeout)
        return events

    def _idle(self) -> bool:
        assert self.loop is not None
        return not self.loop.busy_threads and _others_waiting(self.loop.thread)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector loop on virtual time (see the module's docstring)."""

    def __init__(self) -> None:
        selector = _IdleJumpingSelector()
        super().__init__(selector)
        self._now = time.monotonic()
        self.busy_threads = 0
        self.thread = threading.get_ident()
        selector.loop = self

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., _T], *args: Any
    ) -> asyncio.Future[_T]:
        self.busy_threads += 1
        future = super().run_in_executor(executor, func, *args)
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _: asyncio.Future[Any]) -> None:
        self.busy_threads -= 1
