"""Who carries each distinct text, best first: from one scored text to every department.

公安局 is a surface of the public security bureau of every city. A search scores the text
once, in the caller's city, and the other cities' bureaus get the same score (less their
lead) by looking the text up here, without being scored again.
"""

from __future__ import annotations

import numpy as np

from directory._match_grams import IntArray

# Carriers of each text kept in a table for one lookup; more are found the slow way.
_TABLE_WIDTH = 16


class Spread:
    """For each text id, the ids of its carriers (surfaces or departments) in rank order."""

    def __init__(self, text_of: IntArray, rank: IntArray, text_count: int) -> None:
        """`text_of[carrier]` is its text; a lower `rank[carrier]` comes first."""
        order = np.lexsort((rank, text_of)).astype(np.int32)
        self._carriers = order
        self._starts = np.searchsorted(text_of[order], np.arange(text_count + 1)).astype(np.int64)
        # The first carriers of each text as one row, -1 where a text has fewer.
        counts = np.minimum(np.diff(self._starts), _TABLE_WIDTH)
        self._table = np.full((text_count, _TABLE_WIDTH), -1, dtype=np.int32)
        rows = np.repeat(np.arange(text_count), counts)
        columns = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        self._table[rows, columns] = order[self._starts[rows] + columns]

    def carriers(self, texts: IntArray, cap: int) -> tuple[IntArray, IntArray]:
        """The first `cap` carriers of each text, and which of `texts` each one carries."""
        if cap <= _TABLE_WIDTH:
            block = self._table[texts, :cap]
            present = block >= 0
            return block[present], np.nonzero(present)[0]
        starts = self._starts[texts]
        counts = np.minimum(self._starts[texts + 1] - starts, cap)
        which = np.repeat(np.arange(len(texts)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return self._carriers[starts[which] + offsets], which
