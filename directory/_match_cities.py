"""The cities the department matcher knows, and finding one named inside a query.

A query names a city in characters (青山公积金) or in pinyin (qingshan gongjijin). Forms
are looked up by the query's own substrings rather than by scanning every city: the cost
follows the query's length, not the number of cities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from directory._match_text import ToSimplified, city_forms, normalise, without_cities
from directory.pinyin_keys import fuzzy_syllable

# 朝阳区 names a district, not 朝阳市: a bare city form followed by 区/县 is not a city.
_DISTRICT_MARKS = frozenset({"区", "县"})

Syllabify = Callable[[str], Sequence[str]]


class CityNames:
    """City ids by name, and every form of each city in characters and in fuzzy sounds."""

    def __init__(
        self, names: Iterable[str], *, syllabify: Syllabify, to_simplified: ToSimplified
    ) -> None:
        self.names = list(dict.fromkeys(names))
        self.ids = {name: i for i, name in enumerate(self.names)}
        self._to_simplified = to_simplified
        # Longest forms first; among equals, the order the cities were given in.
        han = sorted(
            ((form, i) for name, i in self.ids.items() for form in city_forms(name)),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._han = han
        self._han_order: dict[str, list[int]] = {}
        for order, (form, _) in enumerate(han):
            self._han_order.setdefault(form, []).append(order)
        self._han_sizes = sorted({len(form) for form, _ in han}, reverse=True)
        sounds = sorted(
            ((tuple(fuzzy_syllable(s) for s in syllabify(form)), i) for form, i in han),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._sounds = sounds
        self._sound_order: dict[tuple[str, ...], list[int]] = {}
        for order, (key, _) in enumerate(sounds):
            self._sound_order.setdefault(key, []).append(order)
        self._sound_sizes = sorted({len(key) for key, _ in sounds}, reverse=True)

    def find(self, city: str, default: int) -> int:
        """The id of a city given by name or by one of its forms (青山 for 青山市)."""
        known = self.ids.get(city)
        if known is not None:
            return known
        orders = self._han_order.get(normalise(city, self._to_simplified))
        return self._han[orders[0]][1] if orders else default

    def in_han(self, text: str) -> tuple[int | None, str]:
        """The city a Chinese query names, and the query without it; (None, text) if none."""
        present: list[int] = []
        for size in self._han_sizes:
            for start in range(len(text) - size + 1):
                present += self._han_order.get(text[start : start + size], ())
        for order in sorted(present):
            form, city_id = self._han[order]
            end = text.find(form) + len(form)
            if text[end : end + 1] in _DISTRICT_MARKS:
                continue
            rest = without_cities(text, city_forms(self.names[city_id]))
            if rest:
                return city_id, rest
        return None, text

    def in_sounds(self, parts: list[str]) -> tuple[int | None, list[str]]:
        """The city typed pinyin names, and the syllables without it; (None, parts) if none."""
        sounds = tuple(fuzzy_syllable(p) for p in parts)
        best: tuple[int, int] | None = None
        for size in self._sound_sizes:
            # The city alone is the whole query then, not a qualifier: leave it be.
            if len(sounds) <= size:
                continue
            for start in range(len(sounds) - size + 1):
                for order in self._sound_order.get(sounds[start : start + size], ()):
                    if best is None or (order, start) < best:
                        best = (order, start)
        if best is None:
            return None, parts
        order, start = best
        key, city_id = self._sounds[order]
        return city_id, parts[:start] + parts[start + len(key) :]
