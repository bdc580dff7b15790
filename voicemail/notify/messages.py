"""The words of the notifications: new-voicemail e-mail and SMS, and the overdue digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage

from base.clock import CHINA_TZ
from voicemail.notify.recipients import Recipient

# An SMS segment holds 70 Chinese characters; one segment is enough to say "go and look".
_SMS_LIMIT = 70


@dataclass(frozen=True, slots=True)
class VoicemailNotice:
    """What a notification says about one voicemail, copied out of the database row."""

    id: int
    mailbox: str
    department_code: str | None
    department_name: str
    caller_number: str
    recorded_at: datetime
    duration_s: float
    reply_due: date
    transcript: str | None = None


def _when(moment: datetime) -> str:
    # SQLite hands timestamps back without their zone; they were stored as China time.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _caller(number: str) -> str:
    return number or "未知号码"


def new_voicemail_email(
    notice: VoicemailNotice, to: Recipient, *, sender: str, desk_url: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"{to.name} <{to.email}>"
    message["Subject"] = f"新语音留言 · {notice.department_name} · {_caller(notice.caller_number)}"
    lines = [
        f"{to.name}，您好：",
        "",
        f"{notice.department_name} 有一条新的语音留言。",
        f"来电号码：{_caller(notice.caller_number)}",
        f"留言时间：{_when(notice.recorded_at)}",
        f"留言时长：{notice.duration_s:.0f} 秒",
        f"答复期限：{notice.reply_due.isoformat()}",
    ]
    if notice.transcript:
        lines += ["", f"语音转写（仅供参考）：{notice.transcript}"]
    if desk_url:
        lines += ["", f"收听与处理：{desk_url.rstrip('/')}/voicemails/{notice.id}"]
    message.set_content("\n".join(lines))
    return message


def new_voicemail_sms(notice: VoicemailNotice) -> str:
    text = (
        f"【12345热线】{notice.department_name}新留言，来电{_caller(notice.caller_number)}，"
        f"{_when(notice.recorded_at)}，请于{notice.reply_due.isoformat()}前答复。"
    )
    return text[:_SMS_LIMIT]


def overdue_digest_email(
    overdue: Sequence[VoicemailNotice],
    to: Recipient,
    *,
    sender: str,
    today: date,
    warnings: Sequence[str] = (),
) -> EmailMessage:
    """The supervisors' daily digest: `warnings` first (a missing holiday calendar ...),
    then the voicemails past their reply date."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"{to.name} <{to.email}>"
    subject = f"逾期未答复留言日报 {today.isoformat()}：{len(overdue)} 条"
    message["Subject"] = f"{subject}（{len(warnings)} 项提醒）" if warnings else subject
    lines = [f"{to.name}，您好：", ""]
    if warnings:
        lines += ["请注意：", *(f"！{warning}" for warning in warnings), ""]
    if overdue:
        lines.append(f"截至 {today.isoformat()}，以下留言已过答复期限：")
    else:
        lines.append(f"截至 {today.isoformat()}，没有逾期未答复的留言。")
    for notice in overdue:
        days = (today - notice.reply_due).days
        lines.append(
            f"- #{notice.id} {notice.department_name}  来电 {_caller(notice.caller_number)}  "
            f"留言于 {_when(notice.recorded_at)}  期限 {notice.reply_due.isoformat()}"
            f"（逾期 {days} 天）"
        )
    message.set_content("\n".join(lines))
    return message
