"""Voicemail notifications: e-mail and SMS to liaisons, and the daily overdue digest.

`Notifier.notify_new_voicemail` is safe to call from the call flow (it only queues);
delivery, retries and the digest run in the background.
"""

from voicemail.notify.messages import (
    VoicemailNotice,
    new_voicemail_email,
    new_voicemail_sms,
    overdue_digest_email,
)
from voicemail.notify.models import SmsOutboxMessage
from voicemail.notify.notifier import DepartmentNames, Notifier, notice_for
from voicemail.notify.recipients import InMemoryRecipients, Recipient, RecipientDirectory
from voicemail.notify.senders import (
    MailSender,
    OutboxSmsGateway,
    SmsGateway,
    SmtpMailSender,
    SmtpSettings,
)

__all__ = [
    "DepartmentNames",
    "InMemoryRecipients",
    "MailSender",
    "Notifier",
    "OutboxSmsGateway",
    "Recipient",
    "RecipientDirectory",
    "SmsGateway",
    "SmsOutboxMessage",
    "SmtpMailSender",
    "SmtpSettings",
    "VoicemailNotice",
    "new_voicemail_email",
    "new_voicemail_sms",
    "notice_for",
    "overdue_digest_email",
]
