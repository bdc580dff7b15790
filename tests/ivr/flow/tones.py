"""Caller audio for the flow tests: a tone the recorder hears as someone talking."""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path


def write_tone(path: Path, *, seconds: float) -> Path:
    """An 8 kHz 16-bit mono WAV of a 440 Hz tone."""
    samples = array(
        "h",
        (int(8000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(int(8000 * seconds))),
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(samples.tobytes())
    return path
