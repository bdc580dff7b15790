"""One call's view of ARI: its events folded into state, and the actions a flow takes.

Events reach the session in order through the per-channel dispatcher; each updates the
session's state and wakes whoever waits. Ids of playbacks, recordings, peer channels
and bridges are chosen here before the request, so an event that overtakes the HTTP
reply (ARI-NOTES, "Ordering") is never mistaken for something else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from base.clock import Clock
from ivr.ari import (
    AriClient,
    AriConflict,
    AriError,
    AriEvent,
    AriNotFound,
    AriServerError,
    ChannelDispatcher,
    Subscription,
)
from ivr.flow.call_events import fold_event
from ivr.flow.call_objects import (
    CallerHungUp,
    ChannelState,
    HeldObjects,
    PeerLeg,
    RecordingResult,
)
from ivr.flow.resync import catch_up, held_objects, stop_orphaned_playbacks

__all__ = ["CallSession", "CallerHungUp", "HeldObjects", "PeerLeg", "RecordingResult"]

logger = logging.getLogger(__name__)
_T = TypeVar("_T")
# A record request Asterisk answers with 500 is tried this often, this far apart.
RECORD_ATTEMPTS = 2
RECORD_RETRY_S = 0.5
# Dial event statuses that end a dial attempt without an answer.
FINAL_DIALSTATUS = frozenset({"BUSY", "CONGESTION", "CHANUNAVAIL", "NOANSWER", "CANCEL"})


class CallSession:
    """The caller's channel, the legs dialled for it, and waiting on what happens to them."""

    def __init__(
        self,
        *,
        ari: AriClient,
        dispatcher: ChannelDispatcher,
        clock: Clock,
        channel_id: str,
        app: str,
        on_latency: Callable[[float], None] | None = None,
    ) -> None:
        self.ari = ari
        self.clock = clock
        self.channel_id = channel_id
        self.app = app
        self._dispatcher = dispatcher
        self._state = ChannelState()
        self._changed = asyncio.Event()
        # event-to-command latency: when the event a flow waited for arrived (real time)
        self._on_latency = on_latency
        self.bridge_id: str | None = None  # the bridge the caller is in, for checkpoints
        self.handover: PeerLeg | None = None  # a leg taking over the bridge (live transfer)
        self.on_change: Callable[[], None] | None = None  # a checkpoint is due
        self._last_event_at = 0.0
        self._cause_at: float | None = None
        self.record_refused = False  # Asterisk would not record (twice): no voicemail here
        self._subscriptions: list[Subscription] = [dispatcher.subscribe(channel_id, self._on_event)]
        self._meanwhile: set[asyncio.Task[None]] = set()

    # -- events ------------------------------------------------------------------------
    async def _on_event(self, event: AriEvent) -> None:
        self.apply(event)

    def apply(self, event: AriEvent) -> None:
        """Fold one event into the call's state (public for resync and tests)."""
        self._last_event_at = time.perf_counter()
        if fold_event(self._state, self.channel_id, event):
            self.changed()
        self._changed.set()

    @property
    def hung_up(self) -> bool:
        return self._state.hung_up

    @property
    def in_stasis(self) -> bool:
        """An originated channel answered and entered our app (inbound calls arrive so)."""
        return self._state.in_stasis

    def mark_hung_up(self) -> None:
        """The channel is gone (found missing on resync, or a 404 from ARI)."""
        self._state.hung_up = True
        self._changed.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        """Wait (on the call's clock) until `predicate` holds; False on timeout.

        Raises CallerHungUp as soon as the caller leaves.
        """
        deadline = self.clock.monotonic() + timeout
        woken = False
        while True:
            if self._state.hung_up:
                raise CallerHungUp(self.channel_id)
            if predicate():
                if woken:
                    self._cause_at = self._last_event_at
                return True
            remaining = deadline - self.clock.monotonic()
            if remaining <= 0:
                self._cause_at = None  # what follows a timeout is caused by the timer
                return False
            self._changed.clear()
            changed = asyncio.ensure_future(self._changed.wait())
            sleeper = asyncio.ensure_future(self.clock.sleep(remaining))
            try:
                await asyncio.wait({changed, sleeper}, return_when=asyncio.FIRST_COMPLETED)
                woken = changed.done()
            finally:
                changed.cancel()
                sleeper.cancel()

    def changed(self) -> None:
        """Something a checkpoint keeps changed (a leg, a bridge, a recording)."""
        if self.on_change is not None:
            self.on_change()

    def held(self) -> HeldObjects:
        """The ARI objects this call holds, for its checkpoint."""
        return held_objects(self._state, self.bridge_id)

    def hand_over(self, leg: PeerLeg) -> None:
        """`leg` (answered, already in the caller's bridge) replaces the current one."""
        self.handover = leg
        self.changed()
        self._changed.set()

    def adopt_leg(self, channel_id: str, endpoint: str) -> PeerLeg:
        """Take over an answered leg another controller dialled (crash recovery)."""
        leg = PeerLeg(channel_id=channel_id, endpoint=endpoint, dialstatus="ANSWER", answered=True)
        self._state.peers[channel_id] = leg
        self._subscriptions.append(self._dispatcher.subscribe(channel_id, self._on_event))
        return leg

    def waited_on_purpose(self) -> None:
        """The flow waited for something else than Asterisk (the order number's filing): what
        it sends next answers that wait, not the last event, so it is not event latency."""
        self._cause_at = None

    def note_command(self) -> None:
        """An ARI command is about to go out: report how long after its cause."""
        if self._cause_at is not None and self._on_latency is not None:
            self._on_latency(time.perf_counter() - self._cause_at)
        self._cause_at = None

    # -- keys ----------------------------------------------------------------------------
    def take_digit(self) -> str | None:
        return self._state.digits.popleft() if self._state.digits else None

    def has_digits(self) -> bool:
        return bool(self._state.digits)

    def clear_digits(self) -> None:
        self._state.digits.clear()

    # -- playback ------------------------------------------------------------------------
    async def start_playback(self, media: Sequence[str]) -> str:
        playback_id = f"pb-{uuid.uuid4().hex}"
        self._state.playing.add(playback_id)
        self.changed()  # checkpointed: a successor stops it (ARI cannot list playbacks)
        self.note_command()
        await self._guard(self.ari.play(self.channel_id, list(media), playback_id=playback_id))
        return playback_id

    async def stop_playback(self, playback_id: str) -> None:
        """Barge-in: DTMF does not stop an ARI playback, the controller deletes it."""
        if playback_id in self._state.playbacks_done:
            return
        self.note_command()
        with contextlib.suppress(AriNotFound):
            await self.ari.stop_playback(playback_id)

    async def stop_orphaned_playbacks(self, playback_ids: Sequence[str]) -> None:
        """Stop a dead controller's playbacks: ours would queue behind them (404: ended)."""
        await stop_orphaned_playbacks(self.ari, self.channel_id, playback_ids)

    async def stop_all_playbacks(self) -> None:
        """Stop whatever this call still plays: a bridge-join waits behind a playback."""
        for playback_id in sorted(self._state.playing):
            await self.stop_playback(playback_id)

    def playback_done(self, playback_id: str) -> bool:
        return playback_id in self._state.playbacks_done

    async def play(self, media: Sequence[str], *, max_s: float = 600.0) -> None:
        """Play to the end (keys are kept for the next prompt)."""
        playback_id = await self.start_playback(media)
        if not await self.wait_until(lambda: self.playback_done(playback_id), max_s):
            await self.stop_playback(playback_id)

    async def prompt_and_collect(
        self,
        media: Sequence[str],
        *,
        max_digits: int,
        terminators: str = "#",
        first_timeout: float = 6.0,
        inter_timeout: float = 4.0,
        stop_on: str = "",
    ) -> str:
        """Play a prompt, stop it at the first key, collect up to `max_digits` keys.

        The terminator ends the input and is not returned; a key in `stop_on` ends it at
        once and is returned alone (e.g. 0 for the operator). "" means silence.
        """
        playback_id = await self.start_playback(media) if media else ""
        keys = ""
        try:
            if playback_id:
                await self.wait_until(
                    lambda: self.has_digits() or self.playback_done(playback_id), 3600.0
                )
                if self.has_digits():
                    await self.stop_playback(playback_id)
            timeout = first_timeout
            while len(keys) < max_digits:
                if not await self.wait_until(self.has_digits, timeout):
                    break
                digit = self.take_digit() or ""
                if digit in terminators:
                    break
                if not keys and digit in stop_on:
                    return digit
                keys += digit
                timeout = inter_timeout
            return keys
        finally:
            if playback_id and not self.hung_up:
                await self.stop_playback(playback_id)

    # -- legs ----------------------------------------------------------------------------
    def peer(self, channel_id: str) -> PeerLeg:
        return self._state.peers[channel_id]

    async def dial(self, endpoint: str, *, timeout_s: float, caller_id: str = "") -> PeerLeg:
        """Create and dial `endpoint`; returns once it answers, fails, or rings out.

        A ringing leg is given ARI's own timeout plus a margin: Asterisk destroys it with
        cause 19 and sends no NOANSWER (ari-traces/dial_noanswer.json), so the cause or
        our own timer is what says "no answer".
        """
        leg = PeerLeg(channel_id=f"leg-{uuid.uuid4().hex}", endpoint=endpoint)
        self._state.peers[leg.channel_id] = leg
        self._subscriptions.append(self._dispatcher.subscribe(leg.channel_id, self._on_event))
        self.changed()
        self.note_command()
        try:
            await self.ari.create_channel(
                endpoint=endpoint, app=self.app, app_args="dialled", channel_id=leg.channel_id
            )
            await self.ari.dial(leg.channel_id, caller=caller_id or None, timeout=int(timeout_s))
        except AriError as exc:
            logger.info("%s: dial %s refused: %s", self.channel_id, endpoint, exc)
            leg.dialstatus, leg.ended = "CHANUNAVAIL", True
            return leg
        settled = await self._wait_for_leg(leg, timeout_s + 3.0)
        if not settled:
            leg.dialstatus = "NOANSWER"
        elif not leg.answered and leg.dialstatus in ("", "RINGING", "PROGRESS"):
            leg.dialstatus = "NOANSWER" if leg.cause == 19 else "CHANUNAVAIL"
        if not leg.answered:
            await self.hang_up_leg(leg)
        return leg

    async def _wait_for_leg(self, leg: PeerLeg, timeout: float) -> bool:  # noqa: ASYNC109
        def settled() -> bool:
            return leg.answered or leg.destroyed or leg.dialstatus in FINAL_DIALSTATUS

        try:
            return await self.wait_until(settled, timeout)
        except CallerHungUp:
            await self.hang_up_leg(leg)
            raise

    async def hang_up_leg(self, leg: PeerLeg) -> None:
        if leg.ended:
            return
        leg.ended = True
        self.changed()
        self.note_command()
        with contextlib.suppress(AriError):
            await self.ari.hangup(leg.channel_id)

    async def wait_for_leg_end(self, leg: PeerLeg, timeout: float) -> bool:  # noqa: ASYNC109
        return await self.wait_until(lambda: leg.ended, timeout)

    # -- recording -----------------------------------------------------------------------
    def watch_bridge(self, bridge_id: str) -> None:
        """Hear the bridge's own events too (a bridge recording reports on the bridge)."""
        self._subscriptions.append(self._dispatcher.subscribe_bridge(bridge_id, self._on_event))

    def recording_result(self, name: str) -> RecordingResult | None:
        """How the recording ended, once RecordingFinished / RecordingFailed came."""
        return self._state.recordings.get(name)

    async def record(
        self,
        *,
        name: str,
        max_duration: int,
        max_silence: int,
        terminate_on: str = "#",
        beep: bool = True,
    ) -> RecordingResult:
        """Record the caller; a hang-up ends the recording, which is kept all the same.

        A recording Asterisk refuses (500: its recording directory is missing) is asked
        for once more, then reported `failed` with `record_refused` set.
        """
        for attempt in range(RECORD_ATTEMPTS):
            self.note_command()
            try:
                await self._guard(
                    self.ari.record(
                        self.channel_id,
                        name=name,
                        max_duration=max_duration,
                        max_silence=max_silence,
                        beep=beep,
                        terminate_on=terminate_on,
                        if_exists="overwrite",
                    )
                )
                break
            except AriServerError as exc:
                logger.warning("%s: record %s refused: %s", self.channel_id, name, exc)
                if attempt + 1 == RECORD_ATTEMPTS:
                    self.record_refused = True
                    return RecordingResult(name, "failed", 0.0, f"refused: {exc.message}")
                await self.wait_until(lambda: False, RECORD_RETRY_S)
        recordings = self._state.recordings
        self._state.recording.add(name)
        self.changed()
        try:
            await self.wait_until(lambda: name in recordings, max_duration + 10.0)
        except CallerHungUp:
            # Asterisk still finishes the recording after the hang-up: give it a moment.
            deadline = self.clock.monotonic() + 5.0
            while name not in recordings and self.clock.monotonic() < deadline:
                await self.clock.sleep(0.1)
        if name not in recordings:
            with contextlib.suppress(AriError):
                await self.ari.stop_recording(name)
            return RecordingResult(name=name, state="failed", duration_s=0.0, cause="timeout")
        return recordings[name]

    # -- after a reconnect ----------------------------------------------------------------
    async def resync(self, alive: set[str]) -> None:
        """Catch up on what happened while events were lost (the socket was down)."""
        if self.channel_id not in alive:
            self.mark_hung_up()
            return
        await catch_up(self._state, self.ari, alive)
        self._changed.set()

    # -- ending --------------------------------------------------------------------------
    async def hang_up(self) -> None:
        if self._state.hung_up:
            return
        self.note_command()
        with contextlib.suppress(AriError):
            await self.ari.hangup(self.channel_id)
        self._state.hung_up = True

    def meanwhile(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run `work` while the call goes on (the caller must not wait for it); `settle`
        waits for it before the call's record is written."""
        # Kept until `settle` takes it, finished or not, so its failure is always logged.
        self._meanwhile.add(asyncio.create_task(work, name=f"{self.channel_id}: {name}"))

    async def settle(self) -> None:
        """Wait for the work started `meanwhile`; a failure is logged, not raised."""
        while self._meanwhile:
            task = self._meanwhile.pop()
            try:
                await task
            except Exception:
                logger.exception("%s: %s failed", self.channel_id, task.get_name())

    def close(self) -> None:
        for subscription in self._subscriptions:
            subscription.cancel()
        self._subscriptions.clear()

    async def _guard(self, request: Awaitable[_T]) -> _T:
        try:
            return await request
        except (AriNotFound, AriConflict):
            self.mark_hung_up()
            raise CallerHungUp(self.channel_id) from None
