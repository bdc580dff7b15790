"""Fixtures for the prompt tests: one shared render worker process, a renderer per test."""

from __future__ import annotations

import multiprocessing
import sys
import wave
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from ivr.prompts import PromptRenderer


def hide_pyttsx3() -> None:
    """Worker initializer: make `import pyttsx3` fail, as on a host without it."""
    sys.modules["pyttsx3"] = None  # type: ignore[assignment]


def spawn_pool(initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A one-worker pool like the renderer's own (spawned, never forked from the loop)."""
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=initializer
    )


@pytest.fixture(scope="session")
def render_pool() -> Iterator[ProcessPoolExecutor]:
    # Spawning a worker costs ~0.3 s; the tests share one, as the composition root would.
    pool = spawn_pool()
    yield pool
    pool.shutdown()


@pytest.fixture
async def renderer(
    tmp_path: Path, render_pool: ProcessPoolExecutor
) -> AsyncIterator[PromptRenderer]:
    prompts = PromptRenderer(data_dir=tmp_path, executor=render_pool)
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
