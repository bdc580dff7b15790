"""Telephone audio as Asterisk stores it: 8 kHz 16-bit mono PCM WAV.

Reads and writes WAV files, measures durations, and keeps each channel's outgoing audio
as a timeline on the simulated clock so a recording (or a later media stream) can take the
stretch it overlaps and decide where the caller was talking and where it was silent.
"""

from __future__ import annotations

import bisect
import io
import math
import wave
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 8000
SAMPLE_BYTES = 2
# 20 ms frames: the granularity of talk/silence decisions, like Asterisk's DSP.
FRAME = RATE // 50
# Mean absolute amplitude above which a frame counts as talk (Asterisk's default
# silence threshold is 256 on 16-bit samples).
TALK_THRESHOLD = 256


class AudioError(ValueError):
    """A file that is not usable telephone audio."""


def decode_wav(data: bytes) -> array[int]:
    """Decode a PCM WAV to 8 kHz mono 16-bit samples, resampling and downmixing if needed."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"not a PCM WAV file: {exc}") from exc
    if width != SAMPLE_BYTES:
        raise AudioError(f"{8 * width}-bit audio; only 16-bit PCM is supported")
    samples = array("h")
    samples.frombytes(raw[: len(raw) - len(raw) % (SAMPLE_BYTES * channels)])
    if channels > 1:
        samples = array("h", samples[::channels])
    if rate != RATE:
        step = rate / RATE
        count = int(len(samples) / step)
        samples = array("h", (samples[int(i * step)] for i in range(count)))
    return samples


def read_wav(path: Path) -> array[int]:
    return decode_wav(path.read_bytes())


def wav_duration(data: bytes) -> float:
    """Seconds of audio in a WAV file, from its header."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"not a PCM WAV file: {exc}") from exc


def encode_wav(samples: array[int]) -> bytes:
    """An 8 kHz 16-bit mono WAV; no samples gives Asterisk's empty 44-byte file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_BYTES)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


def write_wav(path: Path, samples: array[int]) -> None:
    """Write atomically, so a download never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(encode_wav(samples))
    tmp.replace(path)


def sample_count(seconds: float) -> int:
    """Samples in a stretch of time: rounded, since instants on the clock are floats
    (8.9044 - 2.9044 is 5.999999999999999 s, and must still be six seconds of audio)."""
    return max(0, round(seconds * RATE))


def silence(seconds: float) -> array[int]:
    return array("h", bytes(SAMPLE_BYTES * sample_count(seconds)))


def talk_frames(samples: array[int]) -> list[bool]:
    """For each 20 ms frame, whether it holds talk rather than silence."""
    if not samples:
        return []
    levels = np.abs(np.frombuffer(samples, dtype=np.int16).astype(np.int32))
    whole = len(levels) - len(levels) % FRAME
    flags: list[bool] = (levels[:whole].reshape(-1, FRAME).mean(axis=1) > TALK_THRESHOLD).tolist()
    if whole < len(levels):  # a short last frame is judged on what it has
        flags.append(bool(levels[whole:].mean() > TALK_THRESHOLD))
    return flags


@dataclass
class Utterance:
    """Audio the caller starts sending at `start` (simulated seconds)."""

    start: float
    samples: array[int]
    # Indices of the talking frames, ascending: silence detection looks up the last one.
    talking: list[int]

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / RATE

    def last_talk(self, start: float, end: float) -> float | None:
        """The end of the latest talking frame that ends in (start, end + one frame]."""
        step = FRAME / RATE
        # Frames past the bound are skipped by the exact test below; bisect only starts near it.
        bound = bisect.bisect_right(self.talking, math.floor((end + step - self.start) / step))
        for pos in range(bound - 1, -1, -1):
            t = self.start + (self.talking[pos] + 1) * step
            if t > end + step:
                continue
            return min(t, end) if t > start else None
        return None


@dataclass
class OutgoingAudio:
    """What one channel sends towards Asterisk over time; silence between utterances."""

    utterances: list[Utterance] = field(default_factory=list)

    def say(self, start: float, samples: array[int]) -> None:
        talking = [i for i, talk in enumerate(talk_frames(samples)) if talk]
        self.utterances.append(Utterance(start, samples, talking))

    def sent_between(self, start: float, end: float) -> list[Utterance]:
        """The utterances sent (in part) between two instants; the rest is silence."""
        return [utt for utt in self.utterances if utt.end > start and utt.start < end]

    def extract(self, start: float, end: float) -> array[int]:
        """The samples sent between two instants (a later utterance overrides an earlier)."""
        out = silence(end - start)
        for utt in self.sent_between(start, end):
            dst = round((utt.start - start) * RATE)
            src = max(0, -dst)
            dst = max(0, dst)
            n = min(len(utt.samples) - src, len(out) - dst)
            if n > 0:
                out[dst : dst + n] = utt.samples[src : src + n]
        return out

    def last_talk(self, start: float, end: float) -> float | None:
        """The latest instant in [start, end] at which the channel was talking."""
        found = [t for utt in self.utterances if (t := utt.last_talk(start, end)) is not None]
        return max(found, default=None)


def talk_seconds(samples: array[int]) -> float:
    return sum(talk_frames(samples)) * FRAME / RATE
