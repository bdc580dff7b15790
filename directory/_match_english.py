"""English-name matching for the department lookup ("tax bureau" → Taxation Bureau).

Scored word by word: a query word counts if it equals, starts, or nearly spells a word of
the name, and the score is mostly how much of the query is covered, partly how much of
the name. Generic words like "bureau" then cannot make every bureau a tie.

A query word is compared once with every word the directory uses (a few hundred), and
each candidate name then only looks its words up in that row.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from directory._match_grams import NO_IDS, FloatArray, IntArray, city_runs

_STOP_WORDS = frozenset({"and", "of", "the", "for", "s", "a", "an", "in", "to"})
_PREFIX_CREDIT = 0.9
_MIN_WORD_SIMILARITY = 0.7
_QUERY_SHARE = 0.8
_MIN_PREFIX = 3
# Query words whose similarity rows are kept (then the memo starts again).
_KNOWN_WORDS = 4096
# Postings merged per query when searching every city, per name asked for, rarest first.
_POSTINGS_PER_TEXT = 250
# Where a name has fewer words than the longest: never the best match for any word.
_NO_WORD = -1.0


def _postings(names: Sequence[tuple[str, ...]], positions: dict[str, int]) -> list[IntArray]:
    """For each vocabulary position, the ids of the names that use that word."""
    users: list[list[int]] = [[] for _ in positions]
    for name_id, name in enumerate(names):
        for word in dict.fromkeys(name):
            users[positions[word]].append(name_id)
    return [np.asarray(ids, dtype=np.int32) for ids in users]


def _most_shared(pieces: list[IntArray], size: int, sizes: FloatArray, limit: int) -> IntArray:
    """Ids found most often across `pieces`, the shorter names first among equals."""
    if not pieces:
        return NO_IDS
    merged = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
    ids: IntArray
    ids, hits = np.unique(merged, return_counts=True)
    estimate = hits / size + 2.0 * hits / (size + sizes[ids])
    if len(ids) > limit:
        ids = ids[np.argpartition(-estimate, limit - 1)[:limit]]
    return ids


def english_words(text: str) -> tuple[str, ...]:
    """Content words of a spaced, lowercased English text."""
    return tuple(word for word in text.split() if word not in _STOP_WORDS)


class EnglishNames:
    """English names of all departments, each distinct name once, with a candidate index.

    `name_of[department]` is the id of its distinct name.
    """

    def __init__(self, names: Sequence[str], cities: IntArray, *, city_count: int) -> None:
        words = [english_words(name) for name in names]
        distinct = list(dict.fromkeys(words))
        ids = {name: i for i, name in enumerate(distinct)}
        self.name_of = np.asarray([ids[name] for name in words], dtype=np.int32)
        self.name_count = len(distinct)
        self._vocabulary = sorted({word for name in distinct for word in name})
        self._positions = {word: i for i, word in enumerate(self._vocabulary)}
        width = max((len(name) for name in distinct), default=0) or 1
        # Each name as a row of vocabulary positions, padded with the "no word" column.
        self._rows = np.full((len(distinct), width), len(self._vocabulary), dtype=np.int32)
        for row, name in enumerate(distinct):
            self._rows[row, : len(name)] = [self._positions[word] for word in name]
        self._sizes = np.asarray([len(name) for name in distinct], dtype=np.float64)
        # Who uses each vocabulary word: departments (a city's are one run) and names.
        self._department_postings = _postings(words, self._positions)
        self._name_postings = _postings(distinct, self._positions)
        self._department_sizes = np.asarray([len(name) for name in words], dtype=np.float64)
        self._runs = city_runs(cities, city_count)
        # Query words repeat across calls ("bureau", "office"): a row is worth keeping.
        # (A dict, not lru_cache on a bound method: that would tie the index in a cycle.)
        self._rows_by_word: dict[str, tuple[FloatArray, tuple[int, ...]]] = {}

    def in_city(self, text: str, *, city: int, limit: int) -> IntArray:
        """Up to `limit` departments of a city using most of the query's words (or near them)."""
        words = text.split()
        run = self._runs[city : city + 2]
        pieces = []
        for position in self._matches(words):
            ids = self._department_postings[position]
            low, high = ids.searchsorted(run)
            if high > low:
                pieces.append(ids[low:high])
        return _most_shared(pieces, len(words), self._department_sizes, limit)

    def anywhere(self, text: str, *, limit: int) -> IntArray:
        """Up to `limit` distinct names using most of the query's words, rarest words first."""
        words = text.split()
        found = sorted((self._name_postings[p] for p in self._matches(words)), key=len)
        chosen: list[IntArray] = []
        spent = 0
        for ids in found:
            spent += len(ids)
            if chosen and spent > _POSTINGS_PER_TEXT * limit:
                break
            chosen.append(ids)
        return _most_shared(chosen, len(words), self._sizes, limit)

    def _matches(self, words: Sequence[str]) -> list[int]:
        """Vocabulary positions of words near any of these query words."""
        return [position for word in words for position in self._word(word)[1]]

    def _word(self, word: str) -> tuple[FloatArray, tuple[int, ...]]:
        """The word's similarity row and the vocabulary positions it matches at all."""
        known = self._rows_by_word.get(word)
        if known is None:
            if len(self._rows_by_word) >= _KNOWN_WORDS:
                self._rows_by_word.clear()
            row = self._similarity_row(word)
            matches = tuple(np.flatnonzero(row[:-1] > 0.0).tolist())
            known = self._rows_by_word[word] = (row, matches)
        return known

    def score(self, words: Sequence[str], names: IntArray) -> FloatArray:
        """0..100 per distinct name for a query's content words against that name."""
        if not words or not len(names):
            return np.zeros(len(names))
        # similarity[w, n, p]: query word w against word p of name n, all in one gather.
        similarity = np.stack([self._word(word)[0] for word in words])[:, self._rows[names]]
        best = similarity.max(axis=2)
        matched = best > 0.0
        covered = np.where(matched, best, 0.0).sum(axis=0)
        used = np.where(matched, similarity.argmax(axis=2), -1).T
        used.sort(axis=1)
        distinct = (used[:, 0] >= 0).astype(np.float64)
        distinct += ((used[:, 1:] != used[:, :-1]) & (used[:, 1:] >= 0)).sum(axis=1)
        sizes = self._sizes[names]
        scores = 100.0 * (
            _QUERY_SHARE * covered / len(words)
            + (1.0 - _QUERY_SHARE) * distinct / np.maximum(sizes, 1.0)
        )
        scores[sizes == 0] = 0.0
        result: FloatArray = scores
        return result

    def _similarity_row(self, word: str) -> FloatArray:
        """How well `word` spells each vocabulary word: 1 equal, 0.9 prefix, ratio or 0."""
        vocabulary = self._vocabulary
        row = np.full(len(vocabulary) + 1, _NO_WORD)
        if vocabulary:
            ratios = (
                process.cdist([word], vocabulary, scorer=fuzz.ratio, dtype=np.float64, workers=1)[0]
                / 100.0
            )
            row[:-1] = np.where(ratios >= _MIN_WORD_SIMILARITY, ratios, 0.0)
        if len(word) >= _MIN_PREFIX:
            # Longer words the query word starts (bur → bureau) ...
            at = bisect.bisect_left(vocabulary, word)
            while at < len(vocabulary) and vocabulary[at].startswith(word):
                row[at] = _PREFIX_CREDIT
                at += 1
            # ... and shorter ones it starts with (bureaus → bureau).
            for end in range(_MIN_PREFIX, len(word)):
                shorter = self._positions.get(word[:end])
                if shorter is not None:
                    row[shorter] = _PREFIX_CREDIT
        exact = self._positions.get(word)
        if exact is not None:
            row[exact] = 1.0
        return row
