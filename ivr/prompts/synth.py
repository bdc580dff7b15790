"""Speech synthesis and conversion to Asterisk's 8 kHz WAV: the blocking half of a render.

Everything here blocks (it waits for an espeak-ng or pyttsx3 child process, resamples,
writes files), so `PromptRenderer` only ever calls `produce_prompt_file` through its
executor, never on the event loop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

# soxr ships stubs for its extension but no py.typed marker.
import soxr

from ivr.prompts.errors import PromptRenderError
from ivr.prompts.pinyin import to_pinyin_speech

# Asterisk plays `.wav` only as 8 kHz, 16-bit, mono PCM; other rates are refused.
TELEPHONY_RATE = 8000
_SAMPLE_WIDTH = 2
# A peak below this (of 32767) is silence: the engine ran but said nothing.
_SILENCE_PEAK = 200

ENGINE_PYTTSX3 = "pyttsx3"
# Run by path, not with -m: the script needs only pyttsx3, not this package on sys.path.
_PYTTSX3_ONCE = Path(__file__).with_name("pyttsx3_once.py")
ENGINE_ESPEAK_CLI = "espeak-ng"


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One prompt to produce: what to say, with which voice, and where to put the file."""

    text: str
    voice: str
    rate: int
    target: Path
    sounds_copy: Path | None
    engines: tuple[str, ...]
    espeak_command: str
    timeout_s: float


@dataclass(frozen=True, slots=True)
class RenderOutcome:
    """The finished file's duration, and the engine that made it (None: already on disk)."""

    duration_s: float
    engine: str | None


def produce_prompt_file(job: RenderJob) -> RenderOutcome:
    """Make sure `job.target` holds the prompt as 8 kHz WAV, synthesising it only if needed."""
    duration = telephony_duration(job.target)
    engine: str | None = None
    if duration is None:
        duration, engine = _synthesise_with_fallback(job)
    if job.sounds_copy is not None and telephony_duration(job.sounds_copy) is None:
        _atomic_copy(job.target, job.sounds_copy)
    return RenderOutcome(duration_s=duration, engine=engine)


def telephony_duration(path: Path) -> float | None:
    """Duration of an existing 8 kHz 16-bit mono WAV file, or None if it is missing or wrong."""
    try:
        with wave.open(str(path), "rb") as wav:
            if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (
                TELEPHONY_RATE,
                1,
                _SAMPLE_WIDTH,
            ) or wav.getnframes() == 0:
                return None
            return wav.getnframes() / TELEPHONY_RATE
    except (OSError, EOFError, wave.Error):
        return None


def convert_to_telephony(source: Path, target: Path) -> float:
    """Resample a 16-bit PCM WAV to 8 kHz mono with soxr; return the duration in seconds."""
    with wave.open(str(source), "rb") as wav:
        if wav.getsampwidth() != _SAMPLE_WIDTH:
            raise PromptRenderError(f"{source.name}: expected 16-bit PCM from the engine")
        rate, channels = wav.getframerate(), wav.getnchannels()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples = pcm.reshape(-1, channels).mean(axis=1, dtype=np.float32) / 32768.0
    resampled: npt.NDArray[np.float32] = (
        soxr.resample(samples, rate, TELEPHONY_RATE) if rate != TELEPHONY_RATE else samples
    )
    out: npt.NDArray[np.int16] = np.clip(np.round(resampled * 32767.0), -32768, 32767).astype("<i2")
    if out.size == 0 or int(np.abs(out.astype(np.int32)).max()) < _SILENCE_PEAK:
        raise PromptRenderError("the engine produced silence")
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(_SAMPLE_WIDTH)
        wav.setframerate(TELEPHONY_RATE)
        wav.writeframes(out.tobytes())
    return out.size / TELEPHONY_RATE


def _synthesise_with_fallback(job: RenderJob) -> tuple[float, str]:
    # Converted here rather than on the event loop: long texts take pypinyin ~10 ms.
    speech = to_pinyin_speech(job.text)
    failures: list[str] = []
    job.target.parent.mkdir(parents=True, exist_ok=True)
    for engine in job.engines:
        synthesise = _ENGINES.get(engine)
        if synthesise is None:
            failures.append(f"{engine}: unknown engine")
            continue
        # Work beside the target so the final os.replace is atomic: a reader (Asterisk,
        # the HTTP handler) sees either no file or a complete one.
        with tempfile.TemporaryDirectory(dir=job.target.parent, prefix=".render-") as work:
            raw, converted = Path(work) / "raw.wav", Path(work) / "8k.wav"
            try:
                synthesise(job, speech, raw)
                duration = convert_to_telephony(raw, converted)
            # Any failure of one engine (missing library, crashed driver, bad output)
            # is a reason to try the next one; all reasons are reported together.
            except Exception as exc:
                failures.append(f"{engine}: {exc}")
                continue
            os.replace(converted, job.target)
            return duration, engine
    raise PromptRenderError("no speech engine could render the prompt: " + "; ".join(failures))


def _synthesise_pyttsx3(job: RenderJob, speech: str, raw: Path) -> None:
    # A fresh process per render: see pyttsx3_once for why an engine is never reused.
    result = subprocess.run(
        [sys.executable, str(_PYTTSX3_ONCE), job.voice, str(job.rate), str(raw)],
        input=speech.encode(),
        capture_output=True,
        timeout=job.timeout_s,
        check=False,
    )
    if result.returncode != 0 or not raw.is_file():
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise PromptRenderError(f"pyttsx3 failed: {lines[-1] if lines else result.returncode}")


def _synthesise_espeak_cli(job: RenderJob, speech: str, raw: Path) -> None:
    command = shutil.which(job.espeak_command)
    if command is None:
        raise PromptRenderError(f"{job.espeak_command!r} is not installed")
    # The text goes through stdin so that nothing in it can be taken for an option.
    result = subprocess.run(
        [command, "-v", job.voice, "-s", str(job.rate), "-w", str(raw), "--stdin"],
        input=speech.encode(),
        capture_output=True,
        timeout=job.timeout_s,
        check=False,
    )
    if result.returncode != 0 or not raw.is_file():
        detail = result.stderr.decode(errors="replace").strip() or f"exit {result.returncode}"
        raise PromptRenderError(f"espeak-ng failed: {detail}")


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".copy-", suffix=".wav")
    os.close(fd)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_ENGINES: dict[str, Callable[[RenderJob, str, Path], None]] = {
    ENGINE_ESPEAK_CLI: _synthesise_espeak_cli,
    ENGINE_PYTTSX3: _synthesise_pyttsx3,
}
