"""The operator queue over the PBX simulator: seats answering, ringing out, overflow,
abandonment onto the callback list, keys 1 and 2 while waiting, two controllers sharing
seats through one Redis, and a Redis outage mid-queue."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from agent_desk.auth import Role
from base.config import Settings
from hotline.routing_wiring import build_routing
from hotline.runtime import run_controller
from ivr.flow.hold import DEFAULT_HOLD_MUSIC, HOLD_MUSIC_S
from ivr.live_transfer import transfer_live_call
from ivr.prompts import Hotline, PromptCatalog
from ivr.simulator import SimCall, start_simulator
from routing import RedisStore, ResilientStore, SeatState
from tests.conftest import SAMPLE_DIRECTORY
from tests.ivr.flow.conftest import Harness, flow_clock
from tests.ivr.flow.routing_harness import (
    NO_SEATS,
    Start,
    components_for,
    eventually,
    queue_hotlines,
    routing_of,
)
from tests.routing.conftest import fresh_namespace
from tests.routing.test_outage import start_redis_on
from tests.servers import free_port, redis_server


@pytest.fixture
async def start(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, prompt_cache) as started:
        yield started


def step(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in record["steps"] if s["step"] == name)


def assert_nothing_left(hotline: Harness) -> None:
    summary = hotline.sim.summary()
    assert summary["channels"] == []
    assert summary["bridges"] == []
    assert summary["playbacks"] == []


async def test_a_free_seat_answers_and_is_recorded(start: Start) -> None:
    async with start(seat_plan={"linjiang": 2}) as hotline:
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=40))
        assert record["outcome"] == "operator"
        assert record["seat"] == "lj-01"  # equally idle: the lowest seat id rings first
        assert record["overflow_to"] is None
        assert 0 < record["queue_wait_s"] < 15
        assert record["dials"] == [{"endpoint": "PJSIP/seat-lj-01", "dialstatus": "ANSWER"}]
        bridged = step(record, "operator_bridged")
        assert bridged["origin_site"] == "linjiang"
        seat = await routing_of(hotline).presence.seat("lj-01")
        assert seat.state is SeatState.WRAP_UP  # the operator writes the order now
        assert await routing_of(hotline).store.queue_entries("linjiang") == []
        assert_nothing_left(hotline)


@pytest.mark.parametrize(("behaviour", "status"), [("busy", "BUSY"), ("noanswer", "NOANSWER")])
async def test_a_seat_that_does_not_answer_passes_the_call_to_the_next(
    start: Start, behaviour: str, status: str
) -> None:
    async with start(seat_plan={"linjiang": 2}) as hotline:
        hotline.sim.set_endpoint("PJSIP/seat-lj-01", behaviour)
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=60))
        assert record["outcome"] == "operator"
        assert record["seat"] == "lj-02"
        assert record["dials"] == [
            {"endpoint": "PJSIP/seat-lj-01", "dialstatus": status},
            {"endpoint": "PJSIP/seat-lj-02", "dialstatus": "ANSWER"},
        ]
        if status == "NOANSWER":
            assert record["queue_wait_s"] >= 15  # the first seat rang its full 15 s
        seat = await routing_of(hotline).presence.seat("lj-01")
        assert seat.state is SeatState.AVAILABLE  # back in line, behind the others
        assert_nothing_left(hotline)


async def test_a_full_local_site_overflows_to_its_neighbour(start: Start) -> None:
    async with start(seat_plan={"linjiang": 0, "qingshan": 1, "baisha": 0}) as hotline:
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=90))
        assert record["outcome"] == "operator"
        assert record["seat"] == "qs-01"
        assert record["overflow_to"] == "qingshan"
        # linjiang sends callers to qingshan once the oldest waited over 30 s
        assert record["queue_wait_s"] > 30
        bridged = step(record, "operator_bridged")
        assert bridged["origin_site"] == "linjiang"
        assert bridged["site"] == "qingshan"
        counters = await routing_of(hotline).store.counters("qingshan")
        assert sum(v for k, v in counters.items() if k.startswith("overflowed_in")) == 1


async def test_a_caller_hanging_up_in_the_queue_goes_on_the_callback_list(start: Start) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        record = await hotline.record_of(
            hotline.call(keys="0", caller="13900000001", hangup_after=20)
        )
        assert record["outcome"] == "abandoned"
        assert record["seat"] is None
        step(record, "queued")
        pending = await routing_of(hotline).callbacks.pending()
        assert [(p.caller_number, p.reason, p.site) for p in pending] == [
            ("13900000001", "abandoned", "linjiang")
        ]
        assert await routing_of(hotline).store.queue_entries("linjiang") == []
        assert_nothing_left(hotline)


async def test_key_2_while_waiting_asks_for_a_callback(start: Start) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        call = hotline.call(
            keys="0", caller="13900000002", script=[{"at": 8.0, "dtmf": "2"}], hangup_after=60
        )
        record = await hotline.record_of(call)
        assert record["outcome"] == "callback_requested"
        assert call.ended
        pending = await routing_of(hotline).callbacks.pending()
        assert [(p.caller_number, p.reason) for p in pending] == [("13900000002", "requested")]
        assert await routing_of(hotline).store.queue_entries("linjiang") == []


async def test_key_1_while_waiting_leaves_a_voicemail_in_the_general_mailbox(
    start: Start,
) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        call = hotline.call(keys="0", script=[{"at": 8.0, "dtmf": "1"}], hangup_after=60)
        record = await hotline.record_of(call)
        assert record["outcome"] == "voicemail"
        assert record["reason"] == "queue_voicemail"
        voicemail = await hotline.components.voicemail.get(record["voicemail"])
        assert voicemail is not None
        assert voicemail.mailbox == "general"
        assert await routing_of(hotline).callbacks.pending() == []  # they left a message


async def test_a_waiting_caller_hears_music_and_its_place_in_line(start: Start) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        first = hotline.call(keys="0", caller="13900000003", hangup_after=45)
        await asyncio.sleep(0.2)
        second = hotline.call(keys="0", caller="13900000004", hangup_after=45)
        await hotline.record_of(first)
        record = await hotline.record_of(second)
        assert record["outcome"] == "abandoned"
        renderer = hotline.running.renderer
        catalog = PromptCatalog(Hotline.SWITCHBOARD_114)
        [one_ahead] = await renderer.render_many([catalog.queue_position(1)])
        heard = hotline.sim.calls[second.call_id].heard
        assert renderer.media_uri(one_ahead, hotline.running.http_url) in heard
        # the tone, rendered to a file that ends by itself (Asterisk never ends a tone:)
        music = await renderer.render_tone(DEFAULT_HOLD_MUSIC[0], HOLD_MUSIC_S)
        assert renderer.media_uri(music, hotline.running.http_url) in heard
        assert not any(h.startswith("tone:") for h in heard)
        assert len(await routing_of(hotline).callbacks.pending()) == 2


def baisha_settings(tmp_path: Path, prompt_cache: Path, **changes: Any) -> Settings:
    return Settings(data_dir=tmp_path, http_port=0, prompt_cache_dir=str(prompt_cache),
                    home_city="白沙市", **changes)  # fmt: skip


@pytest.mark.redis
async def test_two_controllers_sharing_redis_never_give_one_seat_two_calls(
    tmp_path: Path, prompt_cache: Path
) -> None:
    clock = flow_clock()
    settings = baisha_settings(tmp_path, prompt_cache)
    plan = {"baisha": 3, "linjiang": 0, "qingshan": 0}
    namespace = fresh_namespace()
    with redis_server() as (url, _process, _port):
        async with AsyncExitStack() as stack:
            components = await stack.enter_async_context(components_for(settings, clock))
            simulator = await start_simulator(
                host="127.0.0.1", port=0, clock=clock, recordings_dir=tmp_path / "recordings",
                users={settings.ari_user: settings.ari_password},
            )  # fmt: skip
            stack.push_async_callback(simulator.stop)
            controllers: list[Harness] = []
            for app in ("hotline", "hotline2"):  # two processes: own ARI app, own Redis client
                own = dataclasses.replace(
                    components, settings=dataclasses.replace(settings, ari_app=app)
                )
                store = RedisStore(url=url, clock=clock, namespace=namespace)
                stack.push_async_callback(store.close)
                routing = await stack.enter_async_context(
                    build_routing(own.settings, clock=clock, sessions=components.sessions,
                                  seat_plan=plan, store=store)
                )  # fmt: skip
                running = await stack.enter_async_context(
                    run_controller(own, ari_url=simulator.url, clock=clock, simulator=simulator,
                                   http_port=0, routing=routing)
                )  # fmt: skip
                controllers.append(Harness(running, own, clock))
            calls = [
                (harness, harness.sim.place_call(
                    "114", caller=f"1370000{n:04d}", app=harness.running.controller.ari.app,
                    script=[{"at": 1.0, "dtmf": "0"}], hangup_after=40,
                ))
                for n in range(6)
                for harness in [controllers[n % 2]]
            ]  # fmt: skip
            records = await asyncio.gather(*(h.record_of(c) for h, c in calls))
    answered = [r for r in records if r["outcome"] == "operator"]
    # Every call overlaps every other (all wait or talk until 40 s): three seats, so three
    # answered calls, each on its own seat, whichever controller took it.
    assert sorted(r["seat"] for r in answered) == ["bs-01", "bs-02", "bs-03"]
    assert [r["outcome"] for r in records].count("abandoned") == 3
    assert [h.running.controller.calls_started for h in controllers] == [3, 3]


@pytest.mark.redis
async def test_calls_are_answered_through_a_redis_outage_and_no_queued_call_is_lost(
    tmp_path: Path, prompt_cache: Path
) -> None:
    clock = flow_clock()
    settings = baisha_settings(tmp_path, prompt_cache)
    namespace = fresh_namespace()
    with redis_server() as (url, process, port):
        store = ResilientStore(
            primary=RedisStore(url=url, clock=clock, namespace=namespace, timeout_s=0.5),
            clock=clock,
            retry_every_s=0.05,
        )
        async with AsyncExitStack() as stack:
            stack.push_async_callback(store.close)
            components = await stack.enter_async_context(components_for(settings, clock))
            routing = await stack.enter_async_context(
                build_routing(settings, clock=clock, sessions=components.sessions,
                              seat_plan={"baisha": 2, "linjiang": 0, "qingshan": 0}, store=store)
            )  # fmt: skip
            simulator = await start_simulator(
                host="127.0.0.1", port=0, clock=clock, recordings_dir=tmp_path / "recordings",
                users={settings.ari_user: settings.ari_password},
            )  # fmt: skip
            stack.push_async_callback(simulator.stop)
            running = await stack.enter_async_context(
                run_controller(components, ari_url=simulator.url, clock=clock,
                               simulator=simulator, http_port=0, routing=routing)
            )  # fmt: skip
            hotline = Harness(running, components, clock)

            async def seat_state(seat: str, state: SeatState) -> None:
                async def reached() -> bool:
                    return (await routing.presence.seat(seat)).state is state

                await eventually(reached)

            first = hotline.call(keys="0", caller="13600000001", hangup_after=60)
            await seat_state("bs-01", SeatState.ON_CALL)
            process.terminate()
            process.wait(timeout=10)
            second = hotline.call(keys="0", caller="13600000002", hangup_after=60)
            await seat_state("bs-02", SeatState.ON_CALL)  # answered from the local view
            assert store.degraded
            third = hotline.call(keys="0", caller="13600000003", hangup_after=150)

            async def queued_locally() -> bool:
                return bool(await store.queue_entries("baisha"))

            await eventually(queued_locally)
            restarted = start_redis_on(port, str(tmp_path))
            try:
                probe = RedisStore(url=url, clock=clock, namespace=namespace)
                stack.push_async_callback(probe.close)

                async def queued_in_redis() -> bool:
                    return bool(await probe.queue_entries("baisha"))

                await eventually(queued_in_redis)  # the queued caller reaches the new Redis
                [waiting] = await probe.queue_entries("baisha")
                assert waiting.caller == "13600000003"
                records = [await hotline.record_of(c) for c in (first, second, third)]
            finally:
                restarted.terminate()
                restarted.wait(timeout=10)
    assert [(r["outcome"], r["seat"]) for r in records[:2]] == [
        ("operator", "bs-01"),
        ("operator", "bs-02"),
    ]
    # the third caller waited through the outage and got the first seat free after wrap-up
    assert records[2]["outcome"] == "operator"
    assert records[2]["queue_wait_s"] > 60


def test_hotline_call_reports_the_seat_and_the_overflow_in_json(
    tmp_path: Path, prompt_cache: Path
) -> None:
    env = {
        "HOTLINE_DATA_DIR": str(tmp_path),
        "HOTLINE_LOG_LEVEL": "WARNING",
        "HOTLINE_SIM_PORT": str(free_port()),  # nothing listens: a private simulator
        "HOTLINE_PROMPT_CACHE_DIR": str(prompt_cache),
        "PATH": "/usr/bin:/bin",
    }

    def hotline(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hotline", *args], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    assert hotline("db", "upgrade").returncode == 0
    assert hotline("directory", "import", str(SAMPLE_DIRECTORY)).returncode == 0
    result = hotline(
        "call", "114", "--keys", "0", "--seats", "linjiang=0", "--seats", "baisha=0",
        "--hangup-after", "80", "--at", "2026-11-24T10:00", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["outcome"] == "operator"
    assert record["seat"] == "qs-01"
    assert record["overflow_to"] == "qingshan"
    assert record["queue_wait_s"] > 30
    refused = hotline("call", "114", "--seats", "nowhere=1")
    assert refused.returncode == 2
    assert "no site nowhere" in refused.stderr


async def test_the_operator_puts_the_caller_through_to_a_liaison(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=10)
        call = hotline.call(keys="0", caller="13900000009", hangup_after=120)
        async with asyncio.timeout(1500):
            while not bridged_to_operator(hotline, call):  # noqa: ASYNC110 - test polling
                await asyncio.sleep(0.05)
        assert hotline.running.controller is not None
        await transfer_live_call(
            hotline.running.controller, ref="13900000009", department_code="linjiang.gongan"
        )
        record = await hotline.record_of(call)
        assert record["outcome"] == "transferred"
        assert record["department"] == "linjiang.gongan"
        assert record["seat"] == "lj-01"
        assert {"endpoint": "PJSIP/lj-001-a", "dialstatus": "ANSWER"} in record["dials"]
        seat = await routing_of(hotline).presence.seat("lj-01")
        assert seat.state is not SeatState.ON_CALL  # the operator was released
        assert_nothing_left(hotline)


def bridged_to_operator(hotline: Harness, call: SimCall) -> bool:
    flow = hotline.running.controller.flows.get(call.channel_id)
    steps = list(flow.log.steps) if flow is not None else []
    return any(s.get("step") == "operator_bridged" for s in steps)


async def test_an_operator_signs_in_at_the_desk_and_calls_a_missed_caller_back(
    start: Start,
) -> None:
    async with start(seat_plan={"linjiang": 0, "qingshan": 0, "baisha": 0}) as hotline:
        desk = hotline.running.desk
        assert desk is not None
        await desk.auth.add_user("op1", Role.OPERATOR, password="op1-password-123")
        base = hotline.running.http_url
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.post(
                f"{base}/api/auth/login", json={"name": "op1", "password": "op1-password-123"}
            ) as response:
                assert response.status == 200
                headers = {"X-CSRF-Token": (await response.json())["csrf_token"]}
            # nobody is signed in: a caller who hangs up in the queue is a missed call
            missed = await hotline.record_of(
                hotline.call(keys="0", caller="13900000077", hangup_after=20)
            )
            assert missed["outcome"] == "abandoned"
            async with http.get(f"{base}/api/callbacks") as response:
                callbacks = (await response.json())["callbacks"]
            assert [c["caller"] for c in callbacks] == ["13900000077"]
            # the operator signs in at seat lj-01: the queue now rings it
            async with http.post(
                f"{base}/api/seats/lj-01/state", json={"state": "available"}, headers=headers
            ) as response:
                assert response.status == 200
                assert (await response.json())["state"] == "available"
            answered = await hotline.record_of(hotline.call(keys="0", hangup_after=40))
            assert answered["outcome"] == "operator"
            assert answered["seat"] == "lj-01"
            # ... and calls the missed caller back from that seat
            seat = hotline.running.routing.sites.site("linjiang").seats[0]
            async with http.post(
                f"{base}/api/callbacks/{callbacks[0]['id']}/call", headers=headers
            ) as response:
                assert response.status == 202, await response.text()
            dialled = "PJSIP/13900000077@trunk"
            async with asyncio.timeout(1500):
                while not any(  # noqa: ASYNC110 - test polling
                    c.endpoint == dialled for c in hotline.sim.channels.values()
                ):
                    await asyncio.sleep(0.05)
            assert any(c.endpoint == seat.endpoint for c in hotline.sim.channels.values())


async def test_an_unregistered_seat_phone_is_never_offered_a_call(start: Start) -> None:
    # Asterisk 22: POST /channels/create to an unregistered PJSIP endpoint → 500, and
    # GET /endpoints shows it offline: presence sync takes the seat out before any call.
    async with start(seat_plan={"linjiang": 2}) as hotline:
        hotline.sim.set_endpoint("PJSIP/seat-lj-01", "unregistered")
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=40))
        assert record["outcome"] == "operator"
        assert record["dials"] == [{"endpoint": "PJSIP/seat-lj-02", "dialstatus": "ANSWER"}]
        seat = await routing_of(hotline).presence.seat("lj-01")
        assert (seat.state, seat.reason) == (SeatState.OFFLINE, "endpoint")
        assert_nothing_left(hotline)
