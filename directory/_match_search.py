"""One search in progress: the caller's city in full, then the rest of the directory if needed.

Every way of matching (characters, typed pinyin, initials, English names) looks at
*carriers*: strings that each have a distinct text, an owner department, a weight and a
label. A text is scored once; every carrier of it gets that score times its weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from directory._match_grams import BoolArray, FloatArray, IntArray
from directory._match_spread import Spread

# Scores of some texts (by id) for this query, and for each whether the carrier's own
# label names the match (else the way of matching does: "pinyin" for a homophone).
Scorer = Callable[[IntArray], tuple[FloatArray, BoolArray | None]]

# Results under this score are not shown.
MIN_SCORE = 50.0
# No text scores more than this: another city's department at most this less its lead.
TOP_SCORE = 100.0


@dataclass(frozen=True, slots=True)
class Carriers:
    """The strings of one way of matching, in city order, and who carries each text."""

    text_of: IntArray
    owner: IntArray
    weight: FloatArray
    label: IntArray
    spread: Spread


@dataclass(frozen=True, slots=True)
class Departments:
    """What the ranking needs of every department: its city and its place among equals."""

    city: IntArray
    # Among equal scores: the shorter name first, then the code.
    rank: IntArray


class Search:
    """Candidates of one query, gathered city first, and their ranking."""

    def __init__(
        self, departments: Departments, *, preferred: int, lead: float, limit: int
    ) -> None:
        self.preferred = preferred
        self.lead = lead
        self._departments = departments
        self._limit = limit
        # Enough carriers of one text for a full list, even if a few are in the city.
        self._spread_cap = limit + 3
        self._owners: list[IntArray] = []
        self._scores: list[FloatArray] = []
        self._labels: list[IntArray] = []
        self._results: list[tuple[int, float, int]] | None = None

    def add_city(self, carriers: Carriers, ids: IntArray, score: Scorer, label: int) -> None:
        """Carriers of the caller's city, and the other carriers of their texts.

        The same name in another city scores the same less the lead, so only texts that
        would still show after it are spread.
        """
        if not len(ids):
            return
        texts = carriers.text_of[ids]
        scores, own_label = score(texts)
        self._add(carriers, ids, np.arange(len(ids)), scores, own_label, label)
        self._spread(carriers, texts, scores, own_label, label, MIN_SCORE + self.lead)

    def add_texts(self, carriers: Carriers, texts: IntArray, score: Scorer, label: int) -> None:
        """Distinct texts found anywhere in the directory, through their carriers."""
        if not len(texts):
            return
        scores, own_label = score(texts)
        self._spread(carriers, texts, scores, own_label, label, MIN_SCORE)

    def rest_needed(self, *, weak: int, short: int) -> int:
        """How many texts of the rest of the directory to look at: none, `short` or `weak`.

        Other cities' departments that share the city's texts are in already; one with a
        text of its own could outrank the city's best only if that is weak (`weak` texts
        then), and could otherwise only fill a short list (`short` texts).
        """
        results = self.results()
        if not results or results[0][1] < TOP_SCORE - self.lead:
            return weak
        return short if len(results) < self._limit else 0

    def results(self) -> list[tuple[int, float, int]]:
        """(department, final score, label id) of the best `limit` departments, best first.

        Another city's department loses the lead; equal scores put the caller's city
        first, then the department's rank. A department's first entry in that order is
        its best, with the label of the way of matching that found it first.
        """
        if self._results is None:
            self._results = self._rank()
        return self._results

    def _rank(self) -> list[tuple[int, float, int]]:
        if not self._owners:
            return []
        owners = np.concatenate(self._owners)
        scores = np.concatenate(self._scores)
        labels = np.concatenate(self._labels)
        elsewhere = self._departments.city[owners] != self.preferred
        final = scores - self.lead * elsewhere
        order = np.lexsort((self._departments.rank[owners], elsewhere, -final))
        results: list[tuple[int, float, int]] = []
        seen: set[int] = set()
        # In chunks: the first few dozen entries usually hold the whole list.
        chunk = 4 * self._limit + 16
        for start in range(0, len(order), chunk):
            part = order[start : start + chunk]
            for owner, score, label in zip(
                owners[part].tolist(), final[part].tolist(), labels[part].tolist(), strict=True
            ):
                if score < MIN_SCORE:
                    return results
                if owner not in seen:
                    seen.add(owner)
                    results.append((owner, score, label))
                    if len(results) == self._limit:
                        return results
        return results

    def _spread(
        self,
        carriers: Carriers,
        texts: IntArray,
        scores: FloatArray,
        own_label: BoolArray | None,
        label: int,
        above: float,
    ) -> None:
        strong = scores >= above
        if not strong.any():
            return
        ids, which = carriers.spread.carriers(texts[strong], self._spread_cap)
        self._add(
            carriers,
            ids,
            which,
            scores[strong],
            None if own_label is None else own_label[strong],
            label,
        )

    def _add(
        self,
        carriers: Carriers,
        ids: IntArray,
        which: IntArray,
        scores: FloatArray,
        own_label: BoolArray | None,
        label: int,
    ) -> None:
        """Carriers `ids`, the i-th scored as text `which[i]` of `scores`."""
        if not len(ids):
            return
        self._results = None
        self._owners.append(carriers.owner[ids])
        self._scores.append(scores[which] * carriers.weight[ids])
        if own_label is None:
            self._labels.append(np.full(len(ids), label, dtype=np.int32))
        else:
            self._labels.append(np.where(own_label[which], carriers.label[ids], label))
