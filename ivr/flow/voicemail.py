"""Leaving a voicemail: the reason's prompt, a beep, the recording, the stored message."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from ivr.ari import AriClient, AriError
from ivr.flow.call_log import CallLog
from ivr.flow.session import CallerHungUp
from voicemail import GENERAL_MAILBOX, VoicemailInfo

if TYPE_CHECKING:
    from ivr.flow.context import FlowServices
    from ivr.flow.flow import CallFlow

logger = logging.getLogger(__name__)

_PROMPTS = {
    "busy": "line_busy",
    "congestion": "line_busy",
    "noanswer": "no_answer",
    "unavailable": "no_answer",
}


def _prompt_text(flow: CallFlow) -> str:
    catalog = flow.profile.catalog
    department = flow.department
    if flow.voicemail_reason == "after_hours" and department is not None:
        return catalog.closed(department.name, department.schedule.describe())
    return catalog.text(_PROMPTS.get(flow.voicemail_reason, "leave_message"))


async def leave_voicemail(flow: CallFlow) -> None:
    """Record the caller and keep the message, even when they hang up while speaking."""
    services, session, log = flow.services, flow.session, flow.log
    log.reason = flow.voicemail_reason or "operator_unavailable"
    await flow.say(_prompt_text(flow))
    name = f"hotline/{log.call_id}"
    hung_up = False
    try:
        result = await session.record(
            name=name,
            max_duration=services.voicemail_max_s,
            max_silence=services.voicemail_silence_s,
        )
    except CallerHungUp:
        return  # hung up before the recording started: nothing to keep
    hung_up = session.hung_up
    if result.state == "failed":
        logger.warning("%s: recording %s failed: %s", session.channel_id, name, result.cause)
        flow.step("recording_failed", cause=result.cause)
        if hung_up:
            raise CallerHungUp(session.channel_id)
        return
    session.note_command()
    await keep_recording(flow, name=name, duration_s=result.duration_s, hung_up=hung_up)


async def keep_recording(flow: CallFlow, *, name: str, duration_s: float, hung_up: bool) -> None:
    """Store a finished recording as the call's voicemail; thank the caller if still there."""
    services, session, log = flow.services, flow.session, flow.log
    log.reason = log.reason or flow.voicemail_reason or "operator_unavailable"
    info = await store_recording(
        services=services,
        ari=session.ari,
        log=log,
        mailbox=flow.voicemail_mailbox or GENERAL_MAILBOX,
        department_code=flow.department.code if flow.department else None,
        name=name,
        duration_s=duration_s,
    )
    flow.step("voicemail", id=info.id, duration_s=duration_s, empty=info.empty)
    if hung_up:
        raise CallerHungUp(session.channel_id)
    await flow.say(flow.profile.catalog.voicemail_saved(services.reply_days))


async def store_recording(
    *,
    services: FlowServices,
    ari: AriClient,
    log: CallLog,
    mailbox: str,
    department_code: str | None,
    name: str,
    duration_s: float,
) -> VoicemailInfo:
    """Fetch the recording from Asterisk, keep it as a voicemail, delete Asterisk's copy."""
    audio = b""
    try:
        audio = await ari.fetch_recording_file(name)
    except AriError as exc:
        logger.warning("%s: cannot fetch recording %s: %s", log.channel_id, name, exc)
    info = await services.voicemail.save(
        mailbox=mailbox,
        department_code=department_code,
        caller_number=log.caller_number,
        hotline_number=log.hotline_number,
        call_id=log.call_id,
        reason=log.reason or "operator_unavailable",
        recording_name=name,
        audio=audio,
        duration_s=duration_s,
    )
    with contextlib.suppress(AriError):
        await ari.delete_stored_recording(name)
    log.outcome = "voicemail"
    log.voicemail_id = info.id
    return info
