"""What the caller may say at the department prompt: a Vosk grammar built from the directory.

A Vosk grammar is a list of phrases, each a sequence of words of the model's vocabulary;
the decoder loops over them, so "临江市 公安局" is recognised as a city phrase followed by a
department phrase without listing every combination. Chinese names are not words of the
model as written, so each phrase is cut into vocabulary words (longest match first); a
phrase that cannot be cut is left out and reported in `dropped` rather than handed to
Vosk, which would drop its unknown words silently and distort the phrase.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

# The garbage word: lets out-of-grammar speech come out as "[unk]" instead of being
# forced onto the nearest department name.
UNKNOWN_WORD = "[unk]"
# Administrative suffixes callers often leave out: "临江市" is also said "临江".
_CITY_SUFFIXES = ("市", "区", "县", "州", "盟")
# Longest vocabulary word tried when cutting unspaced text (Mandarin words are short).
_MAX_WORD_CHARS = 8

Vocabulary = Callable[[str], bool]


class GrammarTarget(Protocol):
    """The fields of `directory.MatchTarget` the grammar reads."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def city(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CommandWords:
    """Phrases that are commands rather than departments, per intent."""

    operator: tuple[str, ...]
    voicemail: tuple[str, ...]
    emergency: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        return (*self.emergency, *self.operator, *self.voicemail)


MANDARIN_COMMANDS = CommandWords(
    operator=("人工", "转人工", "人工服务", "接线员"),
    voicemail=("留言",),
    emergency=("着火", "救命", "车祸", "报警", "急救"),
)


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def join_words(words: Iterable[str]) -> str:
    """Recognised words as text: no space between Han words, a space elsewhere."""
    text = ""
    for word in words:
        if text and not (is_han(text[-1]) and is_han(word[0])):
            text += " "
        text += word
    return text


def compact(text: str) -> str:
    """Text without spaces, for matching phrases however the decoder cut them."""
    return "".join(text.split())


def _cut(token: str, known: Vocabulary) -> list[str] | None:
    """Cut unspaced text into vocabulary words, fewest words first; None if impossible."""
    if known(token):
        return [token]
    best: list[list[str] | None] = [None] * (len(token) + 1)
    best[0] = []
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - _MAX_WORD_CHARS), end):
            head = best[start]
            if head is None or not known(token[start:end]):
                continue
            if best[end] is None or len(head) + 1 < len(best[end] or ()):
                best[end] = [*head, token[start:end]]
    return best[len(token)]


def vocabulary_phrase(phrase: str, known: Vocabulary | None) -> str | None:
    """The phrase as space-separated vocabulary words, or None if some part is unknown."""
    if known is None:
        return " ".join(phrase.split()) or None
    words: list[str] = []
    for token in phrase.split():
        cut = _cut(token, known)
        if cut is None:
            return None
        words.extend(cut)
    return " ".join(words) or None


def city_forms(city: str) -> list[str]:
    forms = [city]
    for suffix in _CITY_SUFFIXES:
        if city.endswith(suffix) and len(city) > len(suffix) + 1:
            forms.append(city[: -len(suffix)])
    return forms


class SpeechGrammar:
    """Department names, aliases, city names and command words as a Vosk grammar.

    `rebuild` replaces the contents when the directory changes; it only cuts strings
    (no model work), so it is cheap enough to run on every directory import. Each
    recognition reads `json` once when it starts, so a rebuild never changes the grammar
    under a recognition in progress.
    """

    def __init__(
        self,
        targets: Iterable[GrammarTarget] = (),
        *,
        commands: CommandWords = MANDARIN_COMMANDS,
        cities: Iterable[str] = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.commands = commands
        self._known = vocabulary
        self.phrases: tuple[str, ...] = ()
        self.dropped: tuple[str, ...] = ()
        self.json = "[]"
        self.version = 0
        self._codes: dict[str, tuple[str, ...]] = {}
        self.rebuild(targets, cities=cities)

    def rebuild(self, targets: Iterable[GrammarTarget], *, cities: Iterable[str] = ()) -> None:
        """Replace the directory part of the grammar (commands stay)."""
        codes: dict[str, list[str]] = {}
        spoken: dict[str, None] = {}  # ordered set: phrases as the caller says them
        for target in targets:
            for phrase in (target.name, *target.aliases):
                if phrase.strip():
                    spoken[phrase] = None
                    codes.setdefault(compact(phrase), []).append(target.code)
            for form in city_forms(target.city) if target.city else ():
                spoken[form] = None
        for city in cities:
            spoken.update(dict.fromkeys(city_forms(city)))
        spoken.update(dict.fromkeys(self.commands.all()))
        phrases: dict[str, None] = {}
        dropped: list[str] = []
        for phrase in spoken:
            words = vocabulary_phrase(phrase, self._known)
            if words is None:
                dropped.append(phrase)
            else:
                phrases[words] = None
        if self._known is None or self._known(UNKNOWN_WORD):
            phrases[UNKNOWN_WORD] = None
        if dropped:
            logger.warning(
                "speech grammar: %d phrase(s) not in the model's vocabulary, e.g. %s",
                len(dropped),
                ", ".join(dropped[:5]),
            )
        self.phrases = tuple(phrases)
        self.dropped = tuple(dropped)
        self._codes = {key: tuple(dict.fromkeys(found)) for key, found in codes.items()}
        self.json = json.dumps(self.phrases, ensure_ascii=False)
        self.version += 1

    def departments_in(self, text: str) -> tuple[str, ...]:
        """Codes of departments whose whole name or alias occurs in recognised text."""
        flat = compact(text)
        found: dict[str, None] = {}
        for key in sorted(self._codes, key=len, reverse=True):
            if key and key in flat:
                found.update(dict.fromkeys(self._codes[key]))
                flat = flat.replace(key, " ")
        return tuple(found)
