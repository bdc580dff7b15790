"""Taking one caller utterance from the PBX: a short ARI recording, fetched as a WAV.

The IVR starts `POST /channels/{id}/record` (ends on max duration or after
`max_silence` seconds of silence) alongside its prompt, waits for RecordingFinished,
then downloads `/recordings/stored/{name}/file`. This works identically on Asterisk and
on the simulator and needs no media server; the cost is latency of about the silence
timeout after the caller stops talking (see docs/speech.md).

Wiring: the call flow owns one `RecordingWatch` per channel (or per app) and passes every
ARI event of that channel to `RecordingWatch.feed` (the ChannelDispatcher routes
recording events to the recorded channel's lane); `capture_utterance` registers its
recording with the watch before starting it, so an event that overtakes the HTTP reply
is not lost.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from base.clock import Clock
from ivr.ari import AriClient, AriError, AriEvent, RecordingFailed, RecordingFinished

# Allowance beyond max_seconds for RecordingFinished to arrive before we stop it ourselves.
_FINISH_GRACE_S = 2.0


class CaptureFailed(RuntimeError):
    """No utterance could be recorded (recording failed, or the channel went away)."""


class RecordingWatch:
    """Delivers RecordingFinished / RecordingFailed to whoever waits for that recording."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[RecordingFinished | RecordingFailed]] = {}

    def expect(self, name: str) -> asyncio.Future[RecordingFinished | RecordingFailed]:
        """A future for the end of recording `name`; call before starting the recording."""
        future = asyncio.get_running_loop().create_future()
        self._waiting[name] = future
        return future

    def forget(self, name: str) -> None:
        self._waiting.pop(name, None)

    def feed(self, event: AriEvent) -> None:
        """Pass every event of the channel here; other events are ignored."""
        if isinstance(event, RecordingFinished | RecordingFailed):
            future = self._waiting.pop(event.recording.name, None)
            if future is not None and not future.done():
                future.set_result(event)


async def _first(
    future: asyncio.Future[RecordingFinished | RecordingFailed], clock: Clock, seconds: float
) -> RecordingFinished | RecordingFailed | None:
    """The recording's end, or None if it has not come within `seconds` of clock time."""
    timer = asyncio.ensure_future(clock.sleep(seconds))
    both: set[asyncio.Future[Any]] = {future, timer}
    try:
        await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    return future.result() if future.done() else None


async def capture_utterance(
    ari: AriClient,
    channel_id: str,
    *,
    name: str,
    watch: RecordingWatch,
    clock: Clock,
    max_seconds: int = 5,
    max_silence: int = 2,
    keep: bool = False,
) -> bytes:
    """Record what the caller says next and return it as WAV bytes.

    Ends after `max_silence` seconds of silence or `max_seconds` in all (ARI's whole
    seconds). The stored recording is deleted afterwards unless `keep`.
    """
    finished = watch.expect(name)
    try:
        await ari.record(
            channel_id,
            name=name,
            format="wav",
            max_duration=max_seconds,
            max_silence=max_silence,
            if_exists="overwrite",
            terminate_on="none",
        )
        event = await _first(finished, clock, max_seconds + _FINISH_GRACE_S)
        if event is None:
            # The PBX missed its own limit; stop it and take what there is.
            with contextlib.suppress(AriError):
                await ari.stop_recording(name)
            event = await _first(finished, clock, _FINISH_GRACE_S)
    except AriError as exc:
        raise CaptureFailed(f"cannot record channel {channel_id}: {exc}") from exc
    finally:
        watch.forget(name)
        if not finished.done():
            finished.cancel()
    if event is None:
        raise CaptureFailed(f"recording {name} never finished")
    if isinstance(event, RecordingFailed):
        raise CaptureFailed(f"recording {name} failed: {event.recording.cause or 'unknown'}")
    try:
        audio = await ari.fetch_recording_file(name)
    except AriError as exc:
        raise CaptureFailed(f"cannot fetch recording {name}: {exc}") from exc
    if not keep:
        with contextlib.suppress(AriError):
            await ari.delete_stored_recording(name)
    return audio
