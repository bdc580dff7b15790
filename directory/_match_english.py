"""English-name matching for the department lookup ("tax bureau" → Taxation Bureau).

Scored word by word: a query word counts if it equals, starts, or nearly spells a word of
the name, and the score is mostly how much of the query is covered, partly how much of
the name. Generic words like "bureau" then cannot make every bureau a tie.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from directory._match_grams import GramIndex, IntArray

_STOP_WORDS = frozenset({"and", "of", "the", "for", "s", "a", "an", "in", "to"})
_PREFIX_CREDIT = 0.9
_MIN_WORD_SIMILARITY = 0.7
_QUERY_SHARE = 0.8


def english_words(text: str) -> tuple[str, ...]:
    """Content words of a spaced, lowercased English text."""
    return tuple(word for word in text.split() if word not in _STOP_WORDS)


def _word_similarity(query_word: str, name_word: str) -> float:
    if query_word == name_word:
        return 1.0
    shorter, longer = sorted((query_word, name_word), key=len)
    if len(shorter) >= 3 and longer.startswith(shorter):
        return _PREFIX_CREDIT
    similarity = fuzz.ratio(query_word, name_word) / 100.0
    return similarity if similarity >= _MIN_WORD_SIMILARITY else 0.0


def english_score(
    query: Sequence[str], name: Sequence[str], memo: dict[tuple[str, str], float] | None = None
) -> float:
    """0..100 for a query's content words against a name's content words.

    `memo` caches word similarities across the names scored for one query: names share
    most of their words ("bureau", "office").
    """
    if not query or not name:
        return 0.0
    known = {} if memo is None else memo
    used: set[int] = set()
    covered = 0.0
    for word in query:
        best, best_at = 0.0, -1
        for position, candidate in enumerate(name):
            pair = (word, candidate)
            similarity = known.get(pair)
            if similarity is None:
                similarity = known[pair] = _word_similarity(word, candidate)
            if similarity > best:
                best, best_at = similarity, position
        covered += best
        if best_at >= 0:
            used.add(best_at)
    query_cover = covered / len(query)
    name_cover = len(used) / len(name)
    return 100.0 * (_QUERY_SHARE * query_cover + (1.0 - _QUERY_SHARE) * name_cover)


class EnglishNames:
    """English names of all departments with their own candidate index."""

    def __init__(self, names: Sequence[str], cities: IntArray) -> None:
        self._words = [english_words(name) for name in names]
        self._grams = GramIndex([" ".join(words) for words in self._words], cities, size=3)

    def search(self, text: str, *, preferred_city: int, limit: int) -> list[tuple[int, float]]:
        """(department index, score) for departments whose English name may match."""
        words = english_words(text)
        if not words:
            return []
        shortlist = self._grams.candidates(
            " ".join(words), preferred_city=preferred_city, limit=limit
        )
        memo: dict[tuple[str, str], float] = {}
        return [(int(dept), english_score(words, self._words[dept], memo)) for dept in shortlist]
