"""Department lookup for the IVR and the desk: fuzzy, pinyin, homophone and keypad matching.

The lead feeds rows in as MatchTarget values; DirectoryIndex.build precomputes every key
(pinyin, fuzzy sounds, initials, keypad digits, n-gram postings) so that a search only
normalises the query, picks a short list from the n-gram index and rescores it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import opencc
from rapidfuzz import fuzz

from directory._match_english import EnglishNames
from directory._match_grams import GramIndex
from directory._match_keypad import KeypadIndex
from directory._match_surfaces import build_surfaces, surface_cities
from directory._match_text import city_forms, has_han, normalise, spaced, without_cities
from directory._match_types import LookupResult, Match, MatchTarget
from directory.pinyin_keys import (
    PinyinSegmenter,
    SyllableCoder,
    all_syllables,
    fuzzy_syllable,
    syllables,
)

__all__ = ["DirectoryIndex", "LookupResult", "Match", "MatchTarget"]

# A homophone is good evidence but not as good as the characters themselves.
_HOMOPHONE_WEIGHT = 0.9
_INITIALS_WEIGHT = 0.95
# Other cities' departments lose this much: a little when the caller named no city (the
# home city wins ties), a lot when they named one (it should win even on a weaker match).
_HOME_CITY_LEAD = 8.0
_NAMED_CITY_LEAD = 20.0
_KEYPAD_ALIAS_GAP = 10.0
# Closer than this and the IVR asks the caller to choose.
_AMBIGUITY_MARGIN = 5.0
_MIN_SCORE = 50.0
_SHORT_LIST = 48
_SHORT_INITIALS = 4
_DISTRICT_MARKS = frozenset({"区", "县"})


def similarity(query: str, text: str) -> float:
    """0..100: how well a query matches one surface, rewarding containment both ways."""
    if query == text:
        return 100.0
    score = fuzz.ratio(query, text)
    if query in text:
        score = max(score, 80.0 + 20.0 * len(query) / len(text))
    elif len(text) >= 2 and text in query:
        score = max(score, 60.0 + 30.0 * len(text) / len(query))
    return score


def initials_similarity(query: str, text: str) -> float:
    """0..100 for typed initials: only whole or leading initials count as containment."""
    if query == text:
        return 100.0
    if text.startswith(query):
        return 70.0 + 20.0 * len(query) / len(text)
    return 0.9 * fuzz.ratio(query, text)


class DirectoryIndex:
    """In-memory index over departments; build it once, search it per call."""

    def __init__(
        self, targets: Sequence[MatchTarget], *, home_city: str, cities: Iterable[str]
    ) -> None:
        self._targets = tuple(targets)
        self._to_simplified = opencc.OpenCC("t2s").convert
        known = all_syllables()
        self._segmenter = PinyinSegmenter(known)
        self._coder = SyllableCoder(known)
        # Per-instance cache: pypinyin costs tens of microseconds per query.
        self._syllables = lru_cache(maxsize=8192)(syllables)
        city_names = list(dict.fromkeys([home_city, *cities, *(t.city for t in self._targets)]))
        self._city_names = city_names
        self._city_ids = {name: i for i, name in enumerate(city_names)}
        self._home = self._city_ids[home_city]
        self._city_han = sorted(
            ((form, i) for name, i in self._city_ids.items() for form in city_forms(name)),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._city_sounds = sorted(
            (
                (tuple(fuzzy_syllable(s) for s in self._syllables(form)), i)
                for form, i in self._city_han
            ),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._dept_city = np.asarray(
            [self._city_ids[t.city] for t in self._targets], dtype=np.int32
        )
        self._table, keys = build_surfaces(
            self._targets,
            to_simplified=self._to_simplified,
            syllabify=self._syllables,
            encode=self._coder.encode,
        )
        cities_of = surface_cities(self._table, self._dept_city)
        self._pinyin_grams = GramIndex(self._table.pinyin, cities_of, size=3)
        self._initials_grams = GramIndex(self._table.initials, cities_of, size=2)
        self._english = EnglishNames(
            [spaced(t.name_en, self._to_simplified) for t in self._targets], self._dept_city
        )
        self._keypad = KeypadIndex(keys)

    @classmethod
    def build(
        cls, targets: Iterable[MatchTarget], *, home_city: str, cities: Iterable[str] = ()
    ) -> DirectoryIndex:
        """Precompute all keys for these departments; `cities` adds names to recognise."""
        return cls(list(targets), home_city=home_city, cities=cities)

    def __len__(self) -> int:
        return len(self._targets)

    def search(self, query: str, *, city: str | None = None, limit: int = 5) -> LookupResult:
        """Rank departments for what a caller said or typed."""
        text = normalise(query, self._to_simplified)
        if not text or limit <= 0:
            return LookupResult(query, False, ())
        if text.isdigit():
            return self.search_keys(text, city=city, limit=limit)
        if has_han(text):
            named, rest = self._city_in_han(text)
            found = self._score_han(rest, self._preferred(named, city))
        else:
            named, found = self._score_latin(query, city)
        preferred = self._preferred(named, city)
        return self._ranked(query, found, preferred, named is not None or city is not None, limit)

    def search_keys(self, digits: str, *, city: str | None = None, limit: int = 5) -> LookupResult:
        """Rank departments whose pinyin initials key to these keypad digits."""
        keyed = "".join(ch for ch in normalise(digits, self._to_simplified) if ch.isdigit())
        preferred = self._preferred(None, city)
        lead = _NAMED_CITY_LEAD if city is not None else _HOME_CITY_LEAD
        entries = []
        for tier, dept, label in self._keypad.lookup(keyed):
            elsewhere = int(self._dept_city[dept]) != preferred
            score = 100.0 - _KEYPAD_ALIAS_GAP * tier - (lead if elsewhere else 0.0)
            name = self._targets[dept].name
            entries.append(
                (tier, elsewhere, len(name), self._targets[dept].code, score, dept, label)
            )
        entries.sort()
        results = tuple(
            self._match(dept, score, label) for *_, score, dept, label in entries[:limit]
        )
        ambiguous = len(results) > 1 and results[0].score == results[1].score
        return LookupResult(digits, ambiguous, results)

    def _preferred(self, named: int | None, city: str | None) -> int:
        if named is not None:
            return named
        if city is not None:
            return self._city_ids.get(city, self._city_by_form(city))
        return self._home

    def _city_by_form(self, city: str) -> int:
        wanted = normalise(city, self._to_simplified)
        for form, city_id in self._city_han:
            if form == wanted:
                return city_id
        return self._home

    def _city_in_han(self, text: str) -> tuple[int | None, str]:
        for form, city_id in self._city_han:
            at = text.find(form)
            # 朝阳区 names a district, not 朝阳市: a bare city form followed by 区/县 is kept.
            if at < 0 or text[at + len(form) : at + len(form) + 1] in _DISTRICT_MARKS:
                continue
            rest = without_cities(text, city_forms(self._city_names[city_id]))
            if rest:
                return city_id, rest
        return None, text

    def _city_in_sounds(self, parts: list[str]) -> tuple[int | None, list[str]]:
        sounds = [fuzzy_syllable(p) for p in parts]
        for city_sounds, city_id in self._city_sounds:
            size = len(city_sounds)
            # The city alone is the whole query then, not a qualifier: leave it be.
            if len(sounds) <= size:
                continue
            for start in range(len(sounds) - size + 1):
                if tuple(sounds[start : start + size]) == city_sounds:
                    return city_id, parts[:start] + parts[start + size :]
        return None, parts

    def _score_han(self, han: str, preferred: int) -> dict[int, tuple[float, str]]:
        parts = self._syllables(han)
        letters = "".join(fuzzy_syllable(s) for s in parts)
        sounds = self._coder.encode(parts)
        found: dict[int, tuple[float, str]] = {}
        table = self._table
        for sid in self._pinyin_grams.candidates(
            letters, preferred_city=preferred, limit=_SHORT_LIST
        ):
            weight = table.weight[sid]
            by_han = similarity(han, table.han[sid]) * weight
            by_sound = self._sound_score(letters, sounds, sid) * weight * _HOMOPHONE_WEIGHT
            label = table.label[sid] if by_han >= by_sound else "pinyin"
            _keep_best(found, table.owner[sid], max(by_han, by_sound), label)
        return found

    def _sound_score(self, letters: str, sounds: str, sid: int) -> float:
        # Letters forgive near-homophones the fuzzy keys miss; syllables keep a wrong
        # character from counting as half a match.
        by_letters = similarity(letters, self._table.pinyin[sid])
        if not sounds:
            return by_letters
        return (by_letters + similarity(sounds, self._table.sounds[sid])) / 2.0

    def _score_latin(
        self, query: str, city: str | None
    ) -> tuple[int | None, dict[int, tuple[float, str]]]:
        words = spaced(query, self._to_simplified)
        letters = "".join(ch for ch in words if ch.isalpha())
        found: dict[int, tuple[float, str]] = {}
        if not letters:
            return None, found
        parts = self._segmenter.split(words)
        named: int | None = None
        if parts is not None:
            named, parts = self._city_in_sounds(parts)
        preferred = self._preferred(named, city)
        table = self._table
        # Unsegmentable single words may be mistyped pinyin; several such words are English.
        if parts is not None or " " not in words:
            sound = "".join(fuzzy_syllable(p) for p in parts) if parts else letters
            sounds = self._coder.encode(parts) if parts else ""
            for sid in self._pinyin_grams.candidates(
                sound, preferred_city=preferred, limit=_SHORT_LIST
            ):
                score = self._sound_score(sound, sounds, sid) * table.weight[sid]
                _keep_best(found, table.owner[sid], score, "pinyin")
        # Initials are short and rarely spell pinyin; English words rarely do either.
        if parts is None or len(letters) <= _SHORT_INITIALS:
            for sid in self._initials_grams.candidates(
                letters, preferred_city=preferred, limit=_SHORT_LIST
            ):
                score = initials_similarity(letters, table.initials[sid]) * table.weight[sid]
                _keep_best(found, table.owner[sid], score * _INITIALS_WEIGHT, "initials")
        if parts is None:
            for dept, score in self._english.search(
                words, preferred_city=preferred, limit=_SHORT_LIST
            ):
                _keep_best(found, dept, score, "name_en")
        return named, found

    def _ranked(
        self,
        query: str,
        found: dict[int, tuple[float, str]],
        preferred: int,
        city_given: bool,
        limit: int,
    ) -> LookupResult:
        lead = _NAMED_CITY_LEAD if city_given else _HOME_CITY_LEAD
        ranked = []
        for dept, (score, label) in found.items():
            elsewhere = int(self._dept_city[dept]) != preferred
            final = max(0.0, score - (lead if elsewhere else 0.0))
            if final >= _MIN_SCORE:
                target = self._targets[dept]
                ranked.append((-final, elsewhere, len(target.name), target.code, dept, label))
        ranked.sort()
        results = tuple(
            self._match(dept, -neg, label) for neg, _, _, _, dept, label in ranked[:limit]
        )
        ambiguous = len(results) > 1 and results[0].score - results[1].score < _AMBIGUITY_MARGIN
        return LookupResult(query, ambiguous, results)

    def _match(self, dept: int, score: float, label: str) -> Match:
        target = self._targets[dept]
        return Match(target.code, target.name, target.city, round(score, 1), label)


def _keep_best(found: dict[int, tuple[float, str]], dept: int, score: float, label: str) -> None:
    current = found.get(dept)
    if current is None or score > current[0]:
        found[dept] = (score, label)
