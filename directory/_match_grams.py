"""An n-gram inverted index that picks a short list of candidate strings for rescoring.

Scoring every department name with rapidfuzz would cost milliseconds on a large
directory; counting shared n-grams over posting arrays costs microseconds, and the
short list it returns is then scored exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]

# Postings merged per query at most: rarest grams first, so long queries stay cheap.
_POSTING_BUDGET = 4000
# How much a string in the preferred city is lifted in the estimate (in dice units).
_CITY_LIFT = 0.15


def grams(text: str, size: int) -> set[str]:
    """Padded character n-grams of a text (the padding lets short texts have grams)."""
    padded = f"^{text}$"
    if len(padded) <= size:
        return {padded}
    return {padded[i : i + size] for i in range(len(padded) - size + 1)}


class GramIndex:
    """Inverted index from n-grams to the ids of the strings containing them."""

    def __init__(self, texts: Sequence[str], cities: IntArray, *, size: int) -> None:
        self._size = size
        self._cities = cities
        builder: defaultdict[str, list[int]] = defaultdict(list)
        counts = np.zeros(len(texts), dtype=np.int32)
        for position, text in enumerate(texts):
            if not text:
                continue
            found = grams(text, size)
            counts[position] = len(found)
            for gram in found:
                builder[gram].append(position)
        self._postings = {g: np.asarray(ids, dtype=np.int32) for g, ids in builder.items()}
        self._gram_counts = counts

    def candidates(self, text: str, *, preferred_city: int, limit: int) -> IntArray:
        """Ids of up to `limit` strings sharing the most grams with text, preferred city lifted."""
        wanted = grams(text, self._size)
        found = [self._postings[g] for g in wanted if g in self._postings]
        if not found:
            return np.empty(0, dtype=np.int32)
        found.sort(key=len)
        chosen = [found[0]]
        spent = len(found[0])
        for ids in found[1:]:
            spent += len(ids)
            if spent > _POSTING_BUDGET:
                break
            chosen.append(ids)
        merged = np.concatenate(chosen) if len(chosen) > 1 else chosen[0]
        ids, hits = np.unique(merged, return_counts=True)
        estimate = 2.0 * hits / (len(wanted) + self._gram_counts[ids])
        estimate += _CITY_LIFT * (self._cities[ids] == preferred_city)
        if len(ids) > limit:
            keep = np.argpartition(-estimate, limit - 1)[:limit]
            ids = ids[keep]
        return ids.astype(np.int32, copy=False)
