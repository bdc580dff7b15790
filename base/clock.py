"""Clocks: the wall clock in production, a scaled simulated clock for tests and the demo.

Every component that waits or reads the time takes a `Clock`, so a test can run a
two-minute voicemail in a fraction of a second by speeding the simulated clock up.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """What components need of time: now, a monotonic reading, and sleeping."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def monotonic(self) -> float:
        """Seconds on this clock's time line (simulated seconds for a scaled clock)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait this many seconds of this clock's time."""
        ...


class SystemClock:
    """The real wall clock, in China Standard Time."""

    def now(self) -> datetime:
        return datetime.now(CHINA_TZ)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """A simulated clock: starts at a chosen instant and runs `speed` times faster than real time.

    The simulator and the controller share one instance in the embedded default and in
    tests, so both agree on what time it is and how long a prompt lasts.
    """

    def __init__(self, *, start: datetime | None = None, speed: float = 1.0) -> None:
        self._speed = 1.0
        self._origin_real = time.monotonic()
        self._origin_sim = 0.0
        self._origin_wall = start if start is not None else datetime.now(CHINA_TZ)
        self.set(start=self._origin_wall, speed=speed)

    @property
    def speed(self) -> float:
        return self._speed

    def set(self, *, start: datetime | None = None, speed: float | None = None) -> None:
        """Move the clock to `start` and/or change its speed from now on."""
        current_wall = self.now() if start is None else start
        if current_wall.tzinfo is None:
            current_wall = current_wall.replace(tzinfo=CHINA_TZ)
        self._origin_sim = self.monotonic()
        self._origin_real = time.monotonic()
        self._origin_wall = current_wall
        if speed is not None:
            if speed <= 0:
                raise ValueError("speed must be positive")
            self._speed = speed

    def monotonic(self) -> float:
        return self._origin_sim + (time.monotonic() - self._origin_real) * self._speed

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin_real) * self._speed
        return self._origin_wall + timedelta(seconds=elapsed)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self._speed)


class LoopClock:
    """The running event loop's own time line, starting at a chosen instant.

    On an ordinary loop this is real time. On a virtual-time loop (the simulator's tests)
    the loop's time jumps over waits in which nothing can happen, so what a script does
    depends only on the script, never on how busy the machine is.
    """

    speed = 1.0

    def __init__(self, *, start: datetime | None = None) -> None:
        self._start = start if start is not None else datetime.now(CHINA_TZ)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._origin = 0.0

    def _elapsed(self) -> float:
        # The loop is taken on first use from within it; worker threads (the journal's,
        # a database driver's) read the same time line afterwards.
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._origin = self._loop.time()
        return self._loop.time() - self._origin

    def set(self, *, start: datetime | None = None, speed: float | None = None) -> None:
        """Move the clock to `start`; its pace is the loop's, so `speed` cannot change it."""
        if speed is not None and speed != self.speed:
            raise ValueError("this clock runs at its event loop's pace")
        if start is not None:
            base = self._elapsed()
            self._start = (start if start.tzinfo else start.replace(tzinfo=CHINA_TZ)) - timedelta(
                seconds=base
            )

    def monotonic(self) -> float:
        return self._elapsed()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed())

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
