"""Keypad lookup: departments by the phone-keypad digits of their pinyin initials.

公安局 → G-A-J → 4-2-5. A caller may key the initials of the name, of an alias, or of
the full city-prefixed name (临江市公安局 → L-J-S-G-A-J).
"""

from __future__ import annotations

from collections.abc import Sequence

from directory._match_surfaces import DepartmentKeys
from directory.pinyin_keys import keypad_digits

NAME_TIER = 0
ALIAS_TIER = 1


class KeypadIndex:
    """Maps keypad digit strings to (tier, department index, label) entries."""

    def __init__(self, departments: Sequence[DepartmentKeys]) -> None:
        best: dict[str, dict[int, tuple[int, str]]] = {}
        for position, keys in enumerate(departments):
            entries = [(letters, NAME_TIER, "keys") for letters in keys.name_initials]
            entries += [
                (letters, ALIAS_TIER, f"keys:{label}") for letters, label in keys.alias_initials
            ]
            for letters, tier, label in entries:
                digits = keypad_digits(letters)
                if not digits:
                    continue
                known = best.setdefault(digits, {})
                if position not in known or tier < known[position][0]:
                    known[position] = (tier, label)
        self._entries = {
            digits: tuple((tier, position, label) for position, (tier, label) in found.items())
            for digits, found in best.items()
        }

    def lookup(self, digits: str) -> tuple[tuple[int, int, str], ...]:
        """Entries whose initials key to exactly these digits."""
        return self._entries.get(digits, ())
