"""The event loop a process runs on: asyncio's by default, uvloop when the settings say so."""

from __future__ import annotations

import asyncio

import pytest
import uvloop

from base import event_loop
from base.config import ConfigError, load_settings


async def _loop_type() -> type[asyncio.AbstractEventLoop]:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop())


def test_the_default_is_asyncios_own_loop() -> None:
    loop_type = event_loop.run(_loop_type())
    assert issubclass(loop_type, asyncio.SelectorEventLoop)
    assert not issubclass(loop_type, uvloop.Loop)


def test_uvloop_runs_the_coroutine_on_uvloop() -> None:
    assert issubclass(event_loop.run(_loop_type(), event_loop="uvloop"), uvloop.Loop)


def test_an_unknown_loop_is_a_clear_error_and_leaves_no_coroutine_behind() -> None:
    main = _loop_type()
    with pytest.raises(ConfigError, match="no event loop called 'trio'"):
        event_loop.run(main, event_loop="trio")
    assert main.cr_frame is None  # closed, not left unawaited


def test_the_setting_is_checked_when_loaded() -> None:
    assert load_settings(environ={"HOTLINE_EVENT_LOOP": "uvloop"}).event_loop == "uvloop"
    with pytest.raises(ConfigError, match="'event_loop': 'fast' is not one of asyncio, uvloop"):
        load_settings(environ={"HOTLINE_EVENT_LOOP": "fast"})
