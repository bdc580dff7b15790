"""Quality recording (质检录音) of a bridged call: consent first, the bridge's mix, kept.

Liaison transfers and operator calls are recorded where `FlowServices.quality` is set.
When the consent prompt is on, the caller hears it once the other side has answered,
before the two are bridged (a caller whose liaison is busy is told nothing). The recording starts
once both sides are in the bridge and is stopped by the controller before the bridge is
torn down: the stop is certain to produce RecordingFinished, whereas the Recorder
Asterisk kicks out of a destroyed bridge may report after the bridge's topic is gone
(code reading). Once the other side is hung up, the file is fetched and kept like a
voicemail: written, fsynced and journaled before Asterisk's copy is deleted, so a crash or
a database outage loses nothing.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from base.journal import JournalUnavailable
from ivr.ari import AriError, AriFailure, AriNotFound
from ivr.flow.context import RunningCall

logger = logging.getLogger(__name__)

CONSENT_PROMPT = "为了提高服务质量，您的通话将被录音"
TRANSFER = "transfer"
OPERATOR = "operator"
FINISH_WAIT_S = 5.0
POLL_S = 0.1


def recording_name(call_id: str, kind: str) -> str:
    """The call's one recording of this kind: the same name whoever handles the call."""
    return f"quality/{call_id}-{kind}"


class BridgeRecording:
    """One bridge's recording: `start` once both are in, `finish` before the teardown,
    `keep` after it."""

    def __init__(self, flow: RunningCall, kind: str) -> None:
        self.flow = flow
        self.kind = kind
        self.name = recording_name(flow.log.call_id, kind)
        self.started_at: datetime | None = None
        self.finished: float | None = None  # seconds recorded, once stopped and not yet kept

    async def tell_caller(self) -> None:
        """The consent prompt, once per call, while the answered side waits to be bridged."""
        flow = self.flow
        if not flow.services.quality_consent:
            return
        if any(step.get("step") == "quality_consent" for step in flow.log.steps):
            return
        flow.step("quality_consent")
        await flow.say(CONSENT_PROMPT)

    async def start(self, bridge_id: str) -> None:
        session = self.flow.session
        session.watch_bridge(bridge_id)
        try:
            await session.ari.record_bridge(bridge_id, name=self.name, if_exists="overwrite")
        except AriError as exc:
            # The call goes on unrecorded rather than not at all.
            logger.warning("%s: cannot record bridge %s: %s", session.channel_id, bridge_id, exc)
            self.flow.step("quality_recording_failed", cause=exc.message)
            return
        self.started_at = self.flow.services.clock.now()
        logger.info("%s: recording bridge %s as %s", session.channel_id, bridge_id, self.name)

    async def adopt(self, bridge_id: str) -> bool:
        """Take over this recording from a dead controller, if it is still running."""
        session = self.flow.session
        session.watch_bridge(bridge_id)
        try:
            await session.ari.get_live_recording(self.name)
        except (AriNotFound, AriFailure):
            return False
        # When it began died with the predecessor: the retention counts from the takeover.
        self.started_at = self.flow.services.clock.now()
        logger.info("%s: adopted recording %s", session.channel_id, self.name)
        return True

    async def finish(self) -> None:
        """Stop the recording and wait for its end (`keep` keeps the file). Never raises
        CallerHungUp."""
        if self.started_at is None or self.finished is not None:
            return
        session, clock = self.flow.session, self.flow.services.clock
        session.note_command()  # the answer to the leg's leaving (what follows waits on it)
        with contextlib.suppress(AriFailure):
            await session.ari.stop_recording(self.name)
        deadline = clock.monotonic() + FINISH_WAIT_S
        result = session.recording_result(self.name)
        while result is None and clock.monotonic() < deadline:
            await clock.sleep(POLL_S)
            result = session.recording_result(self.name)
        if result is None or result.state == "failed":
            cause = "no RecordingFinished" if result is None else result.cause
            logger.warning("%s: quality recording %s lost: %s", session.channel_id, self.name,
                           cause)  # fmt: skip
            self.flow.step("quality_recording_failed", cause=cause)
            self.started_at = None  # nothing to keep
            return
        self.finished = result.duration_s

    async def keep(self) -> None:
        """Fetch and keep the finished recording's file (once)."""
        if self.started_at is None or self.finished is None:
            return
        duration_s, self.finished = self.finished, None
        await self._keep(duration_s)
        self.started_at = None

    async def _keep(self, duration_s: float) -> None:
        flow, ari = self.flow, self.flow.session.ari
        quality = flow.services.quality
        assert quality is not None
        assert self.started_at is not None
        try:
            audio = await ari.fetch_recording_file(self.name)
        except AriFailure as exc:
            logger.warning("%s: cannot fetch %s: %s", flow.session.channel_id, self.name, exc)
            flow.step("quality_recording_failed", cause="fetch failed")
            return  # Asterisk keeps its copy: nothing is deleted that was not kept
        try:
            await quality.keep(call_id=flow.log.call_id, kind=self.kind, recording_name=self.name,
                               audio=audio, duration_s=duration_s,
                               started_at=self.started_at)  # fmt: skip
        except JournalUnavailable as exc:
            logger.error("%s: quality recording %s left on Asterisk: %s",
                         flow.session.channel_id, self.name, exc)  # fmt: skip
            flow.step("quality_recording_failed", cause="journal unavailable")
            return
        flow.step("quality_recording", recording=self.name, duration_s=duration_s)
        with contextlib.suppress(AriFailure):  # a copy left on Asterisk harms nobody
            await ari.delete_stored_recording(self.name)


def bridge_recording(flow: RunningCall, kind: str) -> BridgeRecording | None:
    """The recording for this bridge, or None where quality recording is off."""
    return BridgeRecording(flow, kind) if flow.services.quality is not None else None


async def keep_adopted_recordings(flow: RunningCall, bridge_id: str) -> None:
    """A resumed bridged call: stop and keep what the dead controller was recording."""
    if flow.services.quality is None:
        return
    for kind in (TRANSFER, OPERATOR):
        recording = BridgeRecording(flow, kind)
        if await recording.adopt(bridge_id):
            await recording.finish()
            await recording.keep()
