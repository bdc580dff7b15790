"""Concurrent calls through one controller process, against the PBX simulator.

The simulator runs in its own process (as Asterisk would); this process runs the
controller. Each call keys a department's pinyin initials and is either transferred to a
liaison who answers (公安局, 425#) or sent to voicemail by a busy line (出入境, 275#).

Reports calls completed, event-to-command latency (from the ARI event a call waited for
to the ARI command it caused, measured in the controller), and CPU and memory per call.
Target: 2,000 concurrent calls in one controller process with p99 <= 20 ms.

    .venv/bin/python bench/bench_calls.py [--calls 2000] [--ramp 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from directory import import_csv  # noqa: E402
from hotline.bootstrap import build_components  # noqa: E402
from hotline.clock import CHINA_TZ, ScaledClock  # noqa: E402
from hotline.config import Settings  # noqa: E402
from hotline.migrate import upgrade_async  # noqa: E402
from hotline.runtime import run_controller  # noqa: E402
from ivr.prompts import Hotline, PromptCatalog  # noqa: E402
from tests.servers import free_port  # noqa: E402

SAMPLE = ROOT / "directory" / "data" / "sample_directory.csv"
TARGET_P99_MS = 20.0


def start_simulator(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HOTLINE_DATA_DIR": str(data_dir), "HOTLINE_SIM_PORT": str(port),
           "HOTLINE_LOG_LEVEL": "WARNING"}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "hotline", "pbx-sim"], env=env, stdout=subprocess.DEVNULL
    )


async def wait_for(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


async def place_calls(sim_url: str, calls: int, ramp_s: float) -> None:
    scripts = [("425#", 45.0), ("275#", 60.0)]
    async with aiohttp.ClientSession() as http:
        for endpoint, behaviour, hangup in (
            ("PJSIP%2Flj-001-a", "answer:2", 15),
            ("PJSIP%2Flj-003-a", "busy", None),
        ):
            async with http.put(
                f"{sim_url}/sim/endpoints/{endpoint}",
                json={"behaviour": behaviour, "hangup_after": hangup},
            ):
                pass
        started = time.perf_counter()
        for index in range(calls):
            keys, hangup_after = scripts[index % 2]
            body = {
                "number": "114",
                "caller": f"138{index:08d}",
                "script": [{"at": 1.0, "dtmf": keys}],
                "hangup_after": hangup_after,
            }
            async with http.post(f"{sim_url}/sim/calls", json=body) as response:
                response.raise_for_status()
            delay = started + ramp_s * (index + 1) / calls - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main(calls: int, ramp_s: float) -> int:
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-calls-"))
    sim_port = free_port()
    simulator = start_simulator(work / "sim", sim_port)
    latencies: list[float] = []
    settings = Settings(data_dir=work, http_port=0, sim_port=sim_port, log_level="WARNING")
    await upgrade_async(settings.resolved_database_url)
    clock = ScaledClock(start=datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ))
    process = psutil.Process()
    try:
        sim_url = f"http://127.0.0.1:{sim_port}"
        await wait_for(f"{sim_url}/sim/clock")
        async with build_components(settings, clock=clock, load_directory=False) as components:
            await import_csv(SAMPLE, components.directory_repository)
            await components.directory.reload()
            async with run_controller(
                components, ari_url=sim_url, clock=clock, http_port=0,
                on_latency=latencies.append,
            ) as running:  # fmt: skip
                catalog = PromptCatalog(Hotline.SWITCHBOARD_114)
                await running.renderer.render_many(catalog.fixed().values())
                rss_before = process.memory_info().rss
                cpu_before = resource.getrusage(resource.RUSAGE_SELF)
                began = time.perf_counter()
                placing = asyncio.create_task(place_calls(sim_url, calls, ramp_s))
                peak, peak_rss = 0, rss_before
                controller = running.controller
                while not placing.done() or controller.flows:
                    peak = max(peak, len(controller.flows))
                    peak_rss = max(peak_rss, process.memory_info().rss)
                    await asyncio.sleep(0.25)
                    if time.perf_counter() - began > ramp_s + 240:
                        break
                await placing
                elapsed = time.perf_counter() - began
                cpu_after = resource.getrusage(resource.RUSAGE_SELF)
                finished = controller.calls_finished
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = percentile(latencies, 0.99) * 1000 if latencies else float("nan")
    print(f"calls placed                 {calls} over {ramp_s:g} s")
    print(f"calls completed              {finished}")
    print(f"peak concurrent calls        {peak}")
    print(f"wall time                    {elapsed:.1f} s")
    print(f"event-to-command latency     p50 {p50:.2f} ms  p99 {p99:.2f} ms  "
          f"({len(latencies)} samples)")  # fmt: skip
    per_call_ms = cpu_s / max(1, finished) * 1000
    per_call_kib = (peak_rss - rss_before) / max(1, peak) / 1024
    print(f"controller CPU               {cpu_s:.1f} s total, {per_call_ms:.1f} ms per call")
    print(f"controller memory            {per_call_kib:.1f} KiB per concurrent call "
          f"(peak RSS {peak_rss / 2**20:.0f} MiB)")  # fmt: skip
    ok = finished == calls and p99 <= TARGET_P99_MS
    print(f"{'PASS' if ok else 'FAIL'}: p99 <= {TARGET_P99_MS:g} ms with {peak} concurrent calls")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which calls arrive")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.calls, args.ramp)))
