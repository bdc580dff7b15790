"""Bridging the caller's channel with a dialled leg until either side leaves.

Shared by the liaison transfer, the operator queue and the operator's callback: each
creates the bridge the same way, waits the same way and tears it down the same way.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from functools import partial
from typing import Protocol

from ivr.ari import AriError, AriFailure
from ivr.flow.session import CallerHungUp, CallSession, PeerLeg

logger = logging.getLogger(__name__)

LONGEST_CALL_S = 4 * 3600.0


class BridgeRecorder(Protocol):
    """Records the bridge (ivr.flow.quality): the caller told first, started once both
    are in, finished before the teardown, its file kept after it."""

    async def tell_caller(self) -> None: ...

    async def start(self, bridge_id: str) -> None: ...

    async def finish(self) -> None: ...

    async def keep(self) -> None: ...


async def bridge_and_wait(
    session: CallSession,
    leg: PeerLeg,
    *,
    on_bridged: Callable[[], None] | None = None,
    on_ended: Callable[[float], None] | None = None,
    max_s: float = LONGEST_CALL_S,
    recorder: BridgeRecorder | None = None,
) -> None:
    """Bridge the session's channel with `leg`, wait until one of them leaves, clean up.

    `on_bridged` runs once both are in the bridge, and `recorder` starts then; `on_ended`
    gets the talk time in seconds, even when the caller's hang-up ends the wait
    (CallerHungUp propagates), and the recorder finishes before anything is torn down
    and keeps its file meanwhile (`CallSession.settle` waits for it).
    A bridge that cannot be built hangs the leg up and raises CallerHungUp: the caller's
    channel is what failed, and nobody is left to talk to.
    """
    clock = session.clock
    bridge_id = bridge_name(session.channel_id)
    if recorder is not None:
        try:
            await recorder.tell_caller()
        except CallerHungUp:
            await session.hang_up_leg(leg)
            raise
    # Asterisk answers addChannel only once the channel's playbacks have ended.
    await session.stop_all_playbacks()
    session.note_command()
    try:
        await session.ari.create_bridge(bridge_id=bridge_id)
        await session.ari.add_channel(bridge_id, session.channel_id)
        await session.ari.add_channel(bridge_id, leg.channel_id)
    except AriFailure as exc:
        logger.warning("%s: bridging failed: %s", session.channel_id, exc)
        await session.hang_up_leg(leg)
        with contextlib.suppress(AriError):
            await session.ari.destroy_bridge(bridge_id)
        if isinstance(exc, AriError):
            raise CallerHungUp(session.channel_id) from exc
        # No reply at all (an addChannel stuck behind a playback nobody knows of): the
        # caller is still there, so the flow fails and hangs it up; nothing stays behind.
        raise
    session.bridge_id = bridge_id
    session.changed()
    if on_bridged is not None:
        on_bridged()
    started = clock.monotonic()
    try:
        if recorder is not None:
            await recorder.start(bridge_id)
        while True:
            await session.wait_until(partial(_left_or_replaced, session, leg), max_s)
            handover = session.handover
            if handover is None:
                break
            # the operator put the caller through: the new leg is already in the bridge
            session.handover = None
            previous, leg = leg, handover
            await session.hang_up_leg(previous)
    finally:
        if on_ended is not None:
            on_ended(clock.monotonic() - started)
        if recorder is not None:
            await recorder.finish()
        try:
            await session.hang_up_leg(leg)
            with contextlib.suppress(AriError):
                await session.ari.destroy_bridge(bridge_id)
            session.bridge_id = None
        finally:
            # Fetching and fsyncing the file (a megabyte a minute) goes on while the caller
            # hears what comes next: when calls ended together, the survey's prompt came
            # seconds late behind it.
            if recorder is not None:
                session.meanwhile(recorder.keep(), "keep the quality recording")


def bridge_name(channel_id: str) -> str:
    """The bridge of a caller's channel: known before it exists, so a controller resuming
    the call finds a bridge its dead predecessor was still building (one at a time)."""
    return f"br-{channel_id}"


def _left_or_replaced(session: CallSession, leg: PeerLeg) -> bool:
    return leg.ended or session.handover is not None
