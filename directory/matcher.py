"""Department lookup for the IVR and the desk: fuzzy, pinyin, homophone and keypad matching.

The lead feeds rows in as MatchTarget values; DirectoryIndex.build precomputes every key
(pinyin, fuzzy sounds, initials, keypad digits, n-gram postings) so that a search only
normalises the query, picks short lists from the n-gram indexes and rescores them.

A search looks at the caller's city first (named in the query, given by the line, or the
home city): every surface of that city sharing the query's grams is ranked by how much of
the query it holds, and the best are scored. Each scored text also stands for the same
name in other cities, which only follow after a lead. The rest of the directory is
searched only when the city's answers leave room for a name the city does not have.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import opencc

from directory._match_cities import CityNames
from directory._match_english import EnglishNames, english_words
from directory._match_grams import NO_IDS, BoolArray, FloatArray, GramIndex, IntArray, city_runs
from directory._match_keypad import KeypadIndex
from directory._match_scores import initials_similarities, similarities
from directory._match_search import Carriers, Departments, Scorer, Search
from directory._match_spread import Spread
from directory._match_surfaces import build_surfaces
from directory._match_text import has_han, normalise, spaced
from directory._match_types import LookupResult, Match, MatchTarget
from directory.pinyin_keys import (
    KnownReadings,
    PinyinSegmenter,
    SyllableCoder,
    all_syllables,
    syllables,
)

__all__ = ["DirectoryIndex", "LookupResult", "Match", "MatchTarget"]


class Candidates(Protocol):
    """An index that picks short lists: of one city's carriers, or of distinct texts."""

    def in_city(self, text: str, *, city: int, limit: int) -> IntArray: ...

    def anywhere(self, text: str, *, limit: int) -> IntArray: ...


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
# Candidates per way of matching from the caller's city; texts from everywhere when the
# city has no strong answer, and when it has but too few to fill the list.
_CITY_LIST = 32
_REST_LIST = 16
_FILL_LIST = 4
_SHORT_INITIALS = 4
# 0.9 × 0.95 × ratio >= 50 needs ratio >= 58.5, so initials at least 0.41 of the query's
# length: a query over 2.42 times the longest initials cannot match any.
_INITIALS_REACH = 2.42

PINYIN, INITIALS, NAME_EN = 0, 1, 2
_FIXED_LABELS = ("pinyin", "initials", "name_en")


class DirectoryIndex:
    """In-memory index over departments; build it once, search it per call."""

    def __init__(
        self, targets: Sequence[MatchTarget], *, home_city: str, cities: Iterable[str]
    ) -> None:
        self._to_simplified = opencc.OpenCC("t2s").convert
        known = all_syllables()
        self._segmenter = PinyinSegmenter(known)
        self._coder = SyllableCoder(known)
        # Per-instance caches: pypinyin costs tens of microseconds per query.
        self._syllables = lru_cache(maxsize=8192)(syllables)
        self._readings = KnownReadings()
        self._split = lru_cache(maxsize=4096)(self._segmenter.split)
        self._cities = CityNames(
            [home_city, *cities, *(t.city for t in targets)],
            syllabify=self._syllables,
            to_simplified=self._to_simplified,
        )
        city_ids = self._cities.ids
        self._home = city_ids[home_city]
        city_count = len(self._cities.names)
        # City order (stable): one city's departments, and so its surfaces, are one run.
        self._targets = tuple(sorted(targets, key=lambda t: city_ids[t.city]))
        count = len(self._targets)
        self._dept_city = np.asarray([city_ids[t.city] for t in self._targets], dtype=np.int32)
        # The ranking's order among equal scores: shorter name, then code.
        by_rank = sorted(
            range(count), key=lambda i: (len(self._targets[i].name), self._targets[i].code)
        )
        department_rank = _ranks(np.asarray(by_rank, dtype=np.int32))
        self._departments = Departments(city=self._dept_city, rank=department_rank)

        self._table, keys = build_surfaces(
            self._targets,
            to_simplified=self._to_simplified,
            syllabify=self._syllables,
            readings=self._readings,
            fuzzy_key=self._coder.fuzzy_key,
            encode=self._coder.encode,
        )
        table = self._table
        self._labels = list(dict.fromkeys([*_FIXED_LABELS, *table.label]))
        label_ids = {label: i for i, label in enumerate(self._labels)}
        surface_city = self._dept_city[table.owner] if len(table) else table.owner
        self._surface_runs = city_runs(surface_city, city_count)
        self._surfaces = Carriers(
            text_of=table.text_of,
            owner=table.owner,
            weight=table.weight,
            label=np.asarray([label_ids[x] for x in table.label], dtype=np.int32),
            spread=Spread(
                table.text_of,
                _ranks(np.lexsort((department_rank[table.owner], -table.weight))),
                len(table.text_han),
            ),
        )
        # Chinese queries: syllables and characters both, so that a homophone (公安据)
        # and a character read another way than in the name (行 of 银行) each still share
        # most grams with the name.
        self._han_grams = GramIndex(
            [_han_key(sounds, han) for sounds, han in zip(table.sounds, table.han, strict=True)],
            size=2,
            cities=surface_city,
            city_count=city_count,
        )
        self._pinyin_grams = GramIndex(
            table.pinyin, size=3, cities=surface_city, city_count=city_count
        )
        self._initials_grams = GramIndex(
            table.initials, size=2, cities=surface_city, city_count=city_count
        )
        self._han_texts = GramIndex(
            [
                _han_key(sounds, han)
                for sounds, han in zip(table.text_sounds, table.text_han, strict=True)
            ],
            size=2,
        )
        self._pinyin_texts = GramIndex(table.text_pinyin, size=3)
        self._initials_texts = GramIndex(table.text_initials, size=2)
        self._english = EnglishNames(
            [spaced(t.name_en, self._to_simplified) for t in self._targets],
            self._dept_city,
            city_count=city_count,
        )
        self._english_carriers = Carriers(
            text_of=self._english.name_of,
            owner=np.arange(count, dtype=np.int32),
            weight=np.ones(count),
            label=np.full(count, NAME_EN, dtype=np.int32),
            spread=Spread(self._english.name_of, department_rank, self._english.name_count),
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
            named, rest = self._cities.in_han(text)
            search = self._search(named, city, limit)
            self._search_han(search, rest)
        else:
            named, parts = self._latin_parts(query)
            search = self._search(named, city, limit)
            self._search_latin(search, query, parts)
        return self._ranked(query, search, limit)

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
            return self._cities.find(city, default=self._home)
        return self._home

    def _search(self, named: int | None, city: str | None, limit: int) -> Search:
        named_one = named is not None or city is not None
        return Search(
            self._departments,
            preferred=self._preferred(named, city),
            lead=_NAMED_CITY_LEAD if named_one else _HOME_CITY_LEAD,
            limit=limit,
        )

    def _search_han(self, search: Search, han: str) -> None:
        parts = self._readings.read(han) or self._syllables(han)
        letters = self._coder.fuzzy_key(parts)
        sounds = self._coder.encode(parts)

        def score(texts: IntArray) -> tuple[FloatArray, BoolArray | None]:
            table = self._table
            tids = texts.tolist()
            by_han = similarities(han, [table.text_han[i] for i in tids])
            by_sound = self._sound_scores(letters, sounds, tids) * _HOMOPHONE_WEIGHT
            # Both sides carry the same weight: which one wins is the text's own affair.
            return np.maximum(by_han, by_sound), by_han >= by_sound

        city = search.preferred
        # A surface found both ways is scored twice: cheaper than making the list unique.
        # In id order, so that among a department's equal scores its best label wins.
        in_city = np.sort(
            np.concatenate(
                (
                    self._han_grams.in_city(_han_key(sounds, han), city=city, limit=_CITY_LIST),
                    self._named_in(han, city),
                )
            )
        )
        search.add_city(self._surfaces, in_city, score, PINYIN)
        rest = search.rest_needed(weak=_REST_LIST, short=_FILL_LIST)
        if rest:
            texts = self._han_texts.anywhere(_han_key(sounds, han), limit=rest)
            search.add_texts(self._surfaces, texts, score, PINYIN)

    def _named_in(self, han: str, city: int) -> IntArray:
        """Surfaces of the city whose whole text is in the query (公安 in 我找公安局)."""
        table = self._table
        start, end = int(self._surface_runs[city]), int(self._surface_runs[city + 1])
        hits: list[int] = []
        for size in range(min(2, len(han)), min(len(han), table.longest_han) + 1):
            for at in range(len(han) - size + 1):
                sids = table.by_han.get(han[at : at + size])
                if sids is not None:
                    hits += sids[bisect.bisect_left(sids, start) : bisect.bisect_left(sids, end)]
        return np.asarray(hits, dtype=np.int32) if hits else NO_IDS

    def _sound_scores(self, letters: str, sounds: str, tids: list[int]) -> FloatArray:
        """Sound scores of these texts."""
        # Letters forgive near-homophones the fuzzy keys miss; syllables keep a wrong
        # character from counting as half a match.
        table = self._table
        by_letters = similarities(letters, [table.text_pinyin[i] for i in tids])
        if not sounds:
            return by_letters
        by_sounds = similarities(sounds, [table.text_sounds[i] for i in tids])
        return (by_letters + by_sounds) / 2.0

    def _latin_parts(self, query: str) -> tuple[int | None, list[str] | None]:
        """The city typed pinyin names, and the syllables without it (None: not pinyin)."""
        parts = self._split(spaced(query, self._to_simplified))
        if parts is None:
            return None, None
        return self._cities.in_sounds(list(parts))

    def _search_latin(self, search: Search, query: str, parts: list[str] | None) -> None:
        words = spaced(query, self._to_simplified)
        letters = "".join(ch for ch in words if ch.isalpha())
        if not letters:
            return
        # Each way: carriers, city index, text index, query key, scorer, label.
        ways: list[tuple[Carriers, Candidates, Candidates, str, Scorer, int]] = []
        # Unsegmentable single words may be mistyped pinyin; several such words are English.
        if parts is not None or " " not in words:
            sound = self._coder.fuzzy_key(parts) if parts else letters
            sounds = self._coder.encode(parts) if parts else ""

            def by_pinyin(texts: IntArray) -> tuple[FloatArray, BoolArray | None]:
                return self._sound_scores(sound, sounds, texts.tolist()), None

            ways.append(
                (self._surfaces, self._pinyin_grams, self._pinyin_texts, sound, by_pinyin, PINYIN)
            )
        if self._may_be_initials(words, letters, parts):

            def by_initials(texts: IntArray) -> tuple[FloatArray, BoolArray | None]:
                initials = [self._table.text_initials[i] for i in texts.tolist()]
                return initials_similarities(letters, initials) * _INITIALS_WEIGHT, None

            grams = (self._initials_grams, self._initials_texts)
            ways.append((self._surfaces, *grams, letters, by_initials, INITIALS))
        english = english_words(words) if parts is None else ()
        if english:

            def by_english(texts: IntArray) -> tuple[FloatArray, BoolArray | None]:
                return self._english.score(english, texts), None

            by_words = (self._english, self._english)
            ways.append((self._english_carriers, *by_words, " ".join(english), by_english, NAME_EN))
        for carriers, city_grams, _, key, score, label in ways:
            ids = np.sort(city_grams.in_city(key, city=search.preferred, limit=_CITY_LIST))
            search.add_city(carriers, ids, score, label)
        rest = search.rest_needed(weak=_REST_LIST, short=_FILL_LIST)
        if rest:
            for carriers, _, text_grams, key, score, label in ways:
                search.add_texts(carriers, text_grams.anywhere(key, limit=rest), score, label)

    def _may_be_initials(self, words: str, letters: str, parts: list[str] | None) -> bool:
        """Whether typed letters could be a department's pinyin initials (gjj, g j j)."""
        # Initials are short and rarely spell pinyin; English words rarely do either.
        if parts is not None and len(letters) > _SHORT_INITIALS:
            return False
        # Several words, some of several letters, are English ("tax bureau"), not spaced
        # initials ("g j j").
        several = " " in words and any(len(word) > 2 for word in words.split(" "))
        if several and len(letters) > _SHORT_INITIALS:
            return False
        # Past the reach of the longest initials no ratio could come up to a shown score.
        return len(letters) <= _INITIALS_REACH * self._table.longest_initials

    def _ranked(self, query: str, search: Search, limit: int) -> LookupResult:
        results = tuple(
            self._match(department, score, self._labels[label])
            for department, score, label in search.results()
        )
        ambiguous = len(results) > 1 and results[0].score - results[1].score < _AMBIGUITY_MARGIN
        return LookupResult(query, ambiguous, results)

    def _match(self, dept: int, score: float, label: str) -> Match:
        target = self._targets[dept]
        return Match(target.code, target.name, target.city, round(score, 1), label)


def _han_key(sounds: str, han: str) -> str:
    """What the Chinese n-gram indexes hold: the syllable code, then the characters."""
    return f"{sounds}\x00{han}"


def _ranks(order: IntArray) -> IntArray:
    """The position of each id in `order` (the inverse permutation)."""
    ranks = np.empty(len(order), dtype=np.int32)
    ranks[order] = np.arange(len(order), dtype=np.int32)
    return ranks
