"""An event loop whose time stands still while anything can run and jumps when nothing can.

`loop.time()` advances only when the loop would otherwise wait: if no callback is ready,
no socket has data (asked without waiting, then after a short real grace so that the
kernel's loopback delivery and other threads can land) and no executor job is running,
the loop moves its clock straight to the next timer. Every asyncio timer — sleeps,
timeouts, aiohttp's — then runs on simulated time, and work costs no simulated time at
all, so a script gives the same events, in the same order and at the same instants,
on a quiet machine and on one whose cores are busy.

For in-process tests only: a peer in another process is invisible to the loop, and work
handed to a thread outside `run_in_executor` is not waited for.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import selectors
import time
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")

# Real seconds to wait for loopback data or a thread before deciding the loop is idle.
IDLE_GRACE_S = 0.002


class _IdleJumpingSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        if events or timeout == 0 or self.loop is None:
            return events
        if self.loop.busy_threads or timeout is None:
            # A thread is working (or nothing is scheduled): wait for it in real time.
            real = None if timeout is None else min(timeout, 0.05)
            found: list[tuple[selectors.SelectorKey, int]] = super().select(real)
            return found
        events = super().select(IDLE_GRACE_S)
        if not events:
            self.loop.advance(timeout)
        return events


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector loop on virtual time (see the module's docstring)."""

    def __init__(self) -> None:
        selector = _IdleJumpingSelector()
        super().__init__(selector)
        self._now = time.monotonic()
        self.busy_threads = 0
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
