"""Tone strings (Asterisk's `tone:` media) rendered to a WAV of a bounded length.

Asterisk plays `tone:` media until the playback is stopped (ast_control_tone waits for a
control frame, never for the end of the tones), so a hold-music playback whose controller
died plays on and queues the next controller's prompts behind it (issue 13). The same
notes written to a file of a fixed length end by themselves; the hold restarts them.
"""

from __future__ import annotations

import hashlib
import json
import math
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 8000
AMPLITUDE = 6000  # about -15 dBFS: music under speech, not over it
_VERSION = "tone-wav-1"


class ToneError(ValueError):
    """A tone string this renderer cannot read."""


@dataclass(frozen=True, slots=True)
class Note:
    """One `freq[+freq2]/ms` part of a tone string (frequency 0 is a rest)."""

    frequencies: tuple[float, ...]
    ms: int


def parse_tone(tone: str) -> list[Note]:
    """The notes of a tone string: `f/ms` or `f1+f2/ms`, separated by `|` or `,`."""
    body = tone.removeprefix("tone:").split(";", 1)[0]
    notes: list[Note] = []
    for part in body.replace(",", "|").split("|"):
        part = part.strip().lstrip("!")
        if not part:
            continue
        freqs, slash, ms = part.partition("/")
        try:
            frequencies = tuple(float(f) for f in freqs.split("+"))
            length = int(ms) if slash else 0
        except ValueError as exc:
            raise ToneError(f"unreadable tone part {part!r}") from exc
        if length <= 0 or any(f < 0 for f in frequencies):
            raise ToneError(f"tone part {part!r} needs a positive length")
        notes.append(Note(frequencies, length))
    if not notes:
        raise ToneError(f"no notes in {tone!r}")
    return notes


def tone_key(tone: str, seconds: float) -> str:
    """The cache key of `tone` rendered to `seconds` (64 hex digits, like a prompt key)."""
    material = json.dumps([_VERSION, tone, round(seconds, 3)])
    return hashlib.sha256(material.encode()).hexdigest()


def tone_samples(notes: list[Note], seconds: float) -> array[int]:
    """The notes looped until `seconds` of 8 kHz 16-bit audio are filled."""
    period = array("h")
    for note in notes:
        count = note.ms * RATE // 1000
        sounding = [f for f in note.frequencies if f > 0]
        if not sounding:
            period.extend(array("h", [0]) * count)
            continue
        scale = AMPLITUDE / len(sounding)
        steps = [2 * math.pi * f / RATE for f in sounding]
        period.extend(int(scale * sum(math.sin(s * i) for s in steps)) for i in range(count))
    total = int(seconds * RATE)
    # One pass through the notes is computed; the rest is copies of it.
    looped = period * (total // len(period) + 1)
    return looped[:total]


def write_tone_wav(tone: str, seconds: float, path: Path) -> None:
    """Render `tone` looped to exactly `seconds` into an 8 kHz mono WAV at `path`."""
    samples = tone_samples(parse_tone(tone), seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    partial.replace(path)
