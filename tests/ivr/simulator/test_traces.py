"""Replays the ARI traces recorded on Asterisk 22.10.1 against the simulator.

Each scenario's requests are sent as recorded (placeholder ids mapped to the real ids as
they appear); statuses, reply bodies (after normalising ids and timestamps as the traces
README describes) and the event sequence — types, key order and values — must match.
Events of the other half of a Local channel pair (`<x;N>`) are Local-channel plumbing the
simulator does not model, so they are left out; the recorder's own originates that inject
the inbound caller become control-API calls with an equivalent script.

Traces under `traces/` beside this file are in the same format but composed, not recorded:
behaviours a real Asterisk 22 showed that no recorded trace holds (issue 13), each with an
`origin` saying where its facts come from. Their `simulator` key sets the PBX up (endpoint
behaviours, a missing recording directory), and `control` steps change an endpoint's
behaviour mid-trace (a phone registering), as the control API would.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from base.clock import LoopClock
from ivr.simulator import RunningSimulator

from .conftest import EventReader

TRACES = Path("/work/shared/ari-traces")
COMPOSED = Path(__file__).with_name("traces")
HALF = re.compile(r"<[^<>]*;\d>")
PLACEHOLDER = re.compile(r"<[A-Za-z0-9_;]+>")
RACY_STATES = {"queued", "playing", "recording"}
LIAISONS = {
    "Local/2001@liaisons": ("answer:0", 30.0),
    "Local/2002@liaisons": ("busy", None),
    "Local/2003@liaisons": ("noanswer", None),
    "Local/2005@liaisons": ("congestion", None),
    "Local/9999@liaisons": ("unavailable", None),
}
SCENARIOS = [
    "inbound_114_dtmf",
    "playback_stop",
    "playback_hangup",
    "record_voicemail",
    "record_voicemail_hash",
    "record_voicemail_hash_nosilence",
    "dial_answer",
    "bridge_liaison_hangs_up",
    "dial_busy",
    "dial_noanswer",
    "dial_congestion",
    "dial_unavailable",
    "originate_busy",
    "originate_answer",
    "originate_noanswer",
    "errors",
    "ws_drop",
]
COMPOSED_SCENARIOS = sorted(p.stem for p in COMPOSED.glob("*.json"))


def _script(extension: str, speech: Path) -> tuple[list[dict[str, Any]], float | None]:
    """The recorder's caller-sim dialplan, as a control-API script."""
    if extension.startswith("dtmf-"):
        return [{"at": 3.2, "dtmf": extension[5:]}], None
    if extension.startswith("hangup"):
        return [], float(extension[6:])
    if extension == "talk":
        return [{"at": 1.0, "say": str(speech)}], None
    return [], None


def _involves_half(step: dict[str, Any]) -> bool:
    text = json.dumps(step.get("event") or {}) if step["kind"] == "event" else step["path"]
    if step["kind"] == "event":
        event = step["event"]
        subject = event.get("channel") or event.get("peer") or {}
        return bool(HALF.search(str(subject.get("id", ""))))
    return bool(HALF.search(text))


class Matcher:
    """Compares recorded (normalised) JSON with live JSON, learning placeholder ids."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def subst(self, text: str) -> str:
        for placeholder, real in self.ids.items():
            text = text.replace(placeholder, real)
        return text

    def check(self, recorded: Any, live: Any, where: str) -> None:
        if isinstance(recorded, dict):
            assert isinstance(live, dict), f"{where}: expected object, got {live!r}"
            assert list(live) == list(recorded), f"{where}: keys {list(live)} != {list(recorded)}"
            for key, value in recorded.items():
                if (
                    key == "state"
                    and value in RACY_STATES
                    and live[key] in RACY_STATES
                    and where.endswith("201")
                ):
                    continue  # README "Races": queued vs playing/recording in 201 bodies
                self.check(value, live[key], f"{where}.{key}")
        elif isinstance(recorded, list):
            assert isinstance(live, list), f"{where}: expected list, got {live!r}"
            assert len(live) == len(recorded), f"{where}: {live!r} vs {recorded!r}"
            for i, (a, b) in enumerate(zip(recorded, live, strict=True)):
                self.check(a, b, f"{where}[{i}]")
        elif isinstance(recorded, str) and "<" in recorded:
            self._check_text(recorded, live, where)
        else:
            assert live == recorded, f"{where}: {live!r} != {recorded!r}"

    def _check_text(self, recorded: str, live: Any, where: str) -> None:
        assert isinstance(live, str), f"{where}: expected string, got {live!r}"
        pattern, pos = "", 0
        names: list[str] = []
        for found in PLACEHOLDER.finditer(recorded):
            pattern += re.escape(recorded[pos : found.start()])
            token = found.group()
            if token in ("<ts>", "<asterisk_id>"):
                pattern += ".+"
            elif token == "<n>":
                pattern += "[0-9a-f]{8}"
            elif token in self.ids:
                pattern += re.escape(self.ids[token])
            else:
                pattern += f"(?P<g{len(names)}>[^/:;]+)"
                names.append(token)
            pos = found.end()
        pattern += re.escape(recorded[pos:])
        matched = re.fullmatch(pattern, live)
        assert matched, f"{where}: {live!r} does not fit {recorded!r}"
        for i, token in enumerate(names):
            value = matched.group(f"g{i}")
            assert value not in self.ids.values(), f"{where}: {value} already mapped"
            self.ids[token] = value


class Replay:
    def __init__(
        self,
        name: str,
        running: RunningSimulator,
        client: aiohttp.ClientSession,
        reader: EventReader,
        clock: LoopClock,
        speech: Path,
        folder: Path = TRACES,
    ) -> None:
        self.trace = json.loads((folder / f"{name}.json").read_text())
        self.name = name
        self.running = running
        self.client = client
        self.reader = reader
        self.clock = clock
        self.speech = speech
        self.match = Matcher()
        self.expected = [
            s["event"]
            for s in self.trace["steps"]
            if s["kind"] == "event" and not _involves_half(s)
        ]
        self.checked = 0
        self.start = 0.0

    async def run(self) -> None:
        sim = self.running.simulator
        for endpoint, (behaviour, after) in LIAISONS.items():
            sim.set_endpoint(endpoint, behaviour, after)
        setup = self.trace.get("simulator", {})
        for endpoint, behaviour in setup.get("endpoints", {}).items():
            sim.set_endpoint(endpoint, behaviour)
        if setup.get("recordings_dir") == "missing":
            shutil.rmtree(sim.recordings_dir)
        self.start = self.clock.monotonic()
        seen = 0
        for step in self.trace["steps"]:
            if step["kind"] == "event":
                seen += 0 if _involves_half(step) else 1
                continue
            await self._until(step["t_ms"] / 1000)
            await self._events(seen)
            if step["kind"] == "note":
                await self._note(step)
            elif step["kind"] == "control":
                sim.set_endpoint(step["endpoint"], step["behaviour"])
            elif not _involves_half(step) or self.name == "errors":
                await self._request(step)
        last = self.trace["steps"][-1]["t_ms"] / 1000
        await self._until(last + 0.3)
        await self._events(len(self.expected))
        assert len(self.reader.events) == len(self.expected), self._sequence()

    def _sequence(self) -> str:
        live = [e["type"] for e in self.reader.events]
        return f"live {live}\nrecorded {[e['type'] for e in self.expected]}"

    async def _until(self, t: float) -> None:
        wait = t - (self.clock.monotonic() - self.start)
        if wait > 0:
            await self.clock.sleep(wait)

    async def _events(self, count: int) -> None:
        await self.reader.wait_for(count)
        live = self.reader.events
        assert len(live) >= count, f"{len(live)} events, expected {count}\n{self._sequence()}"
        while self.checked < count:
            i = self.checked
            self.match.check(self.expected[i], live[i], f"event {i} {self.expected[i]['type']}")
            self.checked += 1

    async def _note(self, step: dict[str, Any]) -> None:
        note = step["note"]
        if note == "websocket connected":
            await self.reader.connect()
        elif note == "websocket closed by client":
            await self.reader.close()
        elif note.startswith("websocket with bad api_key"):
            await self._refused(
                f"{self.running.url}/ari/events?app=hotline&api_key=hotline:wrong", 401
            )
        elif note.startswith("websocket without app"):
            await self._refused(f"{self.running.url}/ari/events", 400)

    async def _refused(self, url: str, status: int) -> None:
        async with aiohttp.ClientSession() as bare:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await bare.ws_connect(url, headers=self.client.headers if status != 401 else None)
        assert refused.value.status == status

    async def _request(self, step: dict[str, Any]) -> None:
        params = dict(step["params"])
        if (
            step["method"] == "POST"
            and step["path"] == "/ari/channels"
            and params.get("context") == "caller-sim"
        ):
            await self._inject_caller(params)
            return
        url = self.running.url + self.match.subst(step["path"])
        params = {k: self.match.subst(v) for k, v in params.items()}
        headers = None
        if step["status"] == 401:
            # the recorder sent no credentials, wrong Basic credentials, or a wrong api_key
            headers = (
                {}
                if "api_key" in params or not self._bad_basic_sent()
                else {"Authorization": aiohttp.encode_basic_auth("hotline", "wrong")}
            )
        async with (
            aiohttp.ClientSession(headers=headers)
            if headers is not None
            else _borrow(self.client) as s,
            s.request(step["method"], url, params=params) as resp,
        ):
            where = f"{step['method']} {step['path']} -> {step['status']}"
            assert resp.status == step["status"], f"{where}: got {resp.status} {await resp.text()}"
            await self._compare_body(step, resp, where)
            for name, value in step.get("headers", {}).items():
                got = resp.headers.get(name, "")
                if name == "Content-Type":
                    assert got.startswith(value), f"{where}: {name} {got}"
                else:
                    self.match.check(value, got, f"{where} header {name}")

    _basic_tried = False

    def _bad_basic_sent(self) -> bool:
        tried, self._basic_tried = self._basic_tried, True
        return tried

    async def _compare_body(
        self, step: dict[str, Any], resp: aiohttp.ClientResponse, where: str
    ) -> None:
        recorded = step["body"]
        if step["path"].endswith("/file") and step["status"] == 200:
            data = await resp.read()
            assert data[:4] == b"RIFF", where
            assert data[8:12] == b"WAVE", where
            assert abs(len(data) - recorded["size"]) <= 0.05 * recorded["size"], (
                f"{where}: {len(data)} bytes"
            )
            return
        text = await resp.text()
        if recorded is None:
            assert text == "", f"{where}: body {text!r}"
            return
        live = json.loads(text)
        if step["path"] == "/ari/channels" and isinstance(recorded, list):
            recorded = [c for c in recorded if not HALF.search(c["id"])]
        self.match.check(recorded, live, where)

    async def _inject_caller(self, params: dict[str, str]) -> None:
        endpoint = params["endpoint"]
        number = endpoint.split("/")[1].split("@")[0]
        script, hangup_after = _script(params["extension"], self.speech)
        name, number_id = "", ""
        if "callerId" in params:
            found = re.fullmatch(r'"(.*)" <(.*)>', params["callerId"])
            assert found
            name, number_id = found.groups()
        sim = self.running.simulator
        sim.place_call(
            number,
            caller=number_id,
            caller_name=name,
            script=script,
            hangup_after=hangup_after,
            trunk=endpoint,
        )
        if self.name == "errors" and "<caller;1>" not in self.match.ids:
            # the Local ;1 half is a channel outside Stasis: a parked call stands in for it
            parked = sim.place_call(number, app=None)
            self.match.ids["<caller;1>"] = parked.channel_id


class _borrow:
    """Use the shared authenticated session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        return None


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_trace_replays(
    scenario: str,
    running: RunningSimulator,
    client: aiohttp.ClientSession,
    events: EventReader,
    clock: LoopClock,
    speech_wav: Path,
) -> None:
    await Replay(scenario, running, client, events, clock, speech_wav).run()


@pytest.mark.parametrize("scenario", COMPOSED_SCENARIOS)
async def test_composed_trace_replays(
    scenario: str,
    running: RunningSimulator,
    client: aiohttp.ClientSession,
    events: EventReader,
    clock: LoopClock,
    speech_wav: Path,
) -> None:
    await Replay(scenario, running, client, events, clock, speech_wav, COMPOSED).run()
