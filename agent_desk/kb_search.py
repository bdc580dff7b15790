"""Ranked knowledge-base search: Chinese character n-grams, pinyin, and plain words.

Callers ask in whole sentences ("身份证丢了怎么办") while entries are written as titles
("身份证丢失了怎么补办？"), and operators type pinyin when their input method is off
("shenfenzheng"). A substring match finds neither. So:

- the query is cut at question words and particles (怎么办, 如何, 了, 的 …), and each
  remaining run of Chinese characters is broken into character bigrams (single
  characters when a run is one character long);
- a latin word is matched against the toneless pinyin of the question and keywords
  (joined, with the sounds callers confuse folded together: zh/z, ch/c, sh/s, -ng/-n),
  or their initials ("sfz"), and as a plain word anywhere;
- digits and other words are matched as they are.

Each token counts by how rare it is among the entries searched (inverse document
frequency) and by where it is found: the question weighs most, then the keywords, then
the answer. A query of symbols only ("%") falls back to a literal substring match.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"[0-9]+")
# Words that say nothing about the subject; longest first, so 怎么办 goes before 怎么.
_STOP = sorted(
    ["怎么办", "怎么样", "怎么", "如何", "什么", "哪里", "哪儿", "哪些", "请问", "是否",
     "能否", "可以", "需要", "应该", "吗", "呢", "吧", "啊", "了", "的", "我", "想", "要"],
    key=len, reverse=True,
)  # fmt: skip
_STOP_SPLIT = re.compile("|".join(map(re.escape, _STOP)))
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"))

QUESTION, KEYWORDS, ANSWER = 3.0, 2.5, 1.0
WHOLE_PHRASE_BONUS = 2.0  # a query run found whole in the question


def _fold(pinyin: str) -> str:
    for sound, key in _FUZZY:
        pinyin = pinyin.replace(sound, key)
    return pinyin


def _han_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True, slots=True)
class FieldText:
    """One field of an entry, prepared for matching."""

    text: str  # lower-cased
    grams: frozenset[str]  # Chinese bigrams and single characters
    pinyin: str  # folded toneless pinyin of its Chinese characters, joined
    initials: str

    @classmethod
    def of(cls, text: str, *, with_pinyin: bool) -> FieldText:
        lowered = text.lower()
        grams: set[str] = set()
        for run in _HAN_RUN.findall(lowered):
            grams.update(run)
            grams.update(_han_tokens(run))
        pinyin, initials = "", ""
        if with_pinyin:
            syllables = [s for run in _HAN_RUN.findall(lowered)
                         for s in lazy_pinyin(run, style=Style.NORMAL)]  # fmt: skip
            pinyin = _fold("".join(syllables))
            initials = "".join(s[0] for s in syllables if s)
        return cls(text=lowered, grams=frozenset(grams), pinyin=pinyin, initials=initials)


@dataclass(frozen=True, slots=True)
class EntryText:
    """An entry's question, keywords and answer, prepared once per version of it."""

    question: FieldText
    keywords: FieldText
    answer: FieldText

    @classmethod
    def of(cls, question: str, keywords: str, answer: str) -> EntryText:
        return cls(
            question=FieldText.of(question, with_pinyin=True),
            keywords=FieldText.of(keywords, with_pinyin=True),
            answer=FieldText.of(answer, with_pinyin=False),
        )

    def fields(self) -> tuple[tuple[FieldText, float], ...]:
        return ((self.question, QUESTION), (self.keywords, KEYWORDS), (self.answer, ANSWER))


@dataclass(frozen=True, slots=True)
class Query:
    """What the searcher typed, cut into tokens."""

    runs: tuple[str, ...]  # Chinese runs between question words
    latin: tuple[str, ...]
    digits: tuple[str, ...]
    literal: str  # the whole text, for a query with no token at all
    question_words_only: bool = False  # "怎么办": says nothing of a subject

    @classmethod
    def parse(cls, text: str) -> Query:
        lowered = text.lower().strip()
        runs = [piece for run in _HAN_RUN.findall(lowered)
                for piece in _STOP_SPLIT.split(run) if piece]  # fmt: skip
        return cls(runs=tuple(runs), latin=tuple(_LATIN.findall(lowered)),
                   digits=tuple(_DIGITS.findall(lowered)), literal=lowered,
                   question_words_only=bool(_HAN_RUN.search(lowered)) and not runs)  # fmt: skip

    @property
    def empty(self) -> bool:
        return not self.literal

    @property
    def has_tokens(self) -> bool:
        return bool(self.runs or self.latin or self.digits)


def _gram_weight(token: str, entry: EntryText) -> float:
    return max((weight for field, weight in entry.fields() if token in field.grams), default=0.0)


def _word_weight(word: str, entry: EntryText) -> float:
    best = max((weight for field, weight in entry.fields() if word in field.text), default=0.0)
    if len(word) >= 2 and _LATIN.fullmatch(word):
        folded = _fold(word)
        for field, weight in entry.fields()[:2]:
            if folded in field.pinyin:
                best = max(best, weight)
            elif len(word) <= 5 and word in field.initials:
                best = max(best, weight * 0.6)
    return best


def rank(query: Query, entries: Sequence[EntryText]) -> list[float]:
    """A score per entry (0: no match), in the order given."""
    if query.empty:
        return [1.0] * len(entries)
    if query.question_words_only and not (query.latin or query.digits):
        return [0.0] * len(entries)
    if not query.has_tokens:
        literal = query.literal
        return [1.0 if any(literal in f.text for f, _ in e.fields()) else 0.0 for e in entries]
    tokens: list[tuple[str, bool, float]] = []  # token, is a gram, its share of the query
    for run in query.runs:
        pieces = _han_tokens(run)
        tokens += [(piece, True, 1.0 if len(piece) > 1 else 0.5) for piece in pieces]
    tokens += [(word, False, 1.0) for word in (*query.latin, *query.digits)]
    weights = [
        [(_gram_weight(t, e) if gram else _word_weight(t, e)) for t, gram, _ in tokens]
        for e in entries
    ]
    count = len(entries)
    idf = [
        math.log((count + 1) / (0.5 + sum(1 for row in weights if row[i] > 0))) + 0.1
        for i in range(len(tokens))
    ]
    strong = [i for i, (t, gram, _) in enumerate(tokens) if not gram or len(t) > 1]
    scores: list[float] = []
    for entry, row in zip(entries, weights, strict=True):
        if strong and not any(row[i] for i in strong):
            scores.append(0.0)  # single characters alone do not make a match
            continue
        score = sum(row[i] * idf[i] * tokens[i][2] for i in range(len(tokens)))
        score += sum(WHOLE_PHRASE_BONUS for run in query.runs
                     if len(run) > 1 and run in entry.question.text)  # fmt: skip
        scores.append(score)
    return scores


def best(query: Query, entries: Sequence[EntryText], limit: int) -> list[int]:
    """Indexes of the best-matching entries, best first (ties keep the given order)."""
    scores = rank(query, entries)
    order = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], i))
    return order[:limit]
