"""Tone strings rendered to files of a bounded length (hold music that ends by itself)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from ivr.prompts import PromptRenderer
from ivr.prompts.tones import Note, ToneError, parse_tone, tone_key, write_tone_wav


def test_tone_strings_are_read_with_either_separator() -> None:
    assert parse_tone("tone:392/400|0/800") == [Note((392.0,), 400), Note((0.0,), 800)]
    assert parse_tone("tone:350+440/500,!480/250;tonezone=cn") == [
        Note((350.0, 440.0), 500),
        Note((480.0,), 250),
    ]
    with pytest.raises(ToneError):
        parse_tone("tone:ring")  # an indication name: only Asterisk knows its notes


def test_a_tone_is_looped_to_exactly_the_asked_length(tmp_path: Path) -> None:
    path = tmp_path / "music.wav"
    write_tone_wav("tone:392/400|440/400|0/200", 7.5, path)
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() == 60000


async def test_rendered_tones_are_cached_like_prompts(tmp_path: Path) -> None:
    renderer = PromptRenderer(data_dir=tmp_path)
    music = await renderer.render_tone("tone:440/400|0/400", 10.0)
    assert music.key == tone_key("tone:440/400|0/400", 10.0)
    assert music.duration_s == 10.0
    assert await renderer.cached_path(music.key) == music.path
    assert renderer.media_uri(music, "http://h:1").endswith(f"/prompts/{music.key}.wav")
