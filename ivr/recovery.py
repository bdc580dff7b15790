"""Crash recovery: channels left in Stasis by a controller that died are taken over.

On every (re)connection the controller compares `GET /channels` with the checkpoints of
its application(s): a checkpointed call whose caller is still there is resumed; one
whose caller left is finished (its recording kept, its legs and bridge cleared, its call
record written); a caller in Stasis that no checkpoint knows is served as a new call.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Container, Mapping
from dataclasses import replace
from typing import Protocol

from base.journal import JournalUnavailable
from ivr.ari import AriClient, AriError, Channel
from ivr.checkpoints import CallCheckpoint
from ivr.flow.bridging import bridge_name
from ivr.flow.call_log import CallLog, log_from_state
from ivr.flow.context import FlowServices
from ivr.flow.states import CallState
from ivr.flow.voicemail import recording_name, store_recording
from voicemail import GENERAL_MAILBOX, wav_seconds


class CallHost(Protocol):
    """What recovery needs of the controller that takes the calls over.

    The controller calls `recover(self, app)`; this interface keeps the arrow one way
    (controller -> recovery) instead of recovery importing the controller back.
    """

    @property
    def ari(self) -> AriClient: ...

    @property
    def services(self) -> FlowServices: ...

    @property
    def flows(self) -> Container[str]: ...

    def start_call(
        self, *, channel_id: str, number: str, caller: str, answered: bool, app: str | None = None
    ) -> object: ...

    def resume_call(self, checkpoint: CallCheckpoint, state: CallState) -> object: ...


logger = logging.getLogger(__name__)

OWN_CHANNEL_ARGS = frozenset({"dialled", "liaison", "seat", "callback"})
# States a resumed call restarts in; the others restart from the greeting.
RESTARTABLE = {CallState.TRANSFER, CallState.VOICEMAIL, CallState.OPERATOR}
# States that bridge the caller with an answered leg.
BRIDGING = {CallState.TRANSFER, CallState.OPERATOR}


def stasis_app(channel: Channel) -> tuple[str, list[str]] | None:
    """The Stasis application a channel sits in and its arguments, from its dialplan."""
    if channel.dialplan.app_name != "Stasis":
        return None
    app, *args = channel.dialplan.app_data.split(",")
    return app, args


async def recover(controller: CallHost, app: str) -> None:
    """Take over `app`'s calls that no running flow of this controller holds."""
    checkpointer = controller.services.checkpointer
    alive = {channel.id: channel for channel in await controller.ari.list_channels()}
    checkpoints = await checkpointer.load() if checkpointer is not None else {}
    held: set[str] = set()
    for checkpoint in checkpoints.values():
        held.update(str(leg["channel_id"]) for leg in checkpoint.legs)
    resumed = finished = adopted = 0
    for call_id, checkpoint in checkpoints.items():
        if checkpoint.app != app or checkpoint.channel_id in controller.flows:
            continue
        if checkpoint.channel_id in alive:
            await resume(controller, checkpoint, alive)
            resumed += 1
        else:
            await finish_orphan(controller, call_id, checkpoint)
            finished += 1
    for channel in alive.values():
        found = stasis_app(channel)
        if found is None or found[0] != app or channel.id in controller.flows or channel.id in held:
            continue
        args = found[1]
        if args and args[0] in OWN_CHANNEL_ARGS:
            continue
        if any(cp.channel_id == channel.id for cp in checkpoints.values()):
            continue
        controller.start_call(
            channel_id=channel.id,
            number=args[0] if args else channel.dialplan.exten,
            caller=channel.caller.number,
            answered=channel.state == "Up",
            app=app,
        )
        adopted += 1
    if resumed or finished or adopted:
        logger.info(
            "recovery of %s: %d calls resumed, %d finished, %d adopted", app, resumed, finished,
            adopted,
        )  # fmt: skip


async def _release(controller: CallHost, checkpoint: CallCheckpoint, *, keep_bridge: bool) -> None:
    """Hang up the legs and destroy the bridge a dead controller left."""
    if keep_bridge:
        return
    for leg in checkpoint.legs:
        with contextlib.suppress(AriError):
            await controller.ari.hangup(str(leg["channel_id"]))
    if checkpoint.bridge_id:
        with contextlib.suppress(AriError):
            await controller.ari.destroy_bridge(checkpoint.bridge_id)


def _answered_as_seen(checkpoint: CallCheckpoint, alive: Mapping[str, Channel]) -> CallCheckpoint:
    """The checkpoint's legs, marked answered when Asterisk shows them Up.

    A checkpoint is written a moment after what it records: a controller killed between
    a leg's answer and that write left `answered: false` on a leg that is talking. What
    Asterisk shows now decides, or the caller would be put through a second time.
    """
    legs = tuple(
        {**leg, "answered": True}
        if not leg.get("answered") and _is_up(alive.get(str(leg["channel_id"])))
        else leg
        for leg in checkpoint.legs
    )
    return replace(checkpoint, legs=legs)


def _is_up(channel: Channel | None) -> bool:
    return channel is not None and channel.state == "Up"


async def resume(
    controller: CallHost, checkpoint: CallCheckpoint, alive: Mapping[str, Channel]
) -> None:
    checkpoint = _answered_as_seen(checkpoint, alive)
    state = CallState(checkpoint.state)
    answered = any(leg.get("answered") for leg in checkpoint.legs)
    if answered and checkpoint.bridge_id is None and state in BRIDGING:
        # Died between the answer and the bridge's checkpoint: finish that bridge rather
        # than hang up the person who answered and put the caller through a second time.
        checkpoint = replace(checkpoint, bridge_id=bridge_name(checkpoint.channel_id))
    bridged = checkpoint.bridge_id is not None and answered
    if bridged:
        target = CallState.RESUME_BRIDGE
    elif checkpoint.recordings and state is CallState.VOICEMAIL:
        target = CallState.RESUME_RECORDING
    else:
        target = state if state in RESTARTABLE else CallState.GREETING
    await _release(controller, checkpoint, keep_bridge=bridged)
    controller.resume_call(checkpoint, target)


async def finish_orphan(controller: CallHost, call_id: str, checkpoint: CallCheckpoint) -> None:
    """The caller left while no controller watched: keep what can be kept, record the call."""
    services = controller.services
    log = log_from_state(checkpoint.log)
    await _release(controller, checkpoint, keep_bridge=False)
    if CallState(checkpoint.state) is CallState.VOICEMAIL:
        name = checkpoint.recordings[0] if checkpoint.recordings else recording_name(log)
        if await services.voicemail.is_kept(name):
            log.outcome, log.voicemail_recording = "voicemail", name
        elif checkpoint.recordings:
            await _keep_orphaned_recording(controller, checkpoint, log, name)
    log.step(services.clock.now(), "recovered", state=checkpoint.state, caller_gone=True)
    await services.recorder.save(log)  # kept once, even if it was written before the crash
    if services.checkpointer is not None:
        await services.checkpointer.delete(call_id)


async def _keep_orphaned_recording(
    controller: CallHost, checkpoint: CallCheckpoint, log: CallLog, name: str
) -> None:
    try:
        audio = await controller.ari.fetch_recording_file(name)
    except AriError:
        return
    if not audio:
        return
    try:
        await store_recording(
            services=controller.services,
            ari=controller.ari,
            log=log,
            mailbox=checkpoint.flow.get("voicemail_mailbox") or GENERAL_MAILBOX,
            department_code=checkpoint.flow.get("department"),
            name=name,
            duration_s=wav_seconds(audio),
        )
    except JournalUnavailable as exc:
        # Asterisk still has the recording: the next recovery keeps it.
        logger.error("%s: orphaned recording %s not kept: %s", checkpoint.channel_id, name, exc)
