"""Pinyin keys for the department matcher: toneless syllables, fuzzy sounds, initials, keypad.

Speech recognisers and callers get tones, retroflexes (zh/z) and nasal endings (in/ing)
wrong, so the matcher compares *fuzzy* toneless syllables: two department names that a
caller would say alike get the same key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

# Phone keypad letters (ITU E.161).
_KEYPAD = {
    letter: digit
    for digit, letters in {
        "2": "abc",
        "3": "def",
        "4": "ghi",
        "5": "jkl",
        "6": "mno",
        "7": "pqrs",
        "8": "tuv",
        "9": "wxyz",
    }.items()
    for letter in letters
}

# Confusions callers and recognisers make; both sides of a comparison get the same mapping.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))

_LATIN_RUN = re.compile(r"[a-z]+")


def syllables(text: str) -> list[str]:
    """Toneless pinyin of each Chinese character; other runs come back as they are."""
    return lazy_pinyin(text, style=Style.NORMAL)


def fuzzy_syllable(syllable: str) -> str:
    """Map a toneless syllable to its fuzzy-sound key (zh→z, n→l, ing→in, ...)."""
    for sound, key in _FUZZY_INITIALS:
        # "ng" alone is not an initial n.
        if syllable.startswith(sound) and syllable != "ng":
            syllable = key + syllable[len(sound) :]
            break
    for sound, key in _FUZZY_FINALS:
        if syllable.endswith(sound):
            return syllable[: -len(sound)] + key
    return syllable


def fuzzy_key(parts: Sequence[str]) -> str:
    """The fuzzy toneless pinyin of a syllable list, joined without separators."""
    return "".join(fuzzy_syllable(part) for part in parts)


def initials(parts: Sequence[str]) -> str:
    """First letter of each syllable: 公安局 → "gaj" (zh counts as z, as on a keypad)."""
    return "".join(part[0] for part in parts if part)


def keypad_digits(letters: str) -> str:
    """Phone-keypad digits of latin letters; other characters are dropped."""
    return "".join(_KEYPAD[letter] for letter in letters if letter in _KEYPAD)


def all_syllables() -> frozenset[str]:
    """Every toneless Mandarin syllable pypinyin knows, without the vowel-less interjections."""
    # Tens of thousands of characters share about 1,500 toned readings: convert each once.
    readings = {reading for joined in pinyin_dict.values() for reading in joined.split(",")}
    found: set[str] = set()
    for reading in readings:
        plain = to_normal(reading)
        if plain.isascii() and plain.isalpha() and any(v in plain for v in "aeiouv"):
            found.add(plain)
    return frozenset(found)


class KnownReadings:
    """Toneless syllables of the characters of a directory, as pypinyin read them there.

    pypinyin costs tens of microseconds a query. A character that the directory only ever
    reads one way, and that way is also the character's default reading, reads the same
    in a query: a query made only of such characters needs no call to pypinyin.
    """

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {}
        self._known: dict[str, str] = {}
        self._ambiguous: set[str] = set()

    def learn(self, text: str, parts: Sequence[str]) -> None:
        """Record how one directory text was read (texts not one syllable a character: skipped)."""
        if len(parts) == len(text):
            for char, part in zip(text, parts, strict=True):
                self._seen.setdefault(char, set()).add(part)

    def freeze(self) -> None:
        """Keep the characters read one way only, the default way."""
        for char, readings in self._seen.items():
            default = pinyin_dict.get(ord(char))
            if len(readings) == 1 and default is not None:
                (reading,) = readings
                if to_normal(default.split(",")[0]) == reading:
                    self._known[char] = reading
        self._seen = {}

    def read(self, text: str) -> list[str] | None:
        """The syllables of the text if every character is known, else None.

        A character the directory lacks (据 for 局, from speech) is known too when every
        reading pypinyin has for it sounds the same.
        """
        known = self._known
        if all(char in known or self._learn_single(char) for char in text):
            return [known[char] for char in text]
        return None

    def _learn_single(self, char: str) -> bool:
        if char in self._ambiguous:
            return False
        readings = pinyin_dict.get(ord(char))
        plain = {to_normal(reading) for reading in readings.split(",")} if readings else set()
        if len(plain) != 1:
            self._ambiguous.add(char)
            return False
        self._known[char] = plain.pop()
        return True


class PinyinSegmenter:
    """Splits typed pinyin such as "gongjijin" into syllables (gong ji jin)."""

    def __init__(self, known: Iterable[str]) -> None:
        self._known = frozenset(known)
        self._longest = max((len(s) for s in self._known), default=0)

    def split(self, text: str) -> list[str] | None:
        """Syllables of a latin string (tone digits and spaces allowed), or None if not pinyin."""
        result: list[str] = []
        for run in _LATIN_RUN.findall(text):
            parts = self._split_run(run)
            if parts is None:
                return None
            result.extend(parts)
        return result or None

    def _split_run(self, run: str) -> list[str] | None:
        # Fewest syllables wins ("xian" stays one syllable); ties keep the longer first part.
        size = len(run)
        best: list[list[str] | None] = [None] * (size + 1)
        best[size] = []
        for start in range(size - 1, -1, -1):
            for end in range(min(size, start + self._longest), start, -1):
                rest = best[end]
                piece = run[start:end]
                if rest is None or piece not in self._known:
                    continue
                current = best[start]
                if current is None or len(rest) + 1 < len(current):
                    best[start] = [piece, *rest]
        return best[0]


class SyllableCoder:
    """Writes each fuzzy syllable as one private-use character, so that rapidfuzz compares
    syllables rather than letters (公积全 is then two thirds of 公积金, not of 公交).

    Also the fuzzy key of every known syllable, looked up rather than recomputed: building
    an index asks for it a few hundred thousand times.
    """

    _FIRST_CODE = 0xE000

    def __init__(self, known: Iterable[str]) -> None:
        self._fuzzy = {syllable: fuzzy_syllable(syllable) for syllable in known}
        keys = sorted(set(self._fuzzy.values()))
        self._codes = {key: chr(self._FIRST_CODE + i) for i, key in enumerate(keys)}
        self._syllable_codes = {s: self._codes[key] for s, key in self._fuzzy.items()}

    def fuzzy(self, syllable: str) -> str:
        """fuzzy_syllable(syllable), from the table when the syllable is a known one."""
        known = self._fuzzy.get(syllable)
        return fuzzy_syllable(syllable) if known is None else known

    def fuzzy_key(self, parts: Sequence[str]) -> str:
        """fuzzy_key(parts), from the table."""
        return "".join([self.fuzzy(part) for part in parts])

    def encode(self, parts: Sequence[str]) -> str:
        """One character per syllable; anything not a syllable keeps its own letters."""
        known = self._syllable_codes
        codes = self._codes
        return "".join([known.get(part) or codes.get(fuzzy_syllable(part), part) for part in parts])
