"""Reading voicemail audio: its length and whether anything was said."""

from __future__ import annotations

import io
import wave
from array import array
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import CHINA_TZ
from base.journal import Journal
from base.workdays import WorkingCalendar
from hotline.journal_writer import JournalWriter
from tests.agent_desk.conftest import SteppedClock
from tests.journaling import open_journal, running
from voicemail import VoicemailService, is_empty_recording, is_silent, wav_seconds

START = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)
WAV = b"RIFF" + b"\0" * 40 + b"\1\2" * 800


def wav(samples: list[int], rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(array("h", samples).tobytes())
    return buffer.getvalue()


def test_wav_seconds_reads_the_header() -> None:
    assert wav_seconds(wav([0] * 12000)) == 1.5
    assert wav_seconds(wav([0] * 16000, rate=16000)) == 1.0


def test_an_empty_or_unreadable_recording_lasts_nothing() -> None:
    assert wav_seconds(wav([])) == 0.0
    assert wav_seconds(b"not a wav") == 0.0


def test_silence_is_told_from_speech() -> None:
    assert is_silent(wav([0, 10, -10] * 100))
    assert not is_silent(wav([0, 8000, -8000] * 100))


def test_a_sub_second_message_is_not_empty() -> None:
    # 0.76 s of speech: RecordingFinished says 0 s (whole seconds, rounded down).
    speech = [8000, -8000, 4000, -4000] * (6080 // 4)
    assert len(wav(speech)) - 44 == 12160
    assert not is_empty_recording(wav(speech))


def test_empty_recording_is_decided_from_the_audio() -> None:
    assert is_empty_recording(wav([]))  # Asterisk's 44-byte WAV for a channel with no audio
    assert is_empty_recording(b"not a wav")
    assert is_empty_recording(wav([0, 30, -30] * 8000))  # three seconds of line noise
    assert is_empty_recording(wav([0] * 7990 + [9000] * 10))  # one click in silence
    assert is_empty_recording(wav([8000, -8000] * 240))  # 60 ms: a click, not a word


async def test_a_message_kept_by_another_controller_is_found_only_in_the_database(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    clock = SteppedClock(START)

    def service(journal: Journal) -> VoicemailService:
        return VoicemailService(sessions=sessions, journal=journal, calendar=WorkingCalendar(),
                                clock=clock, audio_dir=tmp_path / "audio")  # fmt: skip

    async with open_journal(tmp_path / "first", clock) as journal:
        first = service(journal)
        writer = JournalWriter(journal=journal, sessions=sessions,
                               store={"voicemail": first.store_fact})  # fmt: skip
        async with running(writer):
            await first.keep(
                mailbox="d", department_code="d", caller_number="1", hotline_number="12345",
                call_id="c", reason="busy", recording_name="hotline/c", audio=WAV,
                duration_s=1.0,
            )  # fmt: skip
            assert await writer.drain()
        assert await first.is_kept("hotline/c", ask_database=False)  # in its own journal
    async with open_journal(tmp_path / "second", clock) as journal:
        second = service(journal)
        assert await second.is_kept("hotline/c")  # a resumed call asks the database
        assert not await second.is_kept("hotline/c", ask_database=False)
        assert not await second.is_kept("hotline/other")
