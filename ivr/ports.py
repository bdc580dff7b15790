"""What the call flow needs from packages it does not own, as protocols.

The composition root passes in the implementations: the agent desk answers order
progress; routing queues callers for operators. Until a real implementation exists,
the defaults below keep the call flow whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from voicemail import VoicemailInfo


@dataclass(frozen=True, slots=True)
class OrderProgress:
    """What the IVR reads to a caller who asks for an order's progress (* number #)."""

    found: bool
    disclosed: bool  # False when the order exists but was filed from another number
    text: str  # the sentence to read out, in Chinese


class OrderProgressSource(Protocol):
    """Where the IVR looks up a work order's status for the caller who filed it."""

    async def progress(self, *, order_number: str, caller_number: str) -> OrderProgress: ...


class NoOrders:
    """The answer until work orders exist: no such order."""

    async def progress(self, *, order_number: str, caller_number: str) -> OrderProgress:
        return OrderProgress(
            found=False, disclosed=False, text=f"没有查到编号为{order_number}的工单。"
        )


class CallControl(Protocol):
    """What the desk may ask of the controller about a live call."""

    async def transfer_to_department(self, *, call_id: str, department_code: str) -> None: ...

    async def originate_callback(self, *, from_endpoint: str, to_number: str, note: str) -> str: ...


@dataclass(frozen=True, slots=True)
class MailboxAccess:
    """A liaison signed in by phone: who (for the audit log) and whose messages they hear."""

    liaison: str  # the desk user name
    departments: frozenset[str]


@dataclass(frozen=True, slots=True)
class MailboxLocked:
    """Too many wrong PINs for this liaison id: no PIN is checked until `until`."""

    until: datetime


class LiaisonMailboxes(Protocol):
    """The liaisons' voicemail by phone (the desk implements it over its users and orders).

    Every method after `sign_in` is narrowed to `access.departments`: a voicemail of
    another department does not exist for the liaison.
    """

    async def sign_in(self, *, liaison_id: str, pin: str) -> MailboxAccess | MailboxLocked | None:
        """None for an unknown id or a wrong PIN (the caller cannot tell which)."""
        ...

    async def messages(self, access: MailboxAccess) -> list[VoicemailInfo]:
        """The unhandled messages of the liaison's departments, newest first."""
        ...

    async def note_playback(self, access: MailboxAccess, voicemail_id: int) -> None: ...

    async def mark_handled(self, access: MailboxAccess, voicemail_id: int) -> bool:
        """False when the voicemail is not (or no longer) the liaison's to handle."""
        ...

    async def note_callback(self, access: MailboxAccess, voicemail_id: int, text: str) -> None:
        """Record a call-back attempt on the voicemail's work order."""
        ...


class VoicemailAudio(Protocol):
    """Where Asterisk fetches a voicemail's audio to play it to a liaison."""

    def media_uri(self, voicemail_id: int) -> str: ...


class VoicemailOrderNumbers(Protocol):
    """Finds the work order a stored voicemail was filed on (the desk implements it)."""

    async def order_number_for_recording(self, recording_name: str) -> str | None:
        """The order's number, or None while the message is not filed yet."""
        ...
