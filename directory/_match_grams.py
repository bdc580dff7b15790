"""An n-gram inverted index that picks a short list of candidate strings for rescoring.

Scoring every department name with rapidfuzz would cost milliseconds on a large
directory; counting shared n-grams over posting arrays costs microseconds, and the
short list it returns is then scored exactly.

Ids are city-major (one city's strings are one run of ids), so the part of a posting list
that belongs to one city is a slice found by binary search: the caller's own city can be
searched in full, whatever the size of the directory, and the rest of it within a budget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

# Ids: int32 where stored, whatever numpy returns where computed.
IntArray = npt.NDArray[np.signedinteger[Any]]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Postings merged per query over all cities, per text asked for: rarest grams first, so
# long queries stay cheap, and filling a short list costs less than finding a best answer.
_POSTINGS_PER_TEXT = 250

# Grams of one query looked up in a city at most (the rarest ones).
_CITY_GRAMS = 16

NO_IDS: IntArray = np.empty(0, dtype=np.int32)


def grams(text: str, size: int) -> set[str]:
    """Padded character n-grams of a text (the padding lets short texts have grams)."""
    padded = f"^{text}$"
    if len(padded) <= size:
        return {padded}
    return {padded[i : i + size] for i in range(len(padded) - size + 1)}


def city_runs(cities: IntArray, city_count: int) -> IntArray:
    """Where each city's run of ids starts in a city-sorted id space, plus the end."""
    if len(cities) and bool(np.any(np.diff(cities) < 0)):
        raise ValueError("ids must be in city order")
    return np.searchsorted(cities, np.arange(city_count + 1)).astype(np.int32)


class GramIndex:
    """Inverted index from n-grams to the ids of the strings containing them.

    With `cities` (one per id, in city order) it can also search one city's strings.
    """

    def __init__(
        self,
        texts: Sequence[str],
        *,
        size: int,
        cities: IntArray | None = None,
        city_count: int = 0,
    ) -> None:
        self._size = size
        self._runs = None if cities is None else city_runs(cities, city_count)
        builder: defaultdict[str, list[int]] = defaultdict(list)
        counts = [0] * len(texts)
        for position, text in enumerate(texts):
            if text:
                found = grams(text, size)
                counts[position] = len(found)
                for gram in found:
                    builder[gram].append(position)
        self._postings = {g: np.asarray(ids, dtype=np.int32) for g, ids in builder.items()}
        self._gram_counts = np.asarray(counts, dtype=np.int32)

    def in_city(self, text: str, *, city: int, limit: int) -> IntArray:
        """Ids of up to `limit` strings of one city that hold most of the text's grams.

        Ranked by how much of the text a string holds plus how close it is in size, so
        strings containing the whole text come first, the shortest of them first: a
        fragment of a long name (出入境管理) finds that name, not a short look-alike.
        """
        if self._runs is None:
            raise ValueError("this index was built without cities")
        wanted = grams(text, self._size)
        postings = self._postings
        found = [postings[gram] for gram in wanted if gram in postings]
        if len(found) > _CITY_GRAMS:
            # A long query: its rarest grams tell its strings apart well enough.
            found.sort(key=len)
            del found[_CITY_GRAMS:]
        run = self._runs[city : city + 2]
        pieces = []
        for ids in found:
            low, high = ids.searchsorted(run)
            if high > low:
                pieces.append(ids[low:high])
        return self._ranked(pieces, min(len(wanted), _CITY_GRAMS), limit)

    def anywhere(self, text: str, *, limit: int) -> IntArray:
        """Ids of up to `limit` strings holding most of the text's grams, as in_city.

        Only the rarest grams are merged, within a budget of postings, so that a query of
        common syllables costs no more than a rare one.
        """
        wanted = grams(text, self._size)
        found = [self._postings[g] for g in wanted if g in self._postings]
        found.sort(key=len)
        chosen: list[IntArray] = []
        spent = 0
        for ids in found:
            spent += len(ids)
            if chosen and spent > _POSTINGS_PER_TEXT * limit:
                break
            chosen.append(ids)
        return self._ranked(chosen, len(wanted), limit)

    def _ranked(self, pieces: list[IntArray], size: int, limit: int) -> IntArray:
        if not pieces:
            return NO_IDS
        merged = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        ids: IntArray
        ids, hits = np.unique(merged, return_counts=True)
        estimate = hits / size + 2.0 * hits / (size + self._gram_counts[ids])
        if len(ids) > limit:
            ids = ids[np.argpartition(-estimate, limit - 1)[:limit]]
        return ids
