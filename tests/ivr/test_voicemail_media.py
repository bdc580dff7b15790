"""Signed voicemail audio URLs: only a minted, unexpired token for a kept file is served."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import CHINA_TZ
from base.workdays import WorkingCalendar
from hotline.journal_writer import JournalWriter
from ivr.voicemail_media import VoicemailAudioLinks, VoicemailTokens, voicemail_media_routes
from tests.agent_desk.conftest import SteppedClock
from tests.journaling import open_journal, running
from voicemail import VoicemailService

START = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)
WAV = b"RIFF" + b"\0" * 40 + b"\1\2" * 800


def test_a_token_names_one_voicemail_until_it_expires() -> None:
    clock = SteppedClock(START)
    tokens = VoicemailTokens(key=b"k" * 32, clock=clock, valid_s=600)
    token = tokens.token(42)
    assert tokens.voicemail_id(token) == 42
    voicemail_id, expires, signature = token.split("-", 2)
    assert tokens.voicemail_id(f"43-{expires}-{signature}") is None  # another voicemail
    assert tokens.voicemail_id(f"{voicemail_id}-{int(expires) + 1}-{signature}") is None
    assert VoicemailTokens(key=b"x" * 32, clock=clock).voicemail_id(token) is None  # other key
    assert tokens.voicemail_id("42") is None
    clock.advance(seconds=601)
    assert tokens.voicemail_id(token) is None


def test_links_are_sound_http_uris_under_the_base_url() -> None:
    tokens = VoicemailTokens(key=b"k" * 32, clock=SteppedClock(START))
    uri = VoicemailAudioLinks(tokens=tokens, base_url="http://10.0.0.5:8080/").media_uri(7)
    assert uri.startswith("sound:http://10.0.0.5:8080/media/voicemail/7-")
    assert uri.endswith(".wav")


async def test_the_route_serves_the_kept_audio_and_nothing_else(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    clock = SteppedClock(START)
    async with open_journal(tmp_path, clock) as journal:
        voicemail = VoicemailService(
            sessions=sessions, journal=journal, calendar=WorkingCalendar(), clock=clock,
            audio_dir=tmp_path,
        )  # fmt: skip
        writer = JournalWriter(journal=journal, sessions=sessions,
                               store={"voicemail": voicemail.store_fact})  # fmt: skip
        async with running(writer):
            await voicemail.keep(
                mailbox="d", department_code="d", caller_number="1", hotline_number="12345",
                call_id="c", reason="busy", recording_name="r", audio=WAV, duration_s=1.0,
            )  # fmt: skip
            assert await writer.drain()
        kept = await voicemail.by_recording("r")
        assert kept is not None
    tokens = VoicemailTokens(key=b"k" * 32, clock=clock, valid_s=600)
    app = web.Application()
    app.add_routes(voicemail_media_routes(tokens, voicemail))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        good = await client.get(f"/media/voicemail/{tokens.token(kept.id)}.wav")
        assert good.status == 200
        assert good.headers["Content-Type"] == "audio/wav"
        assert "no-store" in good.headers["Cache-Control"]
        assert await good.read() == WAV
        missing = await client.get(f"/media/voicemail/{tokens.token(kept.id + 1)}.wav")
        assert missing.status == 404
        forged = await client.get(f"/media/voicemail/{kept.id}-9999999999-{'A' * 43}.wav")
        assert forged.status == 404
        clock.advance(seconds=601)
        assert (await client.get(good.url.path)).status == 404  # expired
        fresh = await client.get(f"/media/voicemail/{tokens.token(kept.id)}.wav")
        assert fresh.status == 200


def test_the_key_must_not_be_short() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        VoicemailTokens(key=b"short", clock=SteppedClock(START))
