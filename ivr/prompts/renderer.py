"""Render prompt texts to cached 8 kHz WAV files, once per text, off the event loop.

Files live in `<data_dir>/prompts/<key>.wav`, where the key is the sha256 of the voice,
the rate and the text, so a prompt survives restarts and is never synthesised twice.
Speech is synthesised in child processes (the espeak-ng command, or pyttsx3 in a one-shot
process: its engine is not thread-safe, busy-loops, and is unreliable when reused). The
executor therefore only waits for them and resamples: a small thread pool is enough to
keep the event loop free, without a worker process's ~100 MB and spawn start-up.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Iterable
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ivr.prompts.errors import PromptRenderError
from ivr.prompts.synth import (
    ENGINE_ESPEAK_CLI,
    ENGINE_PYTTSX3,
    RenderJob,
    RenderOutcome,
    produce_prompt_file,
)
from ivr.prompts.tones import ToneError, tone_key, write_tone_wav

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "cmn-latn-pinyin"
# espeak-ng's default; at 150 the 12345 greeting lasts 13.5 s, too near its 15 s answer target.
DEFAULT_RATE = 175
# Bumped whenever the audio pipeline changes, so old cached files are not reused.
_PIPELINE_VERSION = "pinyin-8k-1"
_RENDER_WORKERS = 2
_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Prompt:
    """A rendered prompt: its cache key, the text it says, its WAV file and its length."""

    key: str
    text: str
    path: Path
    duration_s: float


def _ensure_tone_files(tone: str, seconds: float, path: Path, copy: Path | None) -> None:
    if not path.is_file():
        write_tone_wav(tone, seconds, path)
    if copy is not None and not copy.is_file():
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)


def is_prompt_key(candidate: str) -> bool:
    """Whether `candidate` looks like a prompt key (64 lowercase hex digits, nothing else)."""
    return _KEY.fullmatch(candidate) is not None


class PromptRenderer:
    """Turns texts into Asterisk-playable prompts, caching each by (voice, rate, text)."""

    def __init__(
        self,
        *,
        data_dir: Path,
        cache_dir: Path | None = None,
        voice: str = DEFAULT_VOICE,
        rate: int = DEFAULT_RATE,
        sounds_dir: Path | None = None,
        executor: Executor | None = None,
        engines: tuple[str, ...] = (ENGINE_ESPEAK_CLI, ENGINE_PYTTSX3),
        espeak_command: str = "espeak-ng",
        timeout_s: float = 30.0,
    ) -> None:
        """`sounds_dir`, when set, is a folder inside Asterisk's sounds directory (for
        example /var/lib/asterisk/sounds/hotline): prompts are copied there too and
        `media_uri` without a base URL names them as `sound:<folder name>/<key>`.
        `executor` runs the blocking part of a render (the composition root may share
        one); without it the renderer starts its own small thread pool on first use.
        """
        self.cache_dir = cache_dir if cache_dir is not None else data_dir / "prompts"
        self.voice = voice
        self.rate = rate
        self.sounds_dir = sounds_dir
        self._executor = executor
        self._owns_executor = False
        self._engines = engines
        self._espeak_command = espeak_command
        self._timeout_s = timeout_s
        self._prompts: dict[str, Prompt] = {}
        self._pending: dict[str, asyncio.Task[Prompt]] = {}
        self.render_count = 0
        """How many prompts were synthesised (not found in the cache) by this renderer."""

    def key_for(self, text: str) -> str:
        """The cache key of `text` with this renderer's voice and rate."""
        material = json.dumps([_PIPELINE_VERSION, self.voice, self.rate, text.strip()])
        return hashlib.sha256(material.encode()).hexdigest()

    async def render(self, text: str) -> Prompt:
        """The prompt for `text`, synthesised on first use; concurrent callers share one render."""
        if not text.strip():
            raise PromptRenderError("cannot render an empty prompt")
        key = self.key_for(text)
        known = self._prompts.get(key)
        if known is not None:
            return known
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.create_task(self._produce(key, text.strip()))
            self._pending[key] = pending
            pending.add_done_callback(lambda task: self._forget_pending(key, task))
        # Shielded: a caller that hangs up must not cancel the render others wait for.
        return await asyncio.shield(pending)

    async def render_many(self, texts: Iterable[str]) -> list[Prompt]:
        """Pre-render several texts (for example a catalog at start-up), in input order."""
        return list(await asyncio.gather(*(self.render(text) for text in texts)))

    async def render_tone(self, tone: str, seconds: float) -> Prompt:
        """`tone:` media looped into a WAV of `seconds`, cached and served like a prompt."""
        key = tone_key(tone, seconds)
        known = self._prompts.get(key)
        if known is not None:
            return known
        path = self.cache_dir / f"{key}.wav"
        copy = None if self.sounds_dir is None else self.sounds_dir / f"{key}.wav"
        try:
            await asyncio.to_thread(_ensure_tone_files, tone, seconds, path, copy)
        except (ToneError, OSError) as exc:
            raise PromptRenderError(f"cannot render {tone!r}: {exc}") from exc
        prompt = Prompt(key=key, text=tone, path=path, duration_s=seconds)
        self._prompts[key] = prompt
        return prompt

    def media_uri(self, prompt: Prompt, base_url: str | None = None) -> str:
        """The ARI media URI for `prompt`.

        With `base_url` (this controller's HTTP address as Asterisk reaches it) it is
        `sound:<base_url>/prompts/<key>.wav`, fetched through res_http_media_cache;
        without it the sounds-folder mode is used: `sound:<folder>/<key>`, since Asterisk
        looks sounds up by name without extension.
        """
        if base_url is not None:
            return f"sound:{base_url.rstrip('/')}/prompts/{prompt.key}.wav"
        if self.sounds_dir is None:
            raise ValueError("no base_url given and no sounds folder configured")
        return f"sound:{self.sounds_dir.name}/{prompt.key}"

    async def cached_path(self, key: str) -> Path | None:
        """The WAV file of an already rendered prompt, or None (unknown or malformed key)."""
        if not is_prompt_key(key):
            return None
        known = self._prompts.get(key)
        if known is not None:
            return known.path
        # Files rendered by an earlier run of the controller are still valid.
        path = self.cache_dir / f"{key}.wav"
        exists = await asyncio.get_running_loop().run_in_executor(None, path.is_file)
        return path if exists else None

    async def aclose(self) -> None:
        """Stop the render worker if this renderer started it."""
        executor, self._executor = self._executor, None
        if executor is not None and self._owns_executor:
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown)

    async def _produce(self, key: str, text: str) -> Prompt:
        path = self.cache_dir / f"{key}.wav"
        job = RenderJob(
            text=text,
            voice=self.voice,
            rate=self.rate,
            target=path,
            sounds_copy=None if self.sounds_dir is None else self.sounds_dir / f"{key}.wav",
            engines=self._engines,
            espeak_command=self._espeak_command,
            timeout_s=self._timeout_s,
        )
        outcome = await self._run_job(job)
        if outcome.engine is not None:
            self.render_count += 1
            logger.info(
                "prompt %s rendered by %s (%.2f s): %s",
                key[:12],
                outcome.engine,
                outcome.duration_s,
                text,
            )
        prompt = Prompt(key=key, text=text, path=path, duration_s=outcome.duration_s)
        self._prompts[key] = prompt
        return prompt

    async def _run_job(self, job: RenderJob) -> RenderOutcome:
        loop = asyncio.get_running_loop()
        executor = self._worker()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(executor, produce_prompt_file, job), self._timeout_s
            )
        except BrokenExecutor as exc:
            raise PromptRenderError(f"the render executor is broken: {exc}") from exc
        except TimeoutError as exc:
            raise PromptRenderError(f"rendering took longer than {self._timeout_s} s") from exc

    def _worker(self) -> Executor:
        if self._executor is None:
            # Two workers for two cores: espeak-ng runs are independent processes.
            self._executor = ThreadPoolExecutor(
                max_workers=_RENDER_WORKERS, thread_name_prefix="prompt-render"
            )
            self._owns_executor = True
        return self._executor

    def _forget_pending(self, key: str, task: asyncio.Task[Prompt]) -> None:
        self._pending.pop(key, None)
        if not task.cancelled():
            # Mark the outcome as seen even if every waiter went away (no "never retrieved").
            task.exception()
