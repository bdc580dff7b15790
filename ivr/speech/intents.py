"""What a caller's words ask for: a human operator, voicemail, an emergency, or a department.

The router only classifies; a department request carries the recognised text, which the
IVR sends through `DirectoryService.search` so that homophones and near misses still
land on the right department, plus the codes of any department whose full name or alias
was heard (exact grammar phrases, the strongest evidence there is).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ivr.speech.grammar import SpeechGrammar, compact
from ivr.speech.recognizer import Recognition


class IntentKind(enum.StrEnum):
    OPERATOR = "operator"
    VOICEMAIL = "voicemail"
    EMERGENCY = "emergency"
    LOOKUP = "lookup"


@dataclass(frozen=True, slots=True)
class Intent:
    """One classified request; `text` is what to look up (LOOKUP) or the words heard."""

    kind: IntentKind
    text: str = ""
    department_codes: tuple[str, ...] = ()

    @classmethod
    def operator(cls, text: str = "") -> Intent:
        return cls(IntentKind.OPERATOR, text)

    @classmethod
    def voicemail(cls, text: str = "") -> Intent:
        return cls(IntentKind.VOICEMAIL, text)

    @classmethod
    def emergency(cls, text: str = "") -> Intent:
        return cls(IntentKind.EMERGENCY, text)

    @classmethod
    def lookup(cls, text: str, department_codes: tuple[str, ...] = ()) -> Intent:
        return cls(IntentKind.LOOKUP, text, department_codes)


class SpeechRouter:
    """Maps accepted recognitions to intents using the grammar's command words."""

    def __init__(self, grammar: SpeechGrammar) -> None:
        self._grammar = grammar

    def route(self, recognition: Recognition) -> Intent | None:
        """The caller's intent, or None when the recognition was not accepted (use the keypad).

        Emergencies win over everything (a caller shouting "救命 公安局" needs help first),
        then a human, then voicemail; anything else is a department lookup.
        """
        if not recognition.accepted or not recognition.text:
            return None
        commands = self._grammar.commands
        heard = compact(recognition.text)
        for kind, phrases in (
            (IntentKind.EMERGENCY, commands.emergency),
            (IntentKind.OPERATOR, commands.operator),
            (IntentKind.VOICEMAIL, commands.voicemail),
        ):
            if any(compact(phrase) in heard for phrase in phrases if compact(phrase)):
                return Intent(kind, recognition.text)
        text = recognition.text
        return Intent.lookup(text, self._grammar.departments_in(text))
