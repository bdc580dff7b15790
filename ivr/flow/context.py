"""What every call flow is given: the services it uses, built once by the composition root."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from base.clock import Clock
from directory import DepartmentRecord, DirectoryService
from ivr.checkpoints import CallCheckpoint, Checkpointer
from ivr.flow.call_log import CallLog, CallRecorder
from ivr.flow.profiles import HotlineProfile
from ivr.flow.session import CallSession
from ivr.flow.speech_input import SpeechInput
from ivr.ports import (
    LiaisonMailboxes,
    OrderProgressSource,
    VoicemailAudio,
    VoicemailOrderNumbers,
)
from ivr.prompts import PromptRenderer, PromptRenderError
from ivr.quality_store import QualityRecordings
from routing.platforms import PlatformTree
from voicemail import VoicemailService

logger = logging.getLogger(__name__)


class OperatorHandoff(Protocol):
    """Puts a caller through to a person; routing's queue implements it.

    Returns the outcome it reached (`operator` when a seat answered, `voicemail` when the
    caller left a message instead); raises CallerHungUp when the caller leaves.
    """

    async def hand_off(self, flow: RunningCall) -> str: ...


class Voice:
    """Turns prompt texts into media URIs Asterisk can play."""

    def __init__(self, *, renderer: PromptRenderer, base_url: str | None) -> None:
        self._renderer = renderer
        self._base_url = base_url

    async def media(self, *texts: str) -> list[str]:
        prompts = await self._renderer.render_many(texts)
        return [self._renderer.media_uri(prompt, self._base_url) for prompt in prompts]

    async def music(self, media: Sequence[str], *, seconds: float) -> list[str]:
        """`media` with each `tone:` rendered to a file that ends after `seconds`.

        Asterisk never ends a `tone:` playback by itself; one whose controller died would
        play on and hold back the next controller's prompts. A tone that cannot be
        rendered is kept as it is (unbounded) rather than leaving the caller in silence.
        """
        bounded: list[str] = []
        for uri in media:
            if not uri.startswith("tone:"):
                bounded.append(uri)
                continue
            try:
                prompt = await self._renderer.render_tone(uri, seconds)
            except PromptRenderError as exc:
                logger.warning("hold music %s left unbounded: %s", uri, exc)
                bounded.append(uri)
                continue
            bounded.append(self._renderer.media_uri(prompt, self._base_url))
        return bounded


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
    # The platform tree (routing.platforms): a call to a county's own number is filed
    # under the county and queues for its seats. Empty: every call is the site's.
    platforms: PlatformTree = field(default_factory=PlatformTree)
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
    # None: a voicemail caller is not told the order number (no desk behind this flow).
    order_numbers: VoicemailOrderNumbers | None = None
    # hotline number -> the moments after which the caller is asked to rate (ivr.flow.survey)
    survey_after: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # None: bridged calls are not recorded (ivr.flow.quality); the consent prompt first?
    quality: QualityRecordings | None = None
    quality_consent: bool = True


class RunningCall(Protocol):
    """What the flow's procedures (transfer, voicemail, queue, resume) need of a call.

    `CallFlow` implements it; the procedures depend on this interface rather than on
    the flow that calls them, so the arrows run one way (flow -> procedures -> here).
    """

    services: FlowServices
    session: CallSession
    profile: HotlineProfile
    log: CallLog
    department: DepartmentRecord | None
    voicemail_reason: str
    voicemail_mailbox: str | None
    resumed_from: CallCheckpoint | None  # the checkpoint a resumed call started from

    def step(self, name: str, **details: object) -> None: ...

    async def say(self, *texts: str) -> None: ...

    async def ask(
        self,
        *texts: str,
        max_digits: int,
        stop_on: str = ...,
        first_timeout_s: float | None = None,
    ) -> str: ...

    def mark_checkpoint(self) -> None: ...
