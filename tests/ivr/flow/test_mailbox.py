"""The liaisons' voicemail line against the PBX simulator, wired as the composition root will.

The fixture composes the controller by hand (the wiring the lead adds to hotline.runtime):
`FlowServices(mailboxes=DeskMailboxes…, mailbox_number=…, voicemail_audio=…)` and the
voicemail audio route on the HTTP server Asterisk fetches prompts from. The liaison keys
react to what the simulator says was heard, so no test depends on how long a phrase lasts.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import io
import math
import wave
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select

from agent_desk.auth import Role
from agent_desk.mailboxes import DeskMailboxes
from agent_desk.orders.models import OrderEvent
from base.config import Settings
from directory import import_csv
from hotline.bootstrap import applying_journal, build_components
from hotline.http import desk_for
from hotline.migrate import upgrade_async
from hotline.runtime import RunningHotline
from ivr.ari import AriClient
from ivr.controller import Controller
from ivr.flow.context import FlowServices, Voice
from ivr.flow.mailbox_prompts import MailboxPrompts
from ivr.flow.operator import GeneralMailboxOperator
from ivr.ports import NoOrders
from ivr.prompts import PromptRenderer, prompt_routes
from ivr.simulator import SimCall, start_simulator
from ivr.simulator.callers import send_dtmf
from ivr.voicemail_media import VoicemailAudioLinks, VoicemailTokens, voicemail_media_routes
from tests.agent_desk.conftest import fast_passwords
from tests.conftest import SAMPLE_DIRECTORY
from tests.ivr.flow.conftest import Harness, flow_clock
from voicemail import Voicemail, VoicemailInfo

DEPT_A = "linjiang.gongan"
DEPT_B = "linjiang.gongan-huzheng"
PIN = "2468"
ACCESS = "12329"
PROMPTS = MailboxPrompts()


def tone(seconds: float = 2.0) -> bytes:
    """A caller's message: a 440 Hz tone, loud enough not to count as silence."""
    samples = array.array(
        "h",
        (int(8000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(int(8000 * seconds))),
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(samples.tobytes())
    return buffer.getvalue()


@dataclass
class Line:
    """The hotline plus what the mailbox tests need: the liaisons' phone ids, saving messages."""

    hotline: Harness
    phone_ids: dict[str, int]

    def prompt(self, text: str) -> str:
        key = self.hotline.running.renderer.key_for(text)
        return f"sound:{self.hotline.running.http_url}/prompts/{key}.wav"

    async def leave(self, department: str, caller: str) -> VoicemailInfo:
        components = self.hotline.components
        kept = await components.voicemail.keep(
            mailbox=department, department_code=department, caller_number=caller,
            hotline_number="12345", call_id=f"call-{caller}", reason="busy",
            recording_name=f"hotline/{caller}", audio=tone(), duration_s=2.0,
        )  # fmt: skip
        assert await components.journal_writer.drain()
        info = await components.voicemail.by_recording(kept.recording_name)
        assert info is not None
        return info

    def call(self) -> SimCall:
        return self.hotline.call(ACCESS, caller="13900000000", hangup_after=600)

    async def press_after(
        self, call: SimCall, heard: Callable[[str], bool], digits: str, *, times: int = 1
    ) -> None:
        """Press `digits` once the `times`-th media matching `heard` has started playing."""
        await until(lambda: sum(1 for uri in list(call.heard) if heard(uri)) >= times)
        sim = self.hotline.sim
        await send_dtmf(sim, sim.channels[call.channel_id], call, digits)

    async def sign_in(self, call: SimCall, name: str, pin: str, *, attempt: int = 1) -> None:
        first = self.prompt(PROMPTS.text("welcome" if attempt == 1 else "wrong"))
        times = 1 if attempt < 3 else 2
        await self.press_after(
            call, lambda uri: uri == first, f"{self.phone_ids[name]}#", times=times
        )
        ask_pin = self.prompt(PROMPTS.text("ask_pin"))
        await self.press_after(call, lambda uri: uri == ask_pin, f"{pin}#", times=attempt)


async def until(condition: Callable[[], bool]) -> None:
    """Wait (real seconds, bounded) for something the simulator shows."""
    async with asyncio.timeout(750):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


def audio_of(voicemail_id: int) -> Callable[[str], bool]:
    return lambda uri: f"/media/voicemail/{voicemail_id}-" in uri


@pytest.fixture
async def line(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Line]:
    settings = Settings(data_dir=tmp_path, http_port=0, prompt_cache_dir=str(prompt_cache))
    await upgrade_async(settings.resolved_database_url)
    clock = flow_clock()
    async with contextlib.AsyncExitStack() as stack:
        components = await stack.enter_async_context(
            build_components(settings, clock=clock, load_directory=False)
        )
        await import_csv(SAMPLE_DIRECTORY, components.directory_repository)
        await components.directory.reload()
        # This harness wires its own controller: it runs the journal's writer itself.
        await stack.enter_async_context(applying_journal(components))
        desk = desk_for(components)
        mailboxes = DeskMailboxes.for_desk(desk, passwords=fast_passwords())
        phone_ids = {}
        for name, department in (("li_a", DEPT_A), ("li_b", DEPT_B)):
            await desk.auth.add_user(
                name, Role.LIAISON, departments=[department], password="pw-123456789"
            )
            phone_ids[name] = await mailboxes.pins.set_pin(name, PIN)
        simulator = await start_simulator(
            host="127.0.0.1", port=0, clock=clock,
            recordings_dir=settings.data_dir / "asterisk" / "recording",
            users={settings.ari_user: settings.ari_password},
        )  # fmt: skip
        stack.push_async_callback(simulator.stop)
        renderer = PromptRenderer(data_dir=settings.data_dir, cache_dir=prompt_cache)
        stack.push_async_callback(renderer.aclose)
        # The lead's wiring: the media route on the controller's HTTP server …
        tokens = VoicemailTokens.with_random_key(clock)
        app = web.Application()
        app.add_routes(
            [*prompt_routes(renderer), *voicemail_media_routes(tokens, components.voicemail)]
        )
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        http_url = f"http://{host}:{port}"
        ari = await stack.enter_async_context(
            AriClient(base_url=simulator.url, username=settings.ari_user,
                      password=settings.ari_password, app=settings.ari_app)
        )  # fmt: skip
        # … and the voicemail line in the flow's services.
        services = FlowServices(
            clock=clock, directory=components.directory, voicemail=components.voicemail,
            recorder=components.call_recorder, voice=Voice(renderer=renderer, base_url=http_url),
            orders=NoOrders(), operator=GeneralMailboxOperator(), site=settings.home_city,
            mailboxes=mailboxes, mailbox_number=settings.voicemail_access_number,
            voicemail_audio=VoicemailAudioLinks(tokens=tokens, base_url=http_url),
            outbound_trunk=settings.outbound_trunk,
        )  # fmt: skip
        controller = Controller(ari=ari, services=services)
        task = asyncio.create_task(controller.run())
        try:
            await asyncio.wait_for(controller.wait_connected(), timeout=750)
            running = RunningHotline(controller=controller, http_url=http_url,
                                     simulator=simulator, renderer=renderer)  # fmt: skip
            yield Line(Harness(running, components, clock), phone_ids)
        finally:
            await controller.stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_liaison_hears_the_newest_message_first_and_marks_it_handled(line: Line) -> None:
    older = await line.leave(DEPT_A, "13800000011")
    other = await line.leave(DEPT_B, "13800000099")
    newer = await line.leave(DEPT_A, "13800000022")
    call = line.call()
    await line.sign_in(call, "li_a", PIN)
    await line.press_after(call, audio_of(newer.id), "2")
    await line.press_after(call, audio_of(older.id), "0")
    record = await line.hotline.record_of(call)

    header = line.prompt(PROMPTS.header(1, newer.recorded_at, "13800000022"))
    newest_audio = next(i for i, uri in enumerate(call.heard) if audio_of(newer.id)(uri))
    assert call.heard[newest_audio - 1] == header  # date, time and caller, then the message
    assert line.prompt(PROMPTS.count(2)) in call.heard
    assert line.prompt(PROMPTS.text("handled")) in call.heard
    assert not any(audio_of(other.id)(uri) for uri in call.heard)  # another department's
    assert (record["outcome"], record["reason"]) == ("mailbox", "signed_in")
    listed = next(step for step in record["steps"] if step["step"] == "messages")
    assert listed["ids"] == [newer.id, older.id]
    async with line.hotline.components.sessions() as session:
        handled = await session.get(Voicemail, newer.id)
        untouched = await session.get(Voicemail, older.id)
    assert handled is not None
    assert handled.handled_by == "li_a"
    assert handled.handled_at is not None
    assert untouched is not None
    assert untouched.handled_at is None
    assert line.hotline.sim.summary()["channels"] == []


async def test_the_other_department_hears_only_its_own_message(line: Line) -> None:
    await line.leave(DEPT_A, "13800000011")
    theirs = await line.leave(DEPT_B, "13800000099")
    call = line.call()
    await line.sign_in(call, "li_b", PIN)
    await line.press_after(call, audio_of(theirs.id), "3")  # next: there is none
    await line.press_after(call, lambda uri: uri == line.prompt(PROMPTS.text("last")), "*")
    record = await line.hotline.record_of(call)
    heard_audio = [uri for uri in call.heard if "/media/voicemail/" in uri]
    assert len(heard_audio) == 1
    assert audio_of(theirs.id)(heard_audio[0])
    listed = next(step for step in record["steps"] if step["step"] == "messages")
    assert listed["ids"] == [theirs.id]


async def test_three_wrong_pins_lock_the_liaison_id(line: Line) -> None:
    await line.leave(DEPT_A, "13800000011")
    call = line.call()
    for attempt in (1, 2, 3):
        await line.sign_in(call, "li_a", "1111", attempt=attempt)
    record = await line.hotline.record_of(call)
    assert (record["outcome"], record["reason"]) == ("mailbox", "locked")
    assert line.prompt(PROMPTS.locked(15)) in call.heard
    assert not any("/media/voicemail/" in uri for uri in call.heard)
    # The lock is on the liaison id, not the call: the right PIN is refused now.
    again = line.call()
    await line.sign_in(again, "li_a", PIN)
    record = await line.hotline.record_of(again)
    assert record["reason"] == "locked"


async def test_call_back_dials_the_caller_bridges_and_notes_the_order(line: Line) -> None:
    message = await line.leave(DEPT_A, "13800000022")
    endpoint = "PJSIP/13800000022@trunk"
    line.hotline.sim.set_endpoint(endpoint, "answer:1", hangup_after=20)
    call = line.call()
    await line.sign_in(call, "li_a", PIN)
    await line.press_after(call, audio_of(message.id), "4")
    sim = line.hotline.sim
    # The simulator sees the channel to the caller's number, bridged with the liaison.
    await until(lambda: any(ch.endpoint == endpoint for ch in sim.channels.values()))
    await until(lambda: bool(sim.bridges))
    over = line.prompt(PROMPTS.text("callback_over"))
    await line.press_after(call, lambda uri: uri == over, "0")
    record = await line.hotline.record_of(call)

    assert line.prompt(PROMPTS.calling_back("13800000022")) in call.heard
    assert record["dials"] == [{"endpoint": endpoint, "dialstatus": "ANSWER"}]
    assert record["voicemail"] == message.id
    callback = next(step for step in record["steps"] if step["step"] == "callback")
    assert callback["dialstatus"] == "ANSWER"
    async with line.hotline.components.sessions() as session:
        notes = list(
            await session.scalars(select(OrderEvent).where(OrderEvent.transition == "note"))
        )
    assert len(notes) == 1
    assert notes[0].actor == "li_a"
    assert "13800000022" in notes[0].reason
    assert "已接通" in notes[0].reason
    assert sim.summary()["channels"] == []
    assert sim.summary()["bridges"] == []
