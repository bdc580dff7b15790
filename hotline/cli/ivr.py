"""`hotline up`, `hotline ivr`, `hotline pbx-sim`: the controller, embedded or against Asterisk."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time
from datetime import datetime

from base import event_loop
from base.clock import Clock, ScaledClock, SystemClock
from base.config import Settings
from base.heap import settle_after_startup
from hotline import STARTED_AT
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError
from hotline.runtime import run_controller, run_embedded
from ivr.preflight import pbx_problems
from ivr.simulator import start_simulator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = sub.add_parser("up", help="the embedded default: simulator + controller + HTTP")
    up.set_defaults(handler=_up)
    ivr = sub.add_parser("ivr", help="the controller alone, against HOTLINE_ARI_URL")
    ivr.set_defaults(handler=_ivr)
    sim = sub.add_parser("pbx-sim", help="the PBX simulator alone (ARI on HOTLINE_SIM_PORT)")
    sim.set_defaults(handler=_pbx_sim)


async def _until_stopped() -> None:
    """Wait for Ctrl-C or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def _up(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        clock = ScaledClock()
        async with (
            build_components(settings, clock=clock) as components,
            run_embedded(components, clock=clock, sim_port=settings.sim_port) as running,
        ):
            assert running.simulator is not None
            print(
                f"hotline is up: {len(components.directory)} departments\n"
                f"  HTTP API and desk   {running.http_url}/\n"
                f"  PBX simulator (ARI) {running.simulator.url}/ari\n"
                f"  place a call:       hotline call 114 --keys 425# --json\n"
                f"Ctrl-C stops it.",
                flush=True,
            )
            settle_after_startup()
            await _until_stopped()
        print("hotline stopped", flush=True)

    event_loop.run(run(), event_loop=settings.event_loop)
    return 0


def _ivr(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        clock = controller_clock(settings)
        async with (
            build_components(settings, clock=clock) as components,
            run_controller(components, ari_url=settings.ari_url, clock=clock) as running,
        ):
            print(f"controller on {settings.ari_url}, HTTP on {running.http_url}/", flush=True)
            await running.controller.wait_connected()
            # Until now Stasis() had no app: the dialplan's fallback answered callers.
            print(
                f"connected to ARI as app {settings.ari_app!r}, taking calls "
                f"({time.monotonic() - STARTED_AT:.1f} s after start)",
                flush=True,
            )
            for problem in await pbx_problems(running.controller.ari):
                print(f"warning: {problem}", flush=True)
            settle_after_startup()
            await _until_stopped()

    event_loop.run(run(), event_loop=settings.event_loop)
    return 0


def controller_clock(settings: Settings) -> Clock:
    """The wall clock, or a simulated one when HOTLINE_CLOCK_SPEED is set (simulation only)."""
    if not settings.clock_speed:
        return SystemClock()
    try:
        speed = float(settings.clock_speed)
        start = datetime.fromisoformat(settings.clock_start) if settings.clock_start else None
        return ScaledClock(start=start, speed=speed)
    except ValueError as exc:
        raise CommandError(f"clock_speed / clock_start: {exc}", exit_code=2) from None


def _pbx_sim(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        simulator = await start_simulator(
            host="127.0.0.1",
            port=settings.sim_port,
            clock=ScaledClock(),
            recordings_dir=settings.data_dir / "asterisk" / "recording",
            users={settings.ari_user: settings.ari_password},
        )
        print(f"PBX simulator: ARI on {simulator.url}/ari, control API on {simulator.url}/sim")
        settle_after_startup()
        try:
            await _until_stopped()
        finally:
            with contextlib.suppress(Exception):
                await simulator.stop()

    event_loop.run(run(), event_loop=settings.event_loop)
    return 0
