"""The virtual-time loop: idle waits take no real time, work and threads take no virtual time."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import aiohttp
import aiosqlite
import pytest
from aiohttp import web

from base.clock import CHINA_TZ, LoopClock
from tests.virtual_time import REPLY_WAIT_S, VirtualTimeLoop


def _run(coro_factory: Callable[[], object]) -> object:
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(coro_factory())  # type: ignore[arg-type]
    finally:
        loop.close()


def test_an_idle_hour_passes_at_once() -> None:
    async def hour() -> float:
        loop = asyncio.get_running_loop()
        before = loop.time()
        await asyncio.sleep(3600)
        return loop.time() - before

    real = time.monotonic()
    assert _run(hour) == pytest.approx(3600)
    assert time.monotonic() - real < 1.0


def test_timers_fire_in_order_and_at_their_instants() -> None:
    async def timers() -> list[tuple[str, float]]:
        clock = LoopClock()
        clock.monotonic()
        fired: list[tuple[str, float]] = []

        async def after(name: str, seconds: float) -> None:
            await clock.sleep(seconds)
            fired.append((name, clock.monotonic()))

        await asyncio.gather(after("c", 30.0), after("a", 0.5), after("b", 12.25))
        return fired

    assert _run(timers) == [("a", 0.5), ("b", 12.25), ("c", 30.0)]


def test_a_thread_at_work_holds_the_clock() -> None:
    async def thread_then_timer() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        pending = loop.create_task(asyncio.sleep(10.0))
        await loop.run_in_executor(None, time.sleep, 0.05)  # real work, 50 ms
        during = loop.time() - start
        await pending
        return during, loop.time() - start

    during, after = _run(thread_then_timer)  # type: ignore[misc]
    assert during < 1.0  # the 10-s timer did not jump while the thread worked
    assert after == pytest.approx(10.0)


def test_loopback_http_takes_no_virtual_time() -> None:
    async def exchange() -> tuple[float, str]:
        async def hello(_: web.Request) -> web.Response:
            await asyncio.sleep(2.0)
            return web.Response(text="hello")

        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        loop = asyncio.get_running_loop()
        try:
            async with aiohttp.ClientSession() as session:
                start = loop.time()
                async with session.get(f"http://127.0.0.1:{port}/") as resp:
                    text = await resp.text()
                return loop.time() - start, text
        finally:
            await runner.cleanup()

    took, text = _run(exchange)  # type: ignore[misc]
    assert text == "hello"
    assert took == pytest.approx(2.0, abs=0.01)


def test_the_loop_clock_can_be_moved_but_not_sped_up() -> None:
    async def moved() -> str:
        clock = LoopClock()
        clock.set(start=datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ))
        await clock.sleep(90)
        with pytest.raises(ValueError, match="pace"):
            clock.set(speed=25.0)
        return clock.now().isoformat()

    assert _run(moved) == "2026-11-24T10:01:30+08:00"


def test_a_query_on_aiosqlites_thread_holds_the_clock(tmp_path: Path) -> None:
    async def query_then_timer() -> tuple[float, float, int]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        pending = loop.create_task(asyncio.sleep(10.0))
        async with aiosqlite.connect(tmp_path / "slow.sqlite3") as db:
            # About a second of real work on aiosqlite's own thread (not an executor's).
            cursor = await db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                " WHERE i < 3000000) SELECT count(*) FROM n"
            )
            (count,) = await cursor.fetchone() or (0,)
            during = loop.time() - start
            await pending  # the connection's thread, idle now, lets the clock jump
            return during, loop.time() - start, count

    during, after, count = _run(query_then_timer)  # type: ignore[misc]
    assert count == 3000000
    assert during < 1.0  # the 10-s timer did not jump while the query ran
    assert after == pytest.approx(10.0)


def test_a_worker_thread_reads_the_loop_clock() -> None:
    async def read_from_a_thread() -> tuple[float, float]:
        clock = LoopClock()
        clock.monotonic()  # taken on the loop first, as the hotline's components do
        await clock.sleep(42.0)
        from_thread = await asyncio.get_running_loop().run_in_executor(None, clock.monotonic)
        return from_thread, clock.monotonic()

    from_thread, on_loop = _run(read_from_a_thread)  # type: ignore[misc]
    assert from_thread == pytest.approx(42.0) == on_loop


# A server in another process: answers each line after `delay` real seconds, or never.
_SLOW_ECHO = """
import socket, sys, time
delay = float(sys.argv[1])
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
while data := conn.recv(100):
    if delay >= 0:
        time.sleep(delay)
        conn.sendall(data)
"""


def _ask_another_process(delay: float, timeout: float) -> tuple[str, float, float]:
    """Write a line to the slow echo, await its reply under a virtual `timeout`."""

    async def ask() -> tuple[str, float, float]:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _SLOW_ECHO, str(delay), stdout=asyncio.subprocess.PIPE
        )
        assert server.stdout is not None
        port = int(await server.stdout.readline())
        loop = asyncio.get_running_loop()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            real, start = time.monotonic(), loop.time()
            writer.write(b"PING\n")
            try:
                reply = (await asyncio.wait_for(reader.readline(), timeout)).decode().strip()
            except TimeoutError:
                reply = "timeout"
            return reply, loop.time() - start, time.monotonic() - real
        finally:
            writer.close()
            server.kill()
            await server.wait()

    return _run(ask)  # type: ignore[return-value]


def test_a_request_to_another_process_holds_the_clock_until_its_reply() -> None:
    # The server takes 0.3 real seconds; the client allows 0.1 virtual ones. Without the
    # hold the clock would jump straight to the timeout.
    reply, virtual, _real = _ask_another_process(delay=0.3, timeout=0.1)
    assert reply == "PING"
    assert virtual < 0.1


def test_a_server_that_never_answers_lets_the_timeout_fire() -> None:
    reply, virtual, real = _ask_another_process(delay=-1, timeout=5.0)
    assert reply == "timeout"
    assert virtual == pytest.approx(5.0, abs=0.01)
    assert REPLY_WAIT_S <= real < REPLY_WAIT_S + 2.0  # held for the wait, then it jumped
