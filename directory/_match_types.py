"""Values the department matcher takes and returns (re-exported by directory.matcher)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MatchTarget:
    """One department as the matcher sees it."""

    code: str
    name: str
    name_en: str
    aliases: tuple[str, ...]
    city: str


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked candidate; `matched` says what matched ("name", "alias:工商局", "pinyin"...)."""

    code: str
    name: str
    city: str
    score: float
    matched: str


@dataclass(frozen=True, slots=True)
class LookupResult:
    """Ranked candidates for one query; `ambiguous` means the IVR should ask the caller."""

    query: str
    ambiguous: bool
    results: tuple[Match, ...]

    def to_json(self) -> dict[str, object]:
        """The result as JSON-ready data."""
        return {
            "query": self.query,
            "ambiguous": self.ambiguous,
            "results": [
                {
                    "code": match.code,
                    "name": match.name,
                    "city": match.city,
                    "score": match.score,
                    "matched": match.matched,
                }
                for match in self.results
            ],
        }
