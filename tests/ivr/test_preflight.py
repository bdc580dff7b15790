"""The start-up checks `hotline ivr` prints: what on the PBX would fail calls later."""

from __future__ import annotations

import shutil
from pathlib import Path

from base.clock import ScaledClock
from ivr.ari import AriClient
from ivr.preflight import pbx_problems
from ivr.simulator import start_simulator


async def test_a_missing_recording_directory_is_reported(tmp_path: Path) -> None:
    running = await start_simulator(
        clock=ScaledClock(speed=25.0), recordings_dir=tmp_path / "recording"
    )
    try:
        async with AriClient(
            base_url=running.url, username="hotline", password="hotline", app="hotline"
        ) as ari:
            assert await pbx_problems(ari) == []
            shutil.rmtree(tmp_path / "recording")  # as seen on a real Asterisk 22 install
            [problem] = await pbx_problems(ari)
            assert "recording directory" in problem
            assert "Allocation failed" in problem  # GET /recordings/stored → 500
    finally:
        await running.stop()
