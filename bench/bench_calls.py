"""Concurrent calls through one controller process, against the PBX simulator.

The simulator runs in its own process (as Asterisk would), the calls are placed from a
third, and the controller runs in a fresh process per measurement, so its memory and CPU
figures belong to that run alone. Each call keys a department's pinyin initials and is
either transferred to a liaison who answers (公安局, 425#, 60 s) or sent to voicemail by a
busy line (出入境, 275#, 75 s); calls arrive at 100 a second. Half the calls must leave
a call record only, the other half a call record, a voicemail, a work order and the
order's link to the voicemail.

After the calls end the bench waits for the journal's writer to store everything, then
counts FROM THE DATABASE against the calls placed and prints `lost:` / `duplicated:`.
It fails (exit 1) on any loss, duplicate or mislink, on any log record >= ERROR in the
controller process, on any traceback or ERROR line the simulator or controller wrote to
stderr, and when a target is missed: event->command p99 <= 20 ms, <= 50 KiB per
concurrent call, <= 10 ms controller CPU per call, 0 lost. A table per 10 s
(latency p99, event-loop lag, calls up, journal depth) shows where slow commands come from;
`--profile` adds where the event loop's thread spends its time.

    .venv/bin/python bench/bench_calls.py                        # 5,000 calls, SQLite
    .venv/bin/python bench/bench_calls.py --database postgresql  # a throw-away cluster
    .venv/bin/python bench/bench_calls.py --database both --sweep
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from base import event_loop  # noqa: E402
from base.clock import CHINA_TZ, ScaledClock  # noqa: E402
from base.config import EVENT_LOOPS, Settings  # noqa: E402
from base.heap import settle_after_startup  # noqa: E402
from bench.calls_audit import (  # noqa: E402
    LogTally,
    Placed,
    audit_database,
    caller_number,
    caller_prefix,
    rows_of_run,
    scan_stderr,
)
from bench.loop_sampler import sample_current_thread  # noqa: E402
from directory import import_csv  # noqa: E402
from hotline.bootstrap import build_components  # noqa: E402
from hotline.migrate import upgrade_async  # noqa: E402
from hotline.runtime import run_controller  # noqa: E402
from ivr.prompts import Hotline, PromptCatalog  # noqa: E402
from tests.servers import create_postgres_database, free_port, postgres_server  # noqa: E402

SAMPLE = ROOT / "directory" / "data" / "sample_directory.csv"
THIS_SCRIPT = str(Path(__file__).resolve())
TARGET_P99_MS = 20.0
TARGET_KIB_PER_CALL = 50.0
TARGET_CPU_MS_PER_CALL = 10.0
SWEEP = (500, 1000, 2000, 5000)
# Calls last 60 s (transfer) or 75 s (voicemail) of real time; a run whose calls are
# still up this long after the last one was placed is stopped and fails.
CALLS_GRACE_S = 240.0
DRAIN_TIMEOUT_S = 180.0
# The parent kills a measuring process that runs longer than ramp + this.
RUN_LIMIT_S = 600.0
# keys, hang up after, voicemail? Long enough that every call of a run is up at once.
SCRIPTS = (("425#", 60.0, False), ("275#", 75.0, True))
# Calls arrive at this rate unless --ramp says otherwise: 2,000 calls over 20 s, 5,000 over 50.
ARRIVALS_PER_S = 100.0


@dataclass(slots=True)
class RunResult:
    """One measurement, as the measuring process reports it to the parent."""

    database: str
    calls: int
    placed: int = 0
    placing_s: float = 0.0
    finished: int = 0
    still_up: int = 0
    peak: int = 0
    wall_s: float = 0.0
    samples: int = 0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    cpu_s: float = 0.0
    loop_cpu_s: float = 0.0  # of cpu_s, the event loop's own thread (the rest: database threads)
    cpu_ms_per_call: float = 0.0
    kib_per_call: float = 0.0
    peak_rss_mib: float = 0.0
    simulator_cpu_s: float = 0.0
    journal_peak_waiting: int = 0
    drain_s: float = 0.0
    drained: bool = False
    journal_refused: int = 0
    lost: int = 0  # rows missing, all kinds together
    lost_by_kind: dict[str, int] = field(default_factory=dict)
    duplicated: int = 0
    wrong: int = 0
    controller_errors: int = 0
    simulator_tracebacks: int = 0
    simulator_error_lines: int = 0
    load_before: float = 0.0
    load_after: float = 0.0
    lines: list[str] = field(default_factory=list)  # the audit and the logs, to print

    @property
    def lost_text(self) -> str:
        """Records/voicemails/orders missing from the database."""
        by = self.lost_by_kind
        return "/".join(str(by.get(kind, 0)) for kind in ("records", "voicemails", "orders"))

    @property
    def errors(self) -> int:
        return self.controller_errors + self.simulator_tracebacks + self.simulator_error_lines

    @property
    def figures_ok(self) -> bool:
        return (self.p99_ms <= TARGET_P99_MS and self.kib_per_call <= TARGET_KIB_PER_CALL
                and self.cpu_ms_per_call <= TARGET_CPU_MS_PER_CALL)  # fmt: skip

    @property
    def truthful_ok(self) -> bool:
        return (self.placed == self.calls and self.finished == self.calls and not self.still_up
                and self.drained and not self.journal_refused and not self.lost
                and not self.duplicated and not self.wrong and not self.controller_errors
                and not self.simulator_tracebacks and not self.simulator_error_lines)  # fmt: skip


# -- the measuring process ------------------------------------------------------------------
def start_simulator(data_dir: Path, port: int, stderr: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HOTLINE_DATA_DIR": str(data_dir), "HOTLINE_SIM_PORT": str(port),
           "HOTLINE_LOG_LEVEL": "WARNING"}  # fmt: skip
    with stderr.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "hotline", "pbx-sim"], env=env, stdout=subprocess.DEVNULL,
            stderr=sink,
        )  # fmt: skip


async def wait_for(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(400):
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def planned_calls(calls: int, prefix: str) -> list[Placed]:
    return [
        Placed(caller=caller_number(prefix, index), voicemail=SCRIPTS[index % 2][2])
        for index in range(calls)
    ]


async def place_calls(sim_url: str, plan: list[Placed], ramp_s: float) -> tuple[int, float]:
    """Place the calls over `ramp_s`; returns how many the simulator accepted, and the
    seconds it took (longer than `ramp_s` when the simulator could not keep up)."""
    placed = 0
    async with aiohttp.ClientSession() as http:
        for endpoint, behaviour, hangup in (
            ("PJSIP%2Flj-001-a", "answer:2", 15),
            ("PJSIP%2Flj-003-a", "busy", None),
        ):
            async with http.put(
                f"{sim_url}/sim/endpoints/{endpoint}",
                json={"behaviour": behaviour, "hangup_after": hangup},
            ) as response:
                response.raise_for_status()
        started = time.perf_counter()
        for index, call in enumerate(plan):
            keys, hangup_after, _ = SCRIPTS[index % 2]
            body = {
                "number": "114",
                "caller": call.caller,
                "script": [{"at": 1.0, "dtmf": keys}],
                "hangup_after": hangup_after,
            }
            async with http.post(f"{sim_url}/sim/calls", json=body) as response:
                response.raise_for_status()
            placed += 1
            delay = started + ramp_s * (index + 1) / len(plan) - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
    return placed, time.perf_counter() - started


class Timeline:
    """Latency, event-loop lag, calls up and journal depth per 10 s of the run: where the
    slow commands come from (the ramp, the calls' ends, the journal's writes)."""

    WINDOW_S = 10.0
    PROBE_S = 0.01

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self._latencies: dict[int, list[float]] = {}
        self._lags: dict[int, list[float]] = {}
        self._states: dict[int, tuple[int, int]] = {}
        self._gc: dict[int, list[float]] = {}  # the garbage collector's pauses
        self._gc_began = 0.0

    def watch_gc(self) -> None:
        gc.callbacks.append(self._on_gc)

    def unwatch_gc(self) -> None:
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self._gc.setdefault(self._window(), []).append(time.perf_counter() - self._gc_began)

    def gc_summary(self) -> str:
        pauses = [p for window in self._gc.values() for p in window]
        if not pauses:
            return "garbage collector            no collection during the calls"
        return (f"garbage collector            {len(pauses)} collections, {sum(pauses):.1f} s "
                f"in all, longest {max(pauses) * 1000:.0f} ms")  # fmt: skip

    def _window(self) -> int:
        return int((time.perf_counter() - self.began) // self.WINDOW_S)

    def latency(self, seconds: float) -> None:
        self._latencies.setdefault(self._window(), []).append(seconds)

    def state(self, calls_up: int, journal_waiting: int) -> None:
        self._states[self._window()] = (calls_up, journal_waiting)

    async def probe_loop(self) -> None:
        """How late a 10 ms sleep wakes up: time the loop spent on something else."""
        while True:
            asleep = time.perf_counter()
            await asyncio.sleep(self.PROBE_S)
            lag = time.perf_counter() - asleep - self.PROBE_S
            self._lags.setdefault(self._window(), []).append(lag)

    def lines(self) -> list[str]:
        out = [
            "per 10 s     samples  p99 ms  max ms  loop lag max ms  >20 ms  gc max ms  "
            "calls up  journal"
        ]
        for window in range(max([*self._latencies, *self._lags, 0]) + 1):
            values, lags = self._latencies.get(window, []), self._lags.get(window, [])
            p99 = percentile(values, 0.99) * 1000 if values else 0.0
            top = max(values) * 1000 if values else 0.0
            lag = max(lags) * 1000 if lags else 0.0
            stalls = sum(x > 0.02 for x in lags)
            gc_top = max(self._gc.get(window, [0.0])) * 1000
            up, waiting = self._states.get(window, (0, 0))
            start, end = int(window * self.WINDOW_S), int((window + 1) * self.WINDOW_S)
            out.append(f"  {f'{start}-{end} s':<10} {len(values):>8} {p99:>7.1f} {top:>7.0f} "
                       f"{lag:>16.0f} {stalls:>7} {gc_top:>10.0f} {up:>9} "
                       f"{waiting:>8}")  # fmt: skip
        return out


async def place_elsewhere(sim_url: str, calls: int, ramp_s: float, run: int) -> tuple[int, float]:
    """`place_calls` in a process of its own, so the load generator takes neither the
    controller's event loop nor its CPU figures."""
    placer = await asyncio.create_subprocess_exec(
        sys.executable, THIS_SCRIPT, "--place", sim_url, "--calls", str(calls),
        "--ramp", str(ramp_s), "--run", str(run), stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await placer.communicate()
    if placer.returncode != 0:
        raise RuntimeError(f"the call placer ended with {placer.returncode}")
    placed, seconds = json.loads(out)
    return int(placed), float(seconds)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(database: str, database_url: str, calls: int, ramp_s: float,
                  run: int, *, keep: bool, profile: bool,
                  quality_recording: bool = True) -> RunResult:  # fmt: skip
    """Run the calls in this process's controller; count what reached the database."""
    tally = LogTally()
    tally.install()
    result = RunResult(database=database, calls=calls, load_before=os.getloadavg()[0])
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-calls-"))
    sim_port = free_port()
    sim_stderr = work / "simulator.stderr"
    simulator = start_simulator(work / "sim", sim_port, sim_stderr)
    latencies: list[float] = []
    timeline = Timeline()

    def on_latency(seconds: float) -> None:
        latencies.append(seconds)
        timeline.latency(seconds)

    notes: list[str] = []
    settings = Settings(data_dir=work, database_url=database_url, http_port=0, sim_port=sim_port,
                        log_level="WARNING", quality_recording=quality_recording)  # fmt: skip
    prefix = caller_prefix(run)
    plan = planned_calls(calls, prefix)
    await upgrade_async(settings.resolved_database_url)
    clock = ScaledClock(start=datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ))
    process = psutil.Process()
    try:
        sim_url = f"http://127.0.0.1:{sim_port}"
        await wait_for(f"{sim_url}/sim/clock")
        async with build_components(settings, clock=clock, load_directory=False) as components:
            if await rows_of_run(components.sessions, prefix):
                raise RuntimeError(f"the database already holds calls from {prefix}…; "
                                   "give the bench a fresh database")  # fmt: skip
            await import_csv(SAMPLE, components.directory_repository)
            await components.directory.reload()
            journal, writer = components.journal, components.journal_writer
            async with run_controller(
                components, ari_url=sim_url, clock=clock, http_port=0,
                on_latency=on_latency,
            ) as running:  # fmt: skip
                catalog = PromptCatalog(Hotline.SWITCHBOARD_114)
                await running.renderer.render_many(catalog.fixed().values())
                settle_after_startup()  # as `hotline ivr` does once it takes calls
                rss_before = process.memory_info().rss
                cpu_before = cpu_seconds()
                loop_cpu_before = time.thread_time()
                began = timeline.began = time.perf_counter()
                probing = asyncio.create_task(timeline.probe_loop())
                timeline.watch_gc()
                sampler = sample_current_thread() if profile else None
                print(f"  {database}: placing {calls} calls over {ramp_s:g} s", flush=True)
                placing = asyncio.create_task(place_elsewhere(sim_url, calls, ramp_s, run))
                peak_rss = rss_before
                controller = running.controller
                last_depth = 0.0
                while not placing.done() or controller.flows:
                    result.peak = max(result.peak, len(controller.flows))
                    peak_rss = max(peak_rss, process.memory_info().rss)
                    if time.perf_counter() - last_depth >= 1.0:
                        last_depth = time.perf_counter()
                        waiting = (await journal.depth()).waiting
                        timeline.state(len(controller.flows), waiting)
                        result.journal_peak_waiting = max(result.journal_peak_waiting, waiting)
                    await asyncio.sleep(0.25)
                    if placing.done() and time.perf_counter() - began > ramp_s + CALLS_GRACE_S:
                        break
                result.still_up = len(controller.flows)
                result.placed, result.placing_s = await placing
                calls_over = time.perf_counter()
                print(f"  calls over after {calls_over - began:.0f} s; draining the journal",
                      flush=True)  # fmt: skip
                result.drained = await writer.drain(timeout_s=DRAIN_TIMEOUT_S)
                result.drain_s = time.perf_counter() - calls_over
                probing.cancel()
                timeline.unwatch_gc()
                if sampler is not None:
                    sampler.stop()
                    notes.extend(sampler.lines())
                result.wall_s = time.perf_counter() - began
                result.cpu_s = cpu_seconds() - cpu_before
                result.loop_cpu_s = time.thread_time() - loop_cpu_before
                result.finished = controller.calls_finished
                depth = await journal.depth()
                result.journal_refused = depth.failed
                if not result.drained:
                    notes.append(
                        f"journal NOT drained after {DRAIN_TIMEOUT_S:g} s: {depth.waiting} facts "
                        f"waiting, {depth.follow_ups} follow-ups, oldest {depth.oldest_age_s:.0f} s"
                    )
                notes.extend(
                    f"journal refused fact {e.seq} {e.kind} {e.key}: {e.failure}"
                    for e in (await journal.failed())[:5]
                )
            audit = await audit_database(components.sessions, plan, prefix)
        with contextlib.suppress(psutil.Error):
            result.simulator_cpu_s = sum(psutil.Process(simulator.pid).cpu_times()[:2])
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    sim_scan = scan_stderr(sim_stderr)
    result.p50_ms = statistics.median(latencies) * 1000 if latencies else float("nan")
    result.p99_ms = percentile(latencies, 0.99) * 1000 if latencies else float("nan")
    result.max_ms = max(latencies) * 1000 if latencies else float("nan")
    result.samples = len(latencies)
    result.cpu_ms_per_call = result.cpu_s / max(1, result.finished) * 1000
    result.kib_per_call = (peak_rss - rss_before) / max(1, result.peak) / 1024
    result.peak_rss_mib = peak_rss / 2**20
    result.lost = sum(audit.lost.values())
    result.lost_by_kind = {kind: audit.lost[kind] for kind in ("records", "voicemails", "orders")}
    result.duplicated = sum(audit.duplicated.values())
    result.wrong = sum(audit.wrong.values())
    result.controller_errors = tally.errors
    result.simulator_tracebacks = sim_scan.tracebacks
    result.simulator_error_lines = sim_scan.errors
    result.load_after = os.getloadavg()[0]
    result.lines = [timeline.gc_summary(), *timeline.lines(), *audit.lines(), *notes,
                    *tally.lines("controller"), *sim_scan.lines("simulator")]  # fmt: skip
    if result.truthful_ok and not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        result.lines.append(f"data directory kept: {work}")
    return result


# -- the parent: one measuring process per run ----------------------------------------------
def run_measurement(
    database: str, url: str, calls: int, ramp_s: float, run: int, *, extra: list[str]
) -> RunResult:
    """Measure in a fresh process; its stderr is kept and searched for tracebacks."""
    with tempfile.TemporaryDirectory(prefix="hotline-bench-run-") as tmp:
        result_file, stderr_file = Path(tmp) / "result.json", Path(tmp) / "controller.stderr"
        command = [sys.executable, THIS_SCRIPT, "--measure", str(result_file),
                   "--database", database, "--database-url", url, "--calls", str(calls),
                   "--ramp", str(ramp_s), "--run", str(run), *extra]  # fmt: skip
        with stderr_file.open("wb") as sink:
            try:
                code = subprocess.run(command, stderr=sink, timeout=ramp_s + RUN_LIMIT_S,
                                      check=False).returncode  # fmt: skip
            except subprocess.TimeoutExpired:
                code = -1
        scan = scan_stderr(stderr_file)
        if result_file.exists():
            data = json.loads(result_file.read_text())
            result = RunResult(**data)
        else:
            tail = stderr_file.read_text(errors="replace").splitlines()[-30:]
            result = RunResult(database=database, calls=calls)
            result.lines = [f"the measuring process ended with {code} and no result"]
            result.lines.extend("  | " + line for line in tail)
            result.controller_errors = 1
        if not scan.clean:
            result.controller_errors += scan.tracebacks + scan.errors
            result.lines.extend(scan.lines("controller"))
    return result


def print_run(result: RunResult, ramp_s: float) -> None:
    r = result
    print(f"-- {r.database}: {r.calls} calls --")
    print(f"calls placed                 {r.placed} of {r.calls} over {r.placing_s:.1f} s "
          f"(asked {ramp_s:g} s)")  # fmt: skip
    still_up = f", {r.still_up} STILL UP when the bench gave up" if r.still_up else ""
    print(f"calls completed              {r.finished}{still_up}")
    print(f"peak concurrent calls        {r.peak}")
    print(f"event-to-command latency     p50 {r.p50_ms:.2f} ms  p99 {r.p99_ms:.2f} ms  "
          f"max {r.max_ms:.0f} ms ({r.samples} samples)")  # fmt: skip
    print(f"controller CPU               {r.cpu_s:.1f} s total, {r.cpu_ms_per_call:.1f} ms "
          f"per call (event loop {r.loop_cpu_s:.1f} s, other threads "
          f"{r.cpu_s - r.loop_cpu_s:.1f} s; simulator {r.simulator_cpu_s:.1f} s)")  # fmt: skip
    print(f"controller memory            {r.kib_per_call:.1f} KiB per concurrent call "
          f"(peak RSS {r.peak_rss_mib:.0f} MiB)")  # fmt: skip
    print(f"journal                      peak {r.journal_peak_waiting} facts waiting; drained "
          f"{'in' if r.drained else 'NOT after'} {r.drain_s:.1f} s after the last call; "
          f"{r.journal_refused} refused")  # fmt: skip
    print(f"load average                 {r.load_before:.1f} before, {r.load_after:.1f} after "
          f"({os.cpu_count()} cores)")  # fmt: skip
    for line in r.lines:
        print(line)
    verdict = "PASS" if r.figures_ok and r.truthful_ok else "FAIL"
    print(f"{verdict}: p99 {r.p99_ms:.1f} ms (<= {TARGET_P99_MS:g}), {r.cpu_ms_per_call:.1f} ms "
          f"CPU per call (<= {TARGET_CPU_MS_PER_CALL:g}), {r.kib_per_call:.1f} KiB "
          f"per call (<= {TARGET_KIB_PER_CALL:g}), lost {r.lost_text}, duplicated {r.duplicated}, "
          f"wrong {r.wrong}, errors {r.errors} — {r.database}, {r.peak} concurrent calls\n",
          flush=True)  # fmt: skip


def print_summary(results: list[RunResult]) -> None:
    print("== summary ==")
    print(f"{'database':<11}{'calls':>6}{'peak':>6}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms/call':>12}"
          f"{'KiB/call':>9}{'lost r/v/o':>15}{'dup':>4}{'err':>5}  verdict")  # fmt: skip
    for r in results:
        verdict = "PASS" if r.figures_ok and r.truthful_ok else "FAIL"
        print(f"{r.database:<11}{r.calls:>6}{r.peak:>6}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}"
              f"{r.cpu_ms_per_call:>12.1f}{r.kib_per_call:>9.1f}{r.lost_text:>15}{r.duplicated:>4}"
              f"{r.errors:>5}  {verdict}")  # fmt: skip
    for line in growth_lines(results):
        print(line)


def ratio(small: float, large: float) -> str:
    """How many times `large` is `small`, as "x1.23"."""
    return f"x{large / small:.2f}" if small > 0 else "-"


def growth_lines(results: list[RunResult]) -> list[str]:
    """How each figure grows from the smallest run to the largest, per database."""
    lines = []
    for database in dict.fromkeys(r.database for r in results):
        runs = sorted((r for r in results if r.database == database), key=lambda r: r.calls)
        small, large = runs[0], runs[-1]
        if small.calls == large.calls:
            continue
        lines.append(
            f"{database}: {small.calls} -> {large.calls} calls: p99 {small.p99_ms:.1f} -> "
            f"{large.p99_ms:.1f} ms ({ratio(small.p99_ms, large.p99_ms)}), CPU per call "
            f"{small.cpu_ms_per_call:.1f} -> {large.cpu_ms_per_call:.1f} ms "
            f"({ratio(small.cpu_ms_per_call, large.cpu_ms_per_call)}), memory per call "
            f"{small.kib_per_call:.1f} -> {large.kib_per_call:.1f} KiB "
            f"({ratio(small.kib_per_call, large.kib_per_call)})"
        )
    return lines


def orchestrate(args: argparse.Namespace) -> int:
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    sizes = list(SWEEP) if args.sweep else [args.calls]
    results: list[RunResult] = []
    extra = ["--keep"] * args.keep + ["--profile"] * args.profile
    extra += ["--event-loop", args.event_loop]
    extra += ["--no-quality-recording"] * args.no_quality_recording
    with ExitStack() as stack:
        admin_url = args.database_url
        if "postgresql" in databases and not admin_url:
            admin_url = stack.enter_context(postgres_server())
            print("PostgreSQL: a throw-away cluster from tests/servers.py (fsync=off)")
        run = 0
        for database in databases:
            for calls in sizes:
                run += 1
                url = args.database_url
                if database == "postgresql" and not url:
                    url = create_postgres_database(admin_url, f"bench_calls_{run}")
                ramp = args.ramp if args.ramp is not None else calls / ARRIVALS_PER_S
                result = run_measurement(database, url, calls, ramp, run, extra=extra)
                results.append(result)
                print_run(result, ramp)
    print_summary(results)
    return 0 if all(r.figures_ok and r.truthful_ok for r in results) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Each run takes about ramp + 75 s of calls + the journal's drain, plus ~10 s "
        "to start; --sweep runs 500, 1000, 2000 and 5000 calls one after the other (about "
        f"8-10 minutes per database on a quiet machine); a run still going after ramp + "
        f"{RUN_LIMIT_S:g} s is killed and fails, so a sweep of one database ends within "
        f"{len(SWEEP)} x (ramp + {RUN_LIMIT_S:g}) s whatever happens.",
    )
    parser.add_argument("--calls", type=int, default=5000, help="calls to place (default 5000)")
    parser.add_argument("--ramp", type=float, default=None,
                        help=f"seconds over which calls arrive (default: calls / "
                        f"{ARRIVALS_PER_S:g})")  # fmt: skip
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql", "both"),
        default="sqlite",
        help="embedded SQLite (default), PostgreSQL, or one after the other",
    )
    parser.add_argument("--database-url", default="",
                        help="a database URL (SQLAlchemy, async driver) instead of a fresh "
                        "SQLite file or a throw-away PostgreSQL cluster; the bench's calls must "
                        "not be in it already")  # fmt: skip
    parser.add_argument(
        "--sweep",
        action="store_true",
        help=f"measure at {', '.join(map(str, SWEEP))} calls (bounded, see below)",
    )
    parser.add_argument("--event-loop", choices=EVENT_LOOPS, default="asyncio",
                        help="the controller's event loop (HOTLINE_EVENT_LOOP)")  # fmt: skip
    parser.add_argument("--no-quality-recording", action="store_true",
                        help="calls are not recorded for 质检 (HOTLINE_QUALITY_RECORDING="
                        "false); otherwise each transfer keeps ~1 MB of audio")  # fmt: skip
    parser.add_argument("--keep", action="store_true",
                        help="keep each run's data directory (kept anyway when a run "
                        "loses, duplicates or logs an error)")  # fmt: skip
    parser.add_argument("--profile", action="store_true",
                        help="sample the event loop's stack during the calls and print where "
                        "it spends its time (adds a little load)")  # fmt: skip
    # Internal: the measuring process, told where to write its result.
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--place", help=argparse.SUPPRESS)  # the call placer: the simulator URL
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.place:
        plan = planned_calls(args.calls, caller_prefix(args.run))
        print(json.dumps(asyncio.run(place_calls(args.place, plan, args.ramp))))
        return 0
    if args.measure:
        result = event_loop.run(measure(args.database, args.database_url, args.calls, args.ramp,
                                        args.run, keep=args.keep, profile=args.profile,
                                        quality_recording=not args.no_quality_recording),
                                event_loop=args.event_loop)  # fmt: skip
        Path(args.measure).write_text(json.dumps(asdict(result)))
        return 0
    if args.database_url and args.database == "both":
        sys.exit("--database-url names one database: give --database sqlite or postgresql")
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
