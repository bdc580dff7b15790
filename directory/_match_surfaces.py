"""Precomputed match surfaces: every way a department can be named, in every key form.

A surface is one name of a department (full name, name without its city, an alias, or
the stem of one of those), kept as parallel columns: the Chinese text, its fuzzy toneless
pinyin, its syllable code, its pinyin initials, who owns it and how a match on it is
labelled. Departments come in city order, so one city's surfaces are one run of ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from directory._match_grams import FloatArray, IntArray
from directory._match_text import ToSimplified, city_forms, normalise, stem, without_cities
from directory._match_types import MatchTarget
from directory.pinyin_keys import KnownReadings, initials

# A stem (水务 of 水务公司) is a weaker witness than a real name or alias.
STEM_WEIGHT = 0.96

Syllabify = Callable[[str], Sequence[str]]
Encode = Callable[[Sequence[str]], str]
FuzzyKey = Callable[[Sequence[str]], str]


@dataclass(slots=True)
class SurfaceTable:
    """Parallel columns, one entry per surface; `owner` is the index of the department."""

    han: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)
    sounds: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    owner_list: list[int] = field(default_factory=list)
    weight_list: list[float] = field(default_factory=list)
    # Filled by freeze(). Surfaces of many departments share a text (公安局 in every
    # city); scores depend on the text alone, so each distinct text is scored once, as
    # `text_of[surface]` in the text columns.
    owner: IntArray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    weight: FloatArray = field(default_factory=lambda: np.empty(0))
    text_of: IntArray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    text_han: list[str] = field(default_factory=list)
    text_pinyin: list[str] = field(default_factory=list)
    text_sounds: list[str] = field(default_factory=list)
    text_initials: list[str] = field(default_factory=list)
    han_len: FloatArray = field(default_factory=lambda: np.empty(0))
    pinyin_len: FloatArray = field(default_factory=lambda: np.empty(0))
    sounds_len: FloatArray = field(default_factory=lambda: np.empty(0))
    initials_len: FloatArray = field(default_factory=lambda: np.empty(0))
    by_han: dict[str, tuple[int, ...]] = field(default_factory=dict)
    longest_han: int = 0
    longest_initials: int = 0

    def __len__(self) -> int:
        return len(self.han)

    def add(
        self,
        han: str,
        *,
        pinyin: str,
        sounds: str,
        initials: str,
        owner: int,
        label: str,
        weight: float,
    ) -> None:
        """Append one surface."""
        self.han.append(han)
        self.pinyin.append(pinyin)
        self.sounds.append(sounds)
        self.initials.append(initials)
        self.owner_list.append(owner)
        self.label.append(label)
        self.weight_list.append(weight)

    def freeze(self) -> None:
        """Build the array columns and the text columns once every surface is in."""
        self.owner = np.asarray(self.owner_list, dtype=np.int32)
        self.weight = np.asarray(self.weight_list, dtype=np.float64)
        by_han: dict[str, list[int]] = {}
        for sid, text in enumerate(self.han):
            by_han.setdefault(text, []).append(sid)
        # Tuples of ints leave the garbage collector's lists: fewer objects to walk.
        self.by_han = {text: tuple(sids) for text, sids in by_han.items()}
        ids = {text: i for i, text in enumerate(by_han)}
        self.text_of = np.asarray([ids[text] for text in self.han], dtype=np.int32)
        first = [sids[0] for sids in by_han.values()]
        self.text_han = [self.han[i] for i in first]
        self.text_pinyin = [self.pinyin[i] for i in first]
        self.text_sounds = [self.sounds[i] for i in first]
        self.text_initials = [self.initials[i] for i in first]
        self.han_len = _lengths(self.text_han)
        self.pinyin_len = _lengths(self.text_pinyin)
        self.sounds_len = _lengths(self.text_sounds)
        self.initials_len = _lengths(self.text_initials)
        self.longest_han = max((len(text) for text in self.han), default=0)
        self.longest_initials = max((len(text) for text in self.initials), default=0)


def _lengths(texts: Sequence[str]) -> FloatArray:
    return np.asarray([len(text) for text in texts], dtype=np.float64)


@dataclass(slots=True)
class DepartmentKeys:
    """Per-department names in key form, used by the keypad index."""

    name_initials: list[str]
    alias_initials: list[tuple[str, str]]


def department_surfaces(
    target: MatchTarget, to_simplified: ToSimplified
) -> list[tuple[str, str, float]]:
    """(text, label, weight) for each distinct name of a department, best label first."""
    name = normalise(target.name, to_simplified)
    local = without_cities(name, city_forms(target.city))
    named: list[tuple[str, str, float]] = [(name, "name", 1.0), (local, "name", 1.0)]
    for alias in target.aliases:
        named.append((normalise(alias, to_simplified), f"alias:{alias}", 1.0))
    stems = [(stem(text), label, STEM_WEIGHT * weight) for text, label, weight in named]
    seen: set[str] = set()
    result: list[tuple[str, str, float]] = []
    for text, label, weight in named + stems:
        if text and text not in seen:
            seen.add(text)
            result.append((text, label, weight))
    return result


def build_surfaces(
    targets: Sequence[MatchTarget],
    *,
    to_simplified: ToSimplified,
    syllabify: Syllabify,
    readings: KnownReadings,
    fuzzy_key: FuzzyKey,
    encode: Encode,
) -> tuple[SurfaceTable, list[DepartmentKeys]]:
    """Surfaces of all departments plus each department's initials for the keypad.

    Names with the city in them are read last: by then `readings` knows how the
    directory reads its characters, and most of them need no call to pypinyin.
    """
    named = [department_surfaces(target, to_simplified) for target in targets]
    parts_of: dict[str, Sequence[str]] = {}
    for surfaces in named:
        for text, _, _ in surfaces[1:]:
            if text not in parts_of:
                parts_of[text] = parts = syllabify(text)
                readings.learn(text, parts)
    readings.freeze()
    for surfaces in named:
        text = surfaces[0][0] if surfaces else ""
        if text and text not in parts_of:
            parts_of[text] = readings.read(text) or syllabify(text)
    table = SurfaceTable()
    keys: list[DepartmentKeys] = []
    for position, surfaces in enumerate(named):
        name_initials: list[str] = []
        alias_initials: list[tuple[str, str]] = []
        for text, label, weight in surfaces:
            parts = parts_of[text]
            letters = initials(parts)
            table.add(
                text,
                pinyin=fuzzy_key(parts),
                sounds=encode(parts),
                initials=letters,
                owner=position,
                label=label,
                weight=weight,
            )
            if weight < 1.0:
                continue
            if label == "name":
                name_initials.append(letters)
            else:
                alias_initials.append((letters, label))
        keys.append(DepartmentKeys(name_initials, alias_initials))
    table.freeze()
    return table, keys
