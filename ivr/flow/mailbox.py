"""The liaisons' voicemail line: sign in by keypad, hear messages, handle or call back.

A call to the access number runs this small state machine instead of the IVR:
sign_in (liaison id `#`, PIN `#`; three tries per call, the desk locks an id after
repeated wrong PINs) → browse (the unhandled messages of the liaison's departments, newest
first: place, date, time and caller number read out, then the recording) → ended.
While a message plays or after it: 1 replay, 2 mark handled, 3 next, 4 call the caller
back (their number is dialled through the trunk and bridged with the liaison's own
channel), 0 or * leave. Every call leaves a call record with outcome `mailbox`.
"""

from __future__ import annotations

import logging
import re
from enum import Enum

from ivr.flow.bridging import bridge_and_wait
from ivr.flow.call_log import CallLog
from ivr.flow.context import FlowServices
from ivr.flow.mailbox_prompts import MailboxPrompts
from ivr.flow.session import CallerHungUp, CallSession
from ivr.ports import LiaisonMailboxes, MailboxAccess, MailboxLocked
from voicemail import VoicemailInfo

logger = logging.getLogger(__name__)

MAX_SIGN_INS = 3
MAX_SILENCES = 2
EXIT_KEYS = "0*"
FIRST_TIMEOUT_S = 8.0
INTER_DIGIT_TIMEOUT_S = 4.0
CALLABLE_NUMBER = re.compile(r"\+?[0-9]{3,20}")


class MailboxState(Enum):
    """Where a call to the voicemail line is."""

    SIGN_IN = "sign_in"
    BROWSE = "browse"
    ENDED = "ended"


def dial_string(trunk: str, number: str) -> str:
    """The endpoint reaching `number` through `trunk`: `PJSIP/trunk` → `PJSIP/<number>@trunk`.

    A trunk containing `{number}` is used as a template instead (other technologies).
    """
    if "{number}" in trunk:
        return trunk.format(number=number)
    tech, _, name = trunk.partition("/")
    return f"{tech}/{number}@{name}"


class MailboxFlow:
    """Runs one call to the voicemail line, from StasisStart to its call record."""

    def __init__(
        self,
        *,
        session: CallSession,
        services: FlowServices,
        mailboxes: LiaisonMailboxes,
        log: CallLog,
    ) -> None:
        self.session = session
        self.services = services
        self.mailboxes = mailboxes
        self.log = log
        self.prompts = MailboxPrompts()
        self.state = MailboxState.SIGN_IN
        self.access: MailboxAccess | None = None
        log.outcome = "mailbox"

    def step(self, name: str, **details: object) -> None:
        self.log.step(self.services.clock.now(), name, **details)

    async def say(self, *texts: str) -> None:
        await self.session.play(await self.services.voice.media(*texts))

    async def ask(self, media: list[str], *, max_digits: int, stop_on: str = "") -> str:
        return await self.session.prompt_and_collect(
            media,
            max_digits=max_digits,
            first_timeout=FIRST_TIMEOUT_S,
            inter_timeout=INTER_DIGIT_TIMEOUT_S,
            stop_on=stop_on,
        )

    async def run(self) -> None:
        """Drive the states until the call ends; always leaves a call record."""
        try:
            while self.state is not MailboxState.ENDED:
                if self.state is MailboxState.SIGN_IN:
                    reason, after = await self._sign_in()
                else:
                    reason, after = await self._browse()
                logger.info("%s: Transition: %s -> %s -> %s", self.session.channel_id,
                            self.state.value, reason, after.value)  # fmt: skip
                self.step(self.state.value, to=after.value, why=reason)
                self.state = after
            await self.session.hang_up()
        except CallerHungUp:
            logger.info("%s: liaison hung up in %s", self.session.channel_id, self.state.value)
            self.step("hangup", state=self.state.value)
        except Exception:
            logger.exception("%s: mailbox failed in %s", self.session.channel_id, self.state.value)
            self.log.outcome = "failed"
            self.log.reason = f"error_in_mailbox_{self.state.value}"
            await self.session.hang_up()
        finally:
            self.session.close()
            await self.services.recorder.save(self.log)

    # -- sign in ---------------------------------------------------------------------------
    async def _sign_in(self) -> tuple[str, MailboxState]:
        prompt = self.prompts.text("welcome")
        for _attempt in range(MAX_SIGN_INS):
            voice = self.services.voice
            liaison_id = await self.ask(await voice.media(prompt), max_digits=12, stop_on="*")
            if liaison_id == "*":
                return await self._leave("key *")
            if not liaison_id:
                prompt = self.prompts.text("ask_id")
                self.step("sign_in", result="no id")
                continue
            pin = await self.ask(
                await voice.media(self.prompts.text("ask_pin")), max_digits=12, stop_on="*"
            )
            if pin == "*":
                return await self._leave("key *")
            result = await self.mailboxes.sign_in(liaison_id=liaison_id, pin=pin) if pin else None
            if isinstance(result, MailboxLocked):
                self.step("sign_in", liaison_id=liaison_id, result="locked")
                self.log.reason = "locked"
                minutes = (result.until - self.services.clock.now()).total_seconds() / 60
                await self.say(self.prompts.locked(int(minutes + 0.999)))
                return "liaison id locked", MailboxState.ENDED
            if result is not None:
                self.step("sign_in", liaison_id=liaison_id, result="ok")
                self.access = result
                self.log.reason = "signed_in"
                return f"liaison {result.liaison} signed in", MailboxState.BROWSE
            self.step("sign_in", liaison_id=liaison_id, result="wrong")
            prompt = self.prompts.text("wrong")
        self.log.reason = "sign_in_failed"
        await self.say(self.prompts.text("too_many"))
        return f"{MAX_SIGN_INS} failed sign-ins", MailboxState.ENDED

    # -- browse ----------------------------------------------------------------------------
    async def _browse(self) -> tuple[str, MailboxState]:
        access = self._access()
        messages = await self.mailboxes.messages(access)
        self.step("messages", count=len(messages), ids=[m.id for m in messages])
        if not messages:
            return await self._leave("no messages", self.prompts.text("no_messages"))
        voice = self.services.voice
        intro = [self.prompts.count(len(messages))]
        position, replay, silences = 0, True, 0
        while True:
            message = messages[position]
            menu = await voice.media(self.prompts.text("menu"))
            media = await self._message_media(access, position, message, intro) if replay else []
            intro, replay = [], False
            key = await self.ask(media + menu, max_digits=1)
            silences = silences + 1 if not key else 0
            if key and key in EXIT_KEYS:
                return await self._leave(f"key {key}")
            if not key and silences >= MAX_SILENCES:
                return await self._leave("silence")
            if key == "1":
                replay = True
            elif key == "2":
                await self._mark_handled(access, message)
            elif key == "4":
                await self._call_back(access, message)
            elif key and key != "3":
                await self.say(self.prompts.text("invalid_key"))
            if key in ("2", "3"):
                if position + 1 < len(messages):
                    position, replay = position + 1, True
                else:
                    await self.say(self.prompts.text("last"))

    async def _message_media(
        self, access: MailboxAccess, position: int, message: VoicemailInfo, intro: list[str]
    ) -> list[str]:
        """What one message sounds like: the header read out, then the caller's recording."""
        header = self.prompts.header(position + 1, message.recorded_at, message.caller_number)
        self.step("message", id=message.id)
        audio = self.services.voicemail_audio
        if message.empty or not message.audio_path or audio is None:
            return await self.services.voice.media(
                *intro, header, self.prompts.text("empty_recording")
            )
        await self.mailboxes.note_playback(access, message.id)
        return [*await self.services.voice.media(*intro, header), audio.media_uri(message.id)]

    async def _mark_handled(self, access: MailboxAccess, message: VoicemailInfo) -> None:
        done = await self.mailboxes.mark_handled(access, message.id)
        self.step("handled", id=message.id, ok=done)
        await self.say(self.prompts.text("handled" if done else "not_yours"))

    async def _call_back(self, access: MailboxAccess, message: VoicemailInfo) -> None:
        """Dial the caller through the trunk and bridge them with the liaison's channel."""
        number = message.caller_number
        if not CALLABLE_NUMBER.fullmatch(number):
            self.step("callback", id=message.id, result="no number")
            await self.say(self.prompts.text("no_number"))
            return
        services, session, log = self.services, self.session, self.log
        endpoint = dial_string(services.outbound_trunk, number)
        await self.say(self.prompts.calling_back(number))
        leg = await session.dial(
            endpoint, timeout_s=services.dial_timeout_s, caller_id=message.hotline_number
        )
        log.dials.append({"endpoint": endpoint, "dialstatus": leg.dialstatus})
        log.voicemail_id = message.id
        self.step("callback", id=message.id, endpoint=endpoint, dialstatus=leg.dialstatus)
        result = "已接通" if leg.answered else f"未接通（{leg.dialstatus}）"
        try:  # the order's note must not cost the liaison the call
            await self.mailboxes.note_callback(
                access, message.id, f"联络员{access.liaison}通过留言信箱回拨{number}，{result}"
            )
        except Exception:
            logger.exception("%s: cannot note the call-back on voicemail %d",
                             session.channel_id, message.id)  # fmt: skip
        if not leg.answered:
            await self.say(self.prompts.text("callback_failed"))
            return

        def ended(seconds: float) -> None:
            log.talk_s = (log.talk_s or 0) + int(seconds)
            self.step("callback_ended", id=message.id, talk_s=int(seconds))

        await bridge_and_wait(session, leg, on_ended=ended)
        session.clear_digits()  # keys pressed while talking are not menu choices
        await self.say(self.prompts.text("callback_over"))

    async def _leave(self, why: str, *texts: str) -> tuple[str, MailboxState]:
        await self.say(*texts, self.prompts.text("goodbye"))
        return why, MailboxState.ENDED

    def _access(self) -> MailboxAccess:
        if self.access is None:
            raise RuntimeError("not signed in")
        return self.access
