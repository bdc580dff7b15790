"""Running a process's main coroutine on the event loop its settings name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from base.config import ConfigError

_T = TypeVar("_T")


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The factory of the loop called `name`; None is asyncio's default loop."""
    if name == "asyncio":
        return None
    if name == "uvloop":
        try:
            import uvloop  # optional: the `uvloop` extra
        except ImportError:
            raise ConfigError(
                "setting 'event_loop': uvloop is not installed (pip install 'hotline[uvloop]')"
            ) from None
        factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
        return factory
    raise ConfigError(f"setting 'event_loop': no event loop called {name!r}")


def run(main: Coroutine[Any, Any, _T], *, event_loop: str = "asyncio") -> _T:
    """`asyncio.run(main)` on the named loop."""
    try:
        factory = loop_factory(event_loop)
    except ConfigError:
        main.close()  # never started: no "coroutine was never awaited" warning
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
