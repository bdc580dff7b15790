"""Fixtures for the prompt tests: a renderer per test, and what a WAV file holds."""

from __future__ import annotations

import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from ivr.prompts import PromptRenderer


@pytest.fixture
async def renderer(tmp_path: Path) -> AsyncIterator[PromptRenderer]:
    prompts = PromptRenderer(data_dir=tmp_path)
    yield prompts
    await prompts.aclose()


@dataclass(frozen=True)
class WavFacts:
    """What Asterisk cares about in a prompt file, plus how loud it is."""

    header: bytes
    rate: int
    channels: int
    sample_width: int
    frames: int
    rms: float

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate


def wav_facts(path: Path) -> WavFacts:
    header = path.read_bytes()[:12]
    with wave.open(str(path), "rb") as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return WavFacts(
            header=header,
            rate=wav.getframerate(),
            channels=wav.getnchannels(),
            sample_width=wav.getsampwidth(),
            frames=wav.getnframes(),
            rms=float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))),
        )
