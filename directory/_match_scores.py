"""Similarity of one query to many candidate strings at once (rapidfuzz cdist plus numpy).

The short list is scored in one call per key form rather than one Python call per
candidate: the per-candidate work is then a few machine instructions, not a few hundred.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from directory._match_grams import FloatArray


def similarities(query: str, texts: Sequence[str]) -> FloatArray:
    """0..100 per text: how well the query matches it, rewarding containment both ways.

    A text holding the whole query scores at least 80 (more the more of it the query
    covers); a text of 2+ characters inside the query at least 60.
    """
    if not query:
        return np.zeros(len(texts))
    scores: FloatArray = process.cdist(
        [query], texts, scorer=fuzz.ratio, dtype=np.float64, workers=1
    )[0]
    # One pass in Python for the containment floors, one numpy call to apply them.
    size = len(query)
    floors = [
        80.0 + 20.0 * size / len(text)
        if query in text
        else 60.0 + 30.0 * len(text) / size
        if len(text) >= 2 and text in query
        else 0.0
        for text in texts
    ]
    return np.maximum(scores, floors)


def initials_similarities(query: str, texts: Sequence[str]) -> FloatArray:
    """0..100 per text for typed initials: only whole or leading initials count as containment."""
    if not query:
        return np.zeros(len(texts))
    scores: FloatArray = (
        0.9 * process.cdist([query], texts, scorer=fuzz.ratio, dtype=np.float64, workers=1)[0]
    )
    size = len(query)
    # -1 leaves the ratio; a text equal to the query or starting with it overrides it.
    overrides = [
        100.0
        if text == query
        else 70.0 + 20.0 * size / len(text)
        if text.startswith(query)
        else -1.0
        for text in texts
    ]
    return np.where(np.asarray(overrides) >= 0.0, overrides, scores)
