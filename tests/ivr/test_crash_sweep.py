"""Crash-exact call steps: the controller killed at every step boundary of a call.

One voicemail call (the liaison does not answer, the backup line is busy) and one
transfer (the liaison answers) are each run against a real `hotline ivr` process that is
SIGKILLed at one step boundary, then restarted on the same application and data
directory (so it reads the same journal) to finish the call. Whatever the boundary,
the call ends with exactly one call record; a voicemail call with exactly one voicemail,
linked from the record and filed as exactly one work order; a caller whose message was
kept (or was being recorded) is never asked for it again; and nothing is left on the PBX.

Most boundaries are found from the controller's log ("Transition: A -> why -> B",
"call record journaled") and from the simulator's state (a leg ringing, a prompt
playing, a recording live, a bridge of two). Three are exact: the simulator kills the
controller from inside the ARI request that starts the recording, that puts the liaison
into the bridge, or that deletes Asterisk's copy of the recording (sent right after the
message is journaled and "voicemail ... kept" logged) — before the controller hears the
answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import sqlite3
import subprocess
from array import array
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from agent_desk.orders.models import OrderVoicemail, WorkOrder
from base.journal import STORE
from ivr.prompts import Hotline, PromptCatalog
from ivr.prompts.renderer import PromptRenderer
from ivr.simulator import SimCall, recordings
from ivr.simulator.audio import RATE
from ivr.simulator.callers import send_dtmf
from ivr.simulator.recordings import stored_names
from ivr.simulator.simulator import Simulator
from tests.ivr.crash_plant import Plant, connected, kill, open_plant
from voicemail import Voicemail

SPEED = 10.0
CALLER = "13800000021"
KEYS = "425#"  # 临江市公安局: liaison PJSIP/lj-001-a, backup PJSIP/lj-001-b
MAILBOX = "linjiang.gongan"
LIAISON = "PJSIP/lj-001-a"
BACKUP = "PJSIP/lj-001-b"
DIAL_TIMEOUT_S = 6  # simulated seconds the unanswered liaison rings
CALLER_HANGS_UP_AFTER = 240.0  # a safety net: every call here ends well before
LIAISON_TALKS_S = 12.0  # the liaison hangs up after this long in the transfer
TALK_S = 2.0  # the caller speaks this long into each recording

_CATALOG = PromptCatalog(Hotline.SWITCHBOARD_114)
_KEYS = PromptRenderer(data_dir=Path("."))  # only for its cache keys (voice, rate, text)


def _prompt(text: str) -> str:
    """The tail of a prompt's media URI (the head names the controller's HTTP port)."""
    return f"/prompts/{_KEYS.key_for(text)}.wav"


LEAVE_A_MESSAGE = _prompt(_CATALOG.text("line_busy"))
MESSAGE_SAVED = _prompt(_CATALOG.voicemail_saved(5))
TRANSFERRING = _prompt(_CATALOG.transferring("临江市公安局"))


@pytest.fixture(scope="module")
def prompt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prompts")


@pytest.fixture
async def plant(tmp_path: Path, prompt_dir: Path) -> AsyncIterator[Plant]:
    env = {"HOTLINE_DIAL_TIMEOUT_S": str(DIAL_TIMEOUT_S)}
    async with open_plant(tmp_path, prompt_dir, speed=SPEED, env=env) as plant:
        yield plant


def talk(seconds: float) -> array[int]:
    """A loud 440 Hz tone: the simulator counts it as speech."""
    return array(
        "h",
        (int(8000 * math.sin(2 * math.pi * 440 * i / RATE)) for i in range(int(seconds * RATE))),
    )


@dataclass
class Call:
    """One call of the sweep, the controller serving it, and what the test saw of it."""

    plant: Plant
    app: str
    first: subprocess.Popen[bytes]
    sim_call: SimCall
    recordings_started: int = 0
    _seen: set[int] = field(default_factory=set)

    @property
    def channel_id(self) -> str:
        return self.sim_call.channel_id

    def log(self, text: str) -> Callable[[], bool]:
        """Whether the first controller has logged `text` about this call."""
        return self.plant.logged(self.first, f"{self.channel_id}: {text}")

    def first_log_matches(self, pattern: str) -> bool:
        return re.search(pattern, self.plant.log_text(self.first)) is not None

    def heard(self, tail: str) -> int:
        """How many times the caller has been played the prompt ending in `tail`."""
        return sum(uri.endswith(tail) for uri in self.sim_call.heard)

    def playing(self, tail: str) -> Callable[[], bool]:
        target = f"channel:{self.channel_id}"

        def now_playing() -> bool:
            return any(
                p.target_uri == target
                and p.state in ("playing", "continuing")
                and p.media[p.index].endswith(tail)
                for p in self.plant.sim.simulator.playbacks.values()
            )

        return now_playing

    def recording(self) -> bool:
        return any(
            r.channel_id == self.channel_id for r in self.plant.sim.simulator.recordings.values()
        )

    def ringing(self, endpoint: str) -> Callable[[], bool]:
        return lambda: any(
            ch.endpoint == endpoint and ch.state == "Ringing"
            for ch in self.plant.sim.simulator.channels.values()
        )

    def bridged(self) -> bool:
        return any(
            self.channel_id in b.channels and len(b.channels) == 2
            for b in self.plant.sim.simulator.bridges.values()
        )

    async def sim_sleep(self, seconds: float) -> None:
        await self.plant.sim.simulator.clock.sleep(seconds)

    async def speak_into_recordings(self) -> None:
        """The caller says something into every recording started on the call."""
        sim = self.plant.sim.simulator
        while True:
            for rec in list(sim.recordings.values()):
                if rec.channel_id == self.channel_id and id(rec) not in self._seen:
                    self._seen.add(id(rec))
                    self.recordings_started += 1
                    channel = sim.channels.get(self.channel_id)
                    if channel is not None:
                        channel.audio.say(rec.capture_from, talk(TALK_S))
            await asyncio.sleep(0.01)

    def nothing_left(self) -> bool:
        summary = self.plant.sim.simulator.summary()
        return not any(summary.values())

    def journal_waiting(self) -> int:
        """Facts in the app's journal not yet stored in the database."""
        path = self.plant.workdir / self.app / "journal" / "facts.sqlite3"
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT count(*) FROM facts WHERE stage = ?", (STORE,)).fetchone()
            return int(row[0])


Reach = Callable[[Call], Awaitable[None]]


@dataclass(frozen=True)
class KillPoint:
    """A step boundary: how to reach it, and where the call stands once killed there."""

    name: str
    reach: Reach | None = None  # polled from the test; None: `exact` kills
    # Killed by the simulator itself, inside the ARI request that publishes this event
    # (type, endpoint of its channel or "" for the call's recording; "RecordingDeleted"
    # is the DELETE of the stored recording): the controller never hears the answer.
    exact: tuple[str, str] | None = None
    restarts_in_greeting: bool = False  # the caller is asked for the department again
    recording_started: bool = False
    kept: bool = False
    bridged: bool = False


async def _logged(call: Call, text: str) -> None:
    await call.plant.until(call.log(text), timeout=60)


def _after_log(text: str, *, then: float = 0.0) -> Reach:
    async def reach(call: Call) -> None:
        await _logged(call, text)
        if then:
            await call.sim_sleep(then)

    return reach


def _when(what: Callable[[Call], Callable[[], bool]], *, then: float = 0.0) -> Reach:
    async def reach(call: Call) -> None:
        await call.plant.until(what(call), timeout=60)
        if then:
            await call.sim_sleep(then)

    return reach


async def _during_announce(call: Call) -> None:
    await _logged(call, "Transition: lookup -> one clear match -> announce")
    await call.sim_sleep(1.0)


VOICEMAIL_POINTS = [
    KillPoint(
        "after-greeting",
        _after_log(f"Transition: greeting -> keys {KEYS[:-1]} -> lookup"),
        restarts_in_greeting=True,
    ),
    KillPoint(
        "after-lookup",
        _after_log("Transition: lookup -> one clear match -> announce"),
        restarts_in_greeting=True,
    ),
    KillPoint("during-announce", _during_announce, restarts_in_greeting=True),
    KillPoint("during-transfer-dial", _when(lambda c: c.ringing(LIAISON), then=2.0)),
    KillPoint("during-prompt-before-beep", _when(lambda c: c.playing(LEAVE_A_MESSAGE), then=1.0)),
    KillPoint(
        "at-recording-start",
        exact=("RecordingStarted", ""),
        recording_started=True,
    ),
    KillPoint(
        "while-recording",
        _when(lambda c: c.recording, then=3.0),
        recording_started=True,
    ),
    KillPoint(
        "after-kept",
        exact=("RecordingDeleted", ""),
        recording_started=True,
        kept=True,
    ),
    KillPoint(
        "during-message-saved",
        _when(lambda c: c.playing(MESSAGE_SAVED), then=1.0),
        recording_started=True,
        kept=True,
    ),
    KillPoint(
        "after-record-journaled",
        _after_log("call record journaled"),
        recording_started=True,
        kept=True,
    ),
]

TRANSFER_POINTS = [
    KillPoint("during-dial", _when(lambda c: c.ringing(LIAISON), then=1.0)),
    KillPoint("at-bridging", exact=("ChannelEnteredBridge", LIAISON), bridged=True),
    KillPoint("after-bridge", _when(lambda c: c.bridged, then=2.0), bridged=True),
    KillPoint("during-talk", _when(lambda c: c.bridged, then=LIAISON_TALKS_S / 2), bridged=True),
    KillPoint(
        "after-hang-up",
        _after_log("Transition: transfer -> bridged call ended -> ended"),
        bridged=True,
    ),
]


def _params(points: Iterable[KillPoint]) -> list[Any]:
    return [pytest.param(point, id=point.name) for point in points]


class _DeleteKills(type(Path())):  # type: ignore[misc]
    """A stored recording's path whose deletion first kills the controller asking for it."""

    victim: subprocess.Popen[bytes] | None = None

    def unlink(self, missing_ok: bool = False) -> None:
        if self.victim is not None and self.victim.poll() is None:
            kill(self.victim)
        super().unlink(missing_ok=missing_ok)


def _kill_inside(
    monkeypatch: pytest.MonkeyPatch,
    plant: Plant,
    holder: list[Call],
    event_type: str,
    endpoint: str,
) -> None:
    """SIGKILL the first controller from inside the simulator, in the middle of a request.

    `event_type` "RecordingDeleted" is the DELETE of Asterisk's copy of a recording, which
    comes right after the message is journaled; any other names an ARI event, and the kill
    comes as the simulator publishes it (for a channel of `endpoint`, or for a recording
    on the call's channel when `endpoint` is "").
    """
    sim = plant.sim.simulator

    def victim() -> subprocess.Popen[bytes] | None:
        return holder[0].first if holder and holder[0].first.poll() is None else None

    if event_type == "RecordingDeleted":
        existing_stored = recordings.existing_stored

        def existing(sim: Simulator, name: str) -> Path:
            path = _DeleteKills(existing_stored(sim, name))
            path.victim = victim()
            return path

        monkeypatch.setattr(recordings, "existing_stored", existing)
        return
    publish = sim.bus.publish

    def publish_or_kill(apps: Iterable[str | None], event: dict[str, Any]) -> None:
        process = victim()
        if process is not None and event.get("type") == event_type:
            channel = sim.channels.get(str((event.get("channel") or {}).get("id")))
            recording = event.get("recording") or {}
            if (endpoint and channel is not None and channel.endpoint == endpoint) or (
                not endpoint and recording.get("target_uri") == f"channel:{holder[0].channel_id}"
            ):
                kill(process)
        publish(apps, event)

    monkeypatch.setattr(sim.bus, "publish", publish_or_kill)


async def _start_call(plant: Plant, point: KillPoint, monkeypatch: pytest.MonkeyPatch) -> Call:
    app = f"sweep-{point.name}"
    holder: list[Call] = []
    if point.exact is not None:
        _kill_inside(monkeypatch, plant, holder, *point.exact)
    first = plant.controller(app)
    await plant.until(connected(plant, app))
    sim_call = plant.sim.simulator.place_call(
        "114", caller=CALLER, app=app, script=[{"at": 1.0, "dtmf": KEYS}],
        hangup_after=CALLER_HANGS_UP_AFTER,
    )  # fmt: skip
    call = Call(plant=plant, app=app, first=first, sim_call=sim_call)
    holder.append(call)
    return call


async def _kill_at(call: Call, point: KillPoint) -> None:
    if point.reach is not None:
        await point.reach(call)
        kill(call.first)
    else:
        await call.plant.until(lambda: call.first.poll() is not None, timeout=60)


async def _restart(call: Call, point: KillPoint) -> None:
    plant = call.plant
    second = plant.controller(call.app)
    if point.restarts_in_greeting:
        await plant.until(plant.logged(second, f"{call.channel_id}: resumed in greeting"))
        sim = plant.sim.simulator
        await send_dtmf(sim, sim.channel(call.channel_id), call.sim_call, KEYS)


async def _finished(call: Call) -> None:
    """The call is over and the PBX holds nothing of it (channels, bridges, media)."""
    plant = call.plant
    await plant.until(lambda: call.sim_call.ended, timeout=60)
    try:
        await plant.until(call.nothing_left, timeout=5)
    except TimeoutError:
        pytest.fail(f"left on the PBX: {plant.sim.simulator.summary()}")
    await plant.until(lambda: call.journal_waiting() == 0, timeout=30)  # all in the database
    for process in plant.processes:  # a graceful stop is not what is tested here
        if process.poll() is None:
            kill(process)


@pytest.mark.parametrize("point", _params(VOICEMAIL_POINTS))
async def test_voicemail_call_killed_at_a_step_boundary(
    plant: Plant, point: KillPoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant.sim.simulator.set_endpoint(LIAISON, "noanswer")
    plant.sim.simulator.set_endpoint(BACKUP, "busy")
    call = await _start_call(plant, point, monkeypatch)
    speaker = asyncio.create_task(call.speak_into_recordings())
    try:
        await _kill_at(call, point)
        asked_before = call.heard(LEAVE_A_MESSAGE)
        await asyncio.sleep(0.05)  # the speaker notices a recording the kill left running
        assert (call.recordings_started > 0) == point.recording_started
        assert call.first_log_matches(r"voicemail hotline/\S+ kept") == point.kept
        await _restart(call, point)
        record = await plant.record_of(call.sim_call)
        await _finished(call)
    finally:
        speaker.cancel()

    assert len(await plant.records()) == 1, "one call, one record"
    assert record.outcome == "voicemail"
    voicemails = await plant.rows(Voicemail)
    assert len(voicemails) == 1, "one message, kept once"
    voicemail = voicemails[0]
    assert voicemail.recording_name == f"hotline/{record.call_id}"
    assert (voicemail.mailbox, voicemail.caller_number) == (MAILBOX, CALLER)
    assert not voicemail.empty, "the caller's words were kept"
    assert (await asyncio.to_thread(Path(voicemail.audio_path).stat)).st_size > 44
    assert record.voicemail_id == voicemail.id, "the record links the real voicemail"
    links = await plant.rows(OrderVoicemail)
    assert [link.voicemail_id for link in links] == [voicemail.id], "one work order"
    assert len(await plant.rows(WorkOrder)) == 1

    asked_after = call.heard(LEAVE_A_MESSAGE)
    if point.recording_started:
        assert asked_after == asked_before, "asked for a message already being kept"
    else:
        assert asked_after == asked_before + 1
    assert call.heard(MESSAGE_SAVED) >= 1
    assert stored_names(plant.sim.simulator) == [], "Asterisk's copy of the recording is gone"


@pytest.mark.parametrize("point", _params(TRANSFER_POINTS))
async def test_transfer_killed_at_a_step_boundary(
    plant: Plant, point: KillPoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant.sim.simulator.set_endpoint(LIAISON, "answer:4", hangup_after=LIAISON_TALKS_S)
    call = await _start_call(plant, point, monkeypatch)
    await _kill_at(call, point)
    transferring_before = call.heard(TRANSFERRING)
    await _restart(call, point)
    record = await plant.record_of(call.sim_call)
    await _finished(call)

    assert len(await plant.records()) == 1, "one call, one record"
    assert record.outcome == "transferred"
    assert record.transfer_bridged
    assert record.voicemail_id is None
    assert await plant.rows(Voicemail) == []
    if point.bridged:
        assert call.heard(TRANSFERRING) == transferring_before, "put through twice"
