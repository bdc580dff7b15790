"""`SpeechRecognizer`: Vosk speech recognition off the event loop.

One `vosk.Model` is loaded once (hundreds of MB; shared read-only by all recognitions);
each recognition makes its own `KaldiRecognizer` (a few MB, not thread-safe) and runs in
a thread pool. Vosk's Python binding calls the C library through cffi, which releases
the GIL for the duration of each call, so N worker threads decode N utterances on N
cores in parallel while the event loop keeps serving calls.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from ivr.speech.audio import TELEPHONE_RATE, Pcm, read_wav, resample
from ivr.speech.grammar import UNKNOWN_WORD, SpeechGrammar, join_words

if TYPE_CHECKING:
    import vosk  # imported when a model is loaded: a controller without speech never pays

DEFAULT_THRESHOLD = 0.6
# Feed the decoder in chunks of this many bytes (0.5 s at 8 kHz): the same work as one
# big call, but a long voicemail does not hold one huge buffer in the C side.
_CHUNK_BYTES = 8000


class SpeechModelError(RuntimeError):
    """The configured model directory is missing or not a Vosk model."""


class RecognizedWord(NamedTuple):
    """One word of a result: Vosk's per-word confidence (0..1) and its times in seconds."""

    word: str
    confidence: float
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Recognition:
    """What was heard in one utterance.

    `confidence` is that of the least sure word (a caller's request is only as good as
    its weakest word); `accepted` is False when nothing was heard, when the decoder heard
    out-of-grammar speech ("[unk]"), or when `confidence` is below the threshold — the IVR
    then falls back to the keypad.
    """

    text: str
    words: tuple[RecognizedWord, ...]
    confidence: float
    duration_s: float
    elapsed_s: float
    accepted: bool

    @property
    def real_time_factor(self) -> float:
        return self.elapsed_s / self.duration_s if self.duration_s > 0 else 0.0


def _model_rates(model_dir: Path) -> tuple[int, bool]:
    """The model's feature sample rate and whether Kaldi may upsample 8 kHz to it."""
    rate, upsample = 16000, False
    conf = model_dir / "conf" / "mfcc.conf"
    text = conf.read_text(encoding="utf-8") if conf.is_file() else ""
    if found := re.search(r"--sample-frequency=(\d+)", text):
        rate = int(found.group(1))
    if found := re.search(r"--allow-upsample=(\w+)", text):
        upsample = found.group(1).lower() == "true"
    return rate, upsample


def _load_model(path: Path) -> vosk.Model:
    import vosk

    if not (path / "am").is_dir() and not (path / "final.mdl").is_file():
        raise SpeechModelError(f"{path} is not a Vosk model directory (no am/)")
    vosk.SetLogLevel(-1)  # Kaldi's per-utterance logging would flood the call logs
    try:
        return vosk.Model(str(path))
    except Exception as exc:
        raise SpeechModelError(f"cannot load the Vosk model at {path}: {exc}") from exc


def _parse(result: str) -> tuple[RecognizedWord, ...]:
    data: dict[str, Any] = json.loads(result)
    return tuple(
        RecognizedWord(str(w["word"]), float(w["conf"]), float(w["start"]), float(w["end"]))
        for w in data.get("result", [])
    )


class SpeechRecognizer:
    """A loaded Vosk model and the threads that run it; build with `await SpeechRecognizer.load`."""

    def __init__(
        self,
        model: vosk.Model,
        *,
        model_dir: Path,
        executor: ThreadPoolExecutor,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self._model = model
        self._executor = executor
        self.model_dir = model_dir
        self.threshold = threshold
        model_rate, upsample = _model_rates(model_dir)
        # Telephone audio goes in at 8 kHz when the model may upsample it itself (the Korean
        # small model may); otherwise we resample, since Kaldi refuses a rate mismatch.
        self._feed_rate = TELEPHONE_RATE if upsample else model_rate

    @classmethod
    async def load(
        cls,
        model_dir: str | Path,
        *,
        workers: int | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> Self:
        """Load the model (about a second) in a worker thread; `workers` default: the cores."""
        path = Path(model_dir)
        count = workers or os.cpu_count() or 1
        executor = ThreadPoolExecutor(max_workers=count, thread_name_prefix="vosk")
        try:
            model = await asyncio.get_running_loop().run_in_executor(executor, _load_model, path)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(model, model_dir=path, executor=executor, threshold=threshold)

    async def close(self) -> None:
        """Let running recognitions finish, then stop the worker threads."""
        await asyncio.get_running_loop().run_in_executor(None, self._executor.shutdown, True)

    def knows(self, word: str) -> bool:
        """Whether the word is in the model's vocabulary (what a grammar may use)."""
        return int(self._model.vosk_model_find_word(word)) >= 0

    def grammar(self, **kwargs: Any) -> SpeechGrammar:
        """A `SpeechGrammar` checked against this model's vocabulary (kwargs as its own)."""
        return SpeechGrammar(vocabulary=self.knows, **kwargs)

    async def recognize(
        self, audio: bytes | Path, grammar: SpeechGrammar | None = None
    ) -> Recognition:
        """Recognise one WAV (bytes or path); with no grammar, the full vocabulary."""
        # Read the grammar here, on the loop: a rebuild cannot change it mid-recognition.
        grammar_json = grammar.json if grammar is not None else None
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._recognize, audio, grammar_json
        )

    def _recognize(self, audio: bytes | Path, grammar_json: str | None) -> Recognition:
        started = time.perf_counter()
        pcm = read_wav(audio)
        feed: Pcm = resample(pcm, self._feed_rate)
        import vosk

        if grammar_json is None:
            decoder = vosk.KaldiRecognizer(self._model, feed.rate)
        else:
            decoder = vosk.KaldiRecognizer(self._model, feed.rate, grammar_json)
        decoder.SetWords(True)
        words: list[RecognizedWord] = []
        for offset in range(0, len(feed.data), _CHUNK_BYTES):
            if decoder.AcceptWaveform(feed.data[offset : offset + _CHUNK_BYTES]):
                words.extend(_parse(decoder.Result()))
        words.extend(_parse(decoder.FinalResult()))
        heard = tuple(w for w in words if w.word != UNKNOWN_WORD)
        confidence = min((w.confidence for w in words), default=0.0)
        accepted = bool(heard) and len(heard) == len(words) and confidence >= self.threshold
        return Recognition(
            text=join_words(w.word for w in heard),
            words=tuple(words),
            confidence=confidence,
            duration_s=pcm.duration_s,
            elapsed_s=time.perf_counter() - started,
            accepted=accepted,
        )
