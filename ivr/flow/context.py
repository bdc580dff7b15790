"""What every call flow is given: the services it uses, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from directory import DirectoryService
from hotline.clock import Clock
from ivr.checkpoints import Checkpointer
from ivr.flow.call_log import CallRecorder
from ivr.flow.speech_input import SpeechInput
from ivr.ports import LiaisonMailboxes, OrderProgressSource, VoicemailAudio
from ivr.prompts import PromptRenderer
from voicemail import VoicemailService

if TYPE_CHECKING:
    from ivr.flow.flow import CallFlow


class OperatorHandoff(Protocol):
    """Puts a caller through to a person; routing's queue implements it.

    Returns the outcome it reached (`operator` when a seat answered, `voicemail` when the
    caller left a message instead); raises CallerHungUp when the caller leaves.
    """

    async def hand_off(self, flow: CallFlow) -> str: ...


class Voice:
    """Turns prompt texts into media URIs Asterisk can play."""

    def __init__(self, *, renderer: PromptRenderer, base_url: str | None) -> None:
        self._renderer = renderer
        self._base_url = base_url

    async def media(self, *texts: str) -> list[str]:
        prompts = await self._renderer.render_many(texts)
        return [self._renderer.media_uri(prompt, self._base_url) for prompt in prompts]


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowServices:
    """Dependencies of the call flow."""

    clock: Clock
    directory: DirectoryService
    voicemail: VoicemailService
    recorder: CallRecorder
    voice: Voice
    orders: OrderProgressSource
    operator: OperatorHandoff
    site: str
    dial_timeout_s: float = 20.0
    reply_days: int = 5
    voicemail_max_s: int = 120
    voicemail_silence_s: int = 3
    on_latency: Callable[[float], None] | None = None  # event-to-command seconds, for metrics
    speech: SpeechInput | None = None  # None: keypad only
    checkpointer: Checkpointer | None = None  # None: calls are not crash-safe
    # The liaisons' voicemail line (ivr.flow.mailbox); None: the access number is a hotline.
    mailboxes: LiaisonMailboxes | None = None
    mailbox_number: str = ""
    voicemail_audio: VoicemailAudio | None = None
    outbound_trunk: str = "PJSIP/trunk"  # call-backs dial PJSIP/<number>@trunk
