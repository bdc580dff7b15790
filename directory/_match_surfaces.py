"""Precomputed match surfaces: every way a department can be named, in every key form.

A surface is one name of a department (full name, name without its city, an alias, or
the stem of one of those), kept as parallel lists: the Chinese text, its fuzzy toneless
pinyin, its pinyin initials, who owns it and how a match on it is labelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from directory._match_grams import IntArray
from directory._match_text import ToSimplified, city_forms, normalise, stem, without_cities
from directory._match_types import MatchTarget
from directory.pinyin_keys import fuzzy_key, initials

# A stem (水务 of 水务公司) is a weaker witness than a real name or alias.
STEM_WEIGHT = 0.96

Syllabify = Callable[[str], Sequence[str]]
Encode = Callable[[Sequence[str]], str]


@dataclass(slots=True)
class SurfaceTable:
    """Parallel lists, one entry per surface; `owner` is the index of the department."""

    han: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)
    sounds: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)

    def add(
        self, han: str, parts: Sequence[str], sounds: str, *, owner: int, label: str, weight: float
    ) -> None:
        """Append one surface."""
        self.han.append(han)
        self.pinyin.append(fuzzy_key(parts))
        self.sounds.append(sounds)
        self.initials.append(initials(parts))
        self.owner.append(owner)
        self.label.append(label)
        self.weight.append(weight)


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
    encode: Encode,
) -> tuple[SurfaceTable, list[DepartmentKeys]]:
    """Surfaces of all departments plus each department's initials for the keypad."""
    table = SurfaceTable()
    keys: list[DepartmentKeys] = []
    for position, target in enumerate(targets):
        name_initials: list[str] = []
        alias_initials: list[tuple[str, str]] = []
        for text, label, weight in department_surfaces(target, to_simplified):
            parts = syllabify(text)
            table.add(text, parts, encode(parts), owner=position, label=label, weight=weight)
            if weight < 1.0:
                continue
            if label == "name":
                name_initials.append(initials(parts))
            else:
                alias_initials.append((initials(parts), label))
        keys.append(DepartmentKeys(name_initials, alias_initials))
    return table, keys


def surface_cities(table: SurfaceTable, department_cities: IntArray) -> IntArray:
    """The city id of each surface's department."""
    owners = np.asarray(table.owner, dtype=np.int32)
    return department_cities[owners] if len(owners) else owners
