"""Voicemail: mailboxes per department, messages (audio + metadata), reply deadlines.

A caller leaves a message when a liaison's line is busy, unanswered or closed; the
department's liaisons collect it by phone or on the web and must reply within the
deadline (5 working days by default, by the official holiday calendar).
"""

from voicemail.audio import is_empty_recording, is_silent, wav_seconds
from voicemail.models import GENERAL_MAILBOX, Voicemail
from voicemail.service import (
    KeptVoicemail,
    VoicemailInfo,
    VoicemailIntake,
    VoicemailListener,
    VoicemailService,
    audio_file_name,
    write_durably,
)

__all__ = [
    "GENERAL_MAILBOX",
    "KeptVoicemail",
    "Voicemail",
    "VoicemailInfo",
    "VoicemailIntake",
    "VoicemailListener",
    "VoicemailService",
    "audio_file_name",
    "is_empty_recording",
    "is_silent",
    "wav_seconds",
    "write_durably",
]
