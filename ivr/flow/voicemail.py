"""Leaving a voicemail: the reason's prompt, a beep, the recording, the stored message."""

from __future__ import annotations

import contextlib
import logging

from base.journal import JournalUnavailable
from ivr.ari import AriClient, AriError, AriFailure
from ivr.flow.call_log import CallLog
from ivr.flow.context import FlowServices, RunningCall
from ivr.flow.order_number import read_order_number
from ivr.flow.session import CallerHungUp
from voicemail import GENERAL_MAILBOX, KeptVoicemail

logger = logging.getLogger(__name__)

_PROMPTS = {
    "busy": "line_busy",
    "congestion": "line_busy",
    "noanswer": "no_answer",
    "unavailable": "no_answer",
}


def _prompt_text(flow: RunningCall) -> str:
    catalog = flow.profile.catalog
    department = flow.department
    if flow.voicemail_reason == "after_hours" and department is not None:
        return catalog.closed(department.name, department.schedule.describe())
    return catalog.text(_PROMPTS.get(flow.voicemail_reason, "leave_message"))


async def leave_voicemail(flow: RunningCall) -> None:
    """Record the caller and keep the message, even when they hang up while speaking."""
    services, session, log = flow.services, flow.session, flow.log
    log.reason = flow.voicemail_reason or "operator_unavailable"
    name = recording_name(log)
    # Only a call resumed from another controller can have a message kept elsewhere.
    if await services.voicemail.is_kept(name, ask_database=flow.resumed_from is not None):
        # Kept before a crash: the caller must not be asked again.
        await say_kept_already(flow, name)
        return
    if not services.voicemail.has_room(max_seconds=services.voicemail_max_s):
        await _refuse(flow, name, "no room on the journal's disk")
        return
    await flow.say(_prompt_text(flow))
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


def recording_name(log: CallLog) -> str:
    """The call's one voicemail recording: the same name whoever resumes the call."""
    return f"hotline/{log.call_id}"


async def keep_recording(flow: RunningCall, *, name: str, duration_s: float, hung_up: bool) -> None:
    """Store a finished recording as the call's voicemail; thank the caller if still there."""
    services, session, log = flow.services, flow.session, flow.log
    log.reason = log.reason or flow.voicemail_reason or "operator_unavailable"
    try:
        kept = await store_recording(
            services=services,
            ari=session.ari,
            log=log,
            mailbox=flow.voicemail_mailbox or GENERAL_MAILBOX,
            department_code=flow.department.code if flow.department else None,
            name=name,
            duration_s=duration_s,
        )
    except JournalUnavailable as exc:
        if hung_up:
            flow.log.outcome, flow.log.reason = "failed", "voicemail_unavailable"
            raise CallerHungUp(session.channel_id) from exc
        await _refuse(flow, name, str(exc))
        return
    flow.step("voicemail", recording=name, duration_s=duration_s, empty=kept.empty)
    flow.mark_checkpoint()
    if hung_up:
        raise CallerHungUp(session.channel_id)
    await flow.say(flow.profile.catalog.voicemail_saved(services.reply_days))
    await read_order_number(flow, name)


async def _refuse(flow: RunningCall, name: str, why: str) -> None:
    """Nowhere to keep a message safely: say so rather than pretend to take it."""
    logger.error("%s: voicemail %s refused: %s", flow.session.channel_id, name, why)
    flow.log.outcome, flow.log.reason = "failed", "voicemail_unavailable"
    flow.step("voicemail_refused", recording=name)
    await flow.say(flow.profile.catalog.text("voicemail_unavailable"))


async def say_kept_already(flow: RunningCall, name: str) -> None:
    """The message was kept before a crash: link it, thank the caller, ask nothing again."""
    log = flow.log
    log.outcome, log.voicemail_recording = "voicemail", name
    log.reason = log.reason or flow.voicemail_reason or "operator_unavailable"
    flow.step("voicemail_already_kept", recording=name)
    await flow.say(flow.profile.catalog.voicemail_saved(flow.services.reply_days))


def voicemail_platform(services: FlowServices, department_code: str | None, log: CallLog) -> str:
    """A message for a department belongs to the department's platform (its directory city),
    whichever number the caller dialled; one for the general mailbox to the call's."""
    record = services.directory.get(department_code) if department_code else None
    owner = services.platforms.by_city(record.city) if record is not None else None
    return owner.id if owner is not None else (log.platform or log.site)


async def store_recording(
    *,
    services: FlowServices,
    ari: AriClient,
    log: CallLog,
    mailbox: str,
    department_code: str | None,
    name: str,
    duration_s: float,
) -> KeptVoicemail:
    """Fetch the recording from Asterisk, keep it as a voicemail, delete Asterisk's copy.

    Asterisk's copy goes only once the message is journaled, so a crash in between
    leaves the recording for the next controller to keep.
    """
    audio = b""
    try:
        audio = await ari.fetch_recording_file(name)
    except AriError as exc:
        logger.warning("%s: cannot fetch recording %s: %s", log.channel_id, name, exc)
    kept = await services.voicemail.keep(
        mailbox=mailbox,
        department_code=department_code,
        caller_number=log.caller_number,
        hotline_number=log.hotline_number,
        platform=voicemail_platform(services, department_code, log),
        call_id=log.call_id,
        reason=log.reason or "operator_unavailable",
        recording_name=name,
        audio=audio,
        duration_s=duration_s,
    )
    log.voicemail_kept(kept.recording_name, empty=kept.empty)
    with contextlib.suppress(AriFailure):  # a copy left on Asterisk harms nobody
        await ari.delete_stored_recording(name)
    return kept
