"""The IVR call flow: one instance and one asyncio task per call, a readable state machine.

Keypad protocol (the acceptance checks use it): pinyin initials then `#` look a
department up; one clear match is read out and transferred (`1` during the reading gives
the number only); several are offered as "press 1 for …"; `0` anywhere is an operator;
`9` alone at the first prompt is the emergency referral; `*` number `#` reads an order's
progress; no match or no input twice is an operator.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from directory import DepartmentRecord, LookupResult, Match
from ivr.ari import AriFailure
from ivr.checkpoints import CallCheckpoint
from ivr.flow import survey
from ivr.flow.announce import AnnounceOutcome, announce
from ivr.flow.call_log import CallLog, log_state
from ivr.flow.context import FlowServices
from ivr.flow.profiles import HotlineProfile
from ivr.flow.resume import resume_bridge, resume_recording, resume_unrecorded_voicemail
from ivr.flow.session import CallerHungUp, CallSession
from ivr.flow.speech_input import SpeechInput
from ivr.flow.states import CallState, log_transition
from ivr.flow.survey import offer_survey
from ivr.flow.transfer import transfer_to_liaison
from ivr.flow.voicemail import leave_voicemail
from ivr.speech import Intent, IntentKind

logger = logging.getLogger(__name__)

OPERATOR_KEY = "0"
EMERGENCY_KEY = "9"
ORDER_KEY = "*"


class CallFlow:
    """Runs one call from StasisStart to its call record."""

    def __init__(
        self,
        *,
        session: CallSession,
        services: FlowServices,
        profile: HotlineProfile,
        log: CallLog,
    ) -> None:
        self.session = session
        self.services = services
        self.profile = profile
        self.log = log
        self.state = CallState.GREETING
        self.department: DepartmentRecord | None = None
        self.candidates: list[Match] = []
        self.voicemail_reason = ""
        self.voicemail_mailbox: str | None = None
        self._pending_keys = ""
        self._pending_speech: Intent | None = None
        self._lookup_failures = 0
        self._handlers: dict[CallState, Callable[[], Awaitable[tuple[str, CallState]]]] = {
            CallState.GREETING: self._greeting,
            CallState.LOOKUP: self._lookup,
            CallState.CHOOSE: self._choose,
            CallState.ANNOUNCE: self._announce,
            CallState.TRANSFER: self._transfer,
            CallState.VOICEMAIL: self._voicemail,
            CallState.OPERATOR: self._operator,
            CallState.EMERGENCY: self._emergency,
            CallState.ORDER_STATUS: self._order_status,
            CallState.RESUME_BRIDGE: self._resume_bridge,
            CallState.RESUME_RECORDING: self._resume_recording,
        }
        self.resumed_from: CallCheckpoint | None = None
        session.on_change = self.mark_checkpoint

    # -- checkpoints ----------------------------------------------------------------------
    def snapshot(self) -> CallCheckpoint:
        """Where this call is, for another controller to resume it."""
        held = self.session.held()
        return CallCheckpoint(
            app=self.session.app,
            channel_id=self.session.channel_id,
            state=self.state.value,
            log=log_state(self.log),
            flow={
                "department": self.department.code if self.department else None,
                "voicemail_reason": self.voicemail_reason,
                "voicemail_mailbox": self.voicemail_mailbox,
                "lookup_failures": self._lookup_failures,
            },
            legs=held.legs,
            bridge_id=held.bridge_id,
            recordings=held.recordings,
            playbacks=held.playbacks,
        )

    def mark_checkpoint(self) -> None:
        checkpointer = self.services.checkpointer
        if checkpointer is not None:
            checkpointer.mark(self.log.call_id, self.snapshot)

    def restore(self, checkpoint: CallCheckpoint, state: CallState) -> None:
        """Continue a call another controller (or this one, before a crash) was running."""
        self.resumed_from = checkpoint
        code = checkpoint.flow.get("department")
        self.department = self.services.directory.get(code) if code else None
        self.voicemail_reason = str(checkpoint.flow.get("voicemail_reason") or "")
        self.voicemail_mailbox = checkpoint.flow.get("voicemail_mailbox")
        self._lookup_failures = int(checkpoint.flow.get("lookup_failures") or 0)
        self.state = state
        self.step("resumed", state=checkpoint.state, to=state.value)

    def step(self, name: str, **details: object) -> None:
        self.log.step(self.services.clock.now(), name, **details)

    async def say(self, *texts: str) -> None:
        await self.session.play(await self.services.voice.media(*texts))

    async def ask(
        self,
        *texts: str,
        max_digits: int,
        stop_on: str = OPERATOR_KEY,
        first_timeout_s: float | None = None,
    ) -> str:
        media = await self.services.voice.media(*texts) if texts else []
        return await self.session.prompt_and_collect(
            media,
            max_digits=max_digits,
            first_timeout=self.profile.first_timeout_s
            if first_timeout_s is None
            else first_timeout_s,
            inter_timeout=self.profile.inter_digit_timeout_s,
            stop_on=stop_on,
        )

    async def run(self) -> None:
        """Drive the states until the call ends; always leaves a call record."""
        try:
            if self.resumed_from is not None:
                await self.session.stop_orphaned_playbacks(self.resumed_from.playbacks)
            while self.state is not CallState.ENDED:
                self.mark_checkpoint()
                reason, after = await self._handlers[self.state]()
                log_transition(self.session.channel_id, self.state, reason, after)
                self.step(self.state.value, to=after.value, why=reason)
                self.state = after
            await self.session.hang_up()
        except CallerHungUp:
            logger.info("%s: caller hung up in %s", self.session.channel_id, self.state.value)
            self.step("hangup", state=self.state.value)
        except Exception:
            logger.exception(
                "%s: call flow failed in %s", self.session.channel_id, self.state.value
            )
            if self.log.voicemail_recording is None:  # a message kept stays the outcome
                self.log.outcome = "failed"
            self.log.reason = f"error_in_{self.state.value}"
            with contextlib.suppress(AriFailure):  # Asterisk may be what failed
                await self.session.hang_up()
        finally:
            await self.session.settle()  # the quality recording's keep, in its log
            self.session.close()
            await self.services.recorder.save(self.log)
            if self.services.checkpointer is not None:
                self.services.checkpointer.forget(self.log.call_id)

    # -- states ---------------------------------------------------------------------------
    async def _greeting(self) -> tuple[str, CallState]:
        speech = self.services.speech
        keys = await self.ask(
            self.profile.catalog.greeting,
            max_digits=20,
            stop_on=OPERATOR_KEY + ORDER_KEY,
            # with speech on, listening starts as the prompt ends (a key still ends it)
            first_timeout_s=0.0 if speech is not None else None,
        )
        if not keys and speech is not None:
            return await self._listen(speech)
        return self._route_first_input(keys)

    async def _listen(self, speech: SpeechInput) -> tuple[str, CallState]:
        """The caller spoke (or keyed) after the greeting: route what was heard."""
        heard = await speech.listen(self.session)
        if self.session.has_digits():  # a key ended the listening: keys win
            return self._route_first_input(await self.ask(max_digits=20, stop_on="0*"))
        recognition, intent = heard.recognition, heard.intent
        if recognition is not None:
            self.step("speech", text=recognition.text, confidence=round(recognition.confidence, 2),
                      accepted=intent is not None)  # fmt: skip
        if intent is None:
            if recognition is None:
                return self._route_first_input("")
            keys = await self.ask(self.profile.catalog.text("key_initials"), max_digits=20)
            return self._route_first_input(keys)
        if intent.kind is IntentKind.EMERGENCY:
            return "said an emergency word", CallState.EMERGENCY
        if intent.kind is IntentKind.OPERATOR:
            return "asked for an operator", CallState.OPERATOR
        if intent.kind is IntentKind.VOICEMAIL:
            self.voicemail_reason = "caller_choice"
            return "asked to leave a message", CallState.VOICEMAIL
        self._pending_speech = intent
        return f"said {intent.text}", CallState.LOOKUP

    def _route_first_input(self, keys: str) -> tuple[str, CallState]:
        if keys == OPERATOR_KEY:
            return "key 0", CallState.OPERATOR
        if keys == ORDER_KEY:
            return "key *", CallState.ORDER_STATUS
        if keys == EMERGENCY_KEY:
            return "key 9", CallState.EMERGENCY
        if not keys:
            if self.profile.silence_to_operator:
                return "silence (intake)", CallState.OPERATOR
            return self._lookup_failed("silence")
        self._pending_keys = keys
        return f"keys {keys}", CallState.LOOKUP

    def _lookup_failed(self, why: str) -> tuple[str, CallState]:
        self._lookup_failures += 1
        if self._lookup_failures >= 2:
            return f"{why} twice", CallState.OPERATOR
        return why, CallState.LOOKUP

    async def _lookup(self) -> tuple[str, CallState]:
        keys, self._pending_keys = self._pending_keys, ""
        spoken, self._pending_speech = self._pending_speech, None
        if spoken is not None:
            return self._route_speech(spoken)
        if not keys:
            keys = await self.ask(self.profile.catalog.text("no_match"), max_digits=20)
            if keys == OPERATOR_KEY:
                return "key 0", CallState.OPERATOR
            if not keys:
                return self._lookup_failed("silence")
        result = self.services.directory.search_keys(keys, limit=self.profile.max_choices)
        self.step("lookup", keys=keys, results=[m.code for m in result.results])
        return self._route_result(result)

    def _route_speech(self, intent: Intent) -> tuple[str, CallState]:
        """Names the grammar knows go straight to their departments; other words are looked up."""
        directory = self.services.directory
        if intent.department_codes:
            found = [directory.get(code) for code in intent.department_codes]
            # The home city first, as the keypad ranks it: 公安局 said on 临江's line
            # means 临江市公安局, not a menu of every city's bureau.
            home = directory.home_city
            records = sorted((r for r in found if r is not None), key=lambda r: r.city != home)
            records = records[: self.profile.max_choices]
            self.step("lookup", said=intent.text, results=[r.code for r in records])
            at_home = [r for r in records if r.city == home]
            if len(at_home) == 1 and len(records) > 1:
                return self._select(at_home[0].code, "home city first")
            if len(records) == 1:
                return self._select(records[0].code, "one clear match")
            if records:
                self.candidates = [
                    Match(code=r.code, name=r.name, city=r.city, score=100.0, matched="speech")
                    for r in records
                ]
                return "several candidates", CallState.CHOOSE
        result = directory.search(intent.text, limit=self.profile.max_choices)
        self.step("lookup", said=intent.text, results=[m.code for m in result.results])
        return self._route_result(result)

    def _route_result(self, result: LookupResult) -> tuple[str, CallState]:
        if not result.results:
            return self._lookup_failed("no match")
        if len(result.results) == 1 or not result.ambiguous:
            return self._select(result.results[0].code, "one clear match")
        self.candidates = list(result.results[: self.profile.max_choices])
        return "several candidates", CallState.CHOOSE

    def _select(self, code: str, why: str) -> tuple[str, CallState]:
        self.department = self.services.directory.get(code)
        if self.department is None:
            return self._lookup_failed("department gone")
        self.log.department_code = code
        return why, CallState.ANNOUNCE

    async def _choose(self) -> tuple[str, CallState]:
        names = [m.name for m in self.candidates]
        for _attempt in range(2):
            key = await self.ask(self.profile.catalog.choices(names), max_digits=1)
            if key == OPERATOR_KEY:
                return "key 0", CallState.OPERATOR
            if key.isdigit() and 1 <= int(key) <= len(self.candidates):
                return self._select(self.candidates[int(key) - 1].code, f"chose {key}")
        return "no choice twice", CallState.OPERATOR

    async def _announce(self) -> tuple[str, CallState]:
        outcome = await announce(self, self._department())
        if outcome is AnnounceOutcome.OPERATOR:
            return "key 0", CallState.OPERATOR
        if outcome is AnnounceOutcome.NUMBER_ONLY:
            self.log.outcome = "info_given"
            await self.say(self.profile.catalog.text("goodbye"))
            return "number given", CallState.ENDED
        return "announced", CallState.TRANSFER

    async def _transfer(self) -> tuple[str, CallState]:
        reason = await transfer_to_liaison(self, self._department())
        if reason is None:
            await offer_survey(self, survey.TRANSFER)
            return "bridged call ended", CallState.ENDED
        self.voicemail_reason = reason
        self.voicemail_mailbox = self._department().code
        return reason, CallState.VOICEMAIL

    async def _voicemail(self) -> tuple[str, CallState]:
        if self.resumed_from is not None and await resume_unrecorded_voicemail(self):
            return "message kept", CallState.ENDED
        await leave_voicemail(self)
        if self.session.record_refused and self.log.outcome != "voicemail":
            # Asterisk would not record (its recording directory is missing): the caller
            # is still heard, by a person.
            self.step("recording_refused")
            await self.say(self.profile.catalog.text("recording_refused"))
            return "recording refused", CallState.OPERATOR
        if self.log.outcome == "voicemail":
            await offer_survey(self, survey.VOICEMAIL)
        return "message left", CallState.ENDED

    async def _operator(self) -> tuple[str, CallState]:
        self.step("operator")
        outcome = await self.services.operator.hand_off(self)
        if self.log.outcome != "transferred":  # the operator put the caller through
            self.log.outcome = outcome
        if outcome == "operator":
            await offer_survey(self, survey.OPERATOR)
        return f"operator {outcome}", CallState.ENDED

    async def _emergency(self) -> tuple[str, CallState]:
        self.log.outcome = "emergency_referral"
        await self.say(self.profile.catalog.text("emergency"))
        return "referred", CallState.ENDED

    async def _order_status(self) -> tuple[str, CallState]:
        number = await self.ask(
            self.profile.catalog.text("order_number"), max_digits=16, stop_on=""
        )
        if not number:
            return self._lookup_failed("no order number")
        answer = await self.services.orders.progress(
            order_number=number, caller_number=self.log.caller_number
        )
        self.step("order_status", order=number, found=answer.found, disclosed=answer.disclosed)
        self.log.outcome = "info_given"
        self.log.reason = "order_status"
        await self.say(answer.text, self.profile.catalog.text("goodbye"))
        return "progress read", CallState.ENDED

    async def _resume_bridge(self) -> tuple[str, CallState]:
        assert self.resumed_from is not None
        await resume_bridge(self, self.resumed_from)
        return "bridged call ended", CallState.ENDED

    async def _resume_recording(self) -> tuple[str, CallState]:
        assert self.resumed_from is not None
        await resume_recording(self, self.resumed_from)
        return "message kept", CallState.ENDED

    def _department(self) -> DepartmentRecord:
        if self.department is None:
            raise RuntimeError("no department chosen")
        return self.department
