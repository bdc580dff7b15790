"""Platforms in a tree: a city platform with the county platforms it supervises.

A platform is a site of the sites file (`routing.sites`); a site with `parent` is a
county under that city. Every order, call record and voicemail carries the id of the
platform it came through (its `platform` column); a user bound to a platform sees that
platform and everything below it. The directory files a department under a platform by
its city name: a department of `临江市清河县` belongs to the county whose site has that name.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.sites import SitesConfig


@dataclass(frozen=True, slots=True)
class Platform:
    """One node of the tree: a city (no parent) or a county under a city."""

    id: str
    name: str
    parent: str | None
    hotline_numbers: tuple[str, ...]

    @property
    def is_county(self) -> bool:
        return self.parent is not None


class PlatformTree:
    """Every platform, with the questions the desk and the controller ask of the tree.

    An empty tree (no sites loaded) scopes nothing: `subtree` of anything is just itself.
    """

    def __init__(self, platforms: tuple[Platform, ...] = (), *, default: str = "") -> None:
        self.platforms = platforms
        self._by_id = {platform.id: platform for platform in platforms}
        self.default = default if default in self._by_id else ""

    def get(self, platform_id: str) -> Platform | None:
        return self._by_id.get(platform_id)

    def name_of(self, platform_id: str) -> str:
        found = self._by_id.get(platform_id)
        return found.name if found is not None else platform_id

    def children(self, platform_id: str) -> tuple[Platform, ...]:
        return tuple(p for p in self.platforms if p.parent == platform_id)

    def subtree(self, platform_id: str) -> frozenset[str]:
        """`platform_id` and every platform below it."""
        found = {platform_id}
        frontier = [platform_id]
        while frontier:
            for child in self.children(frontier.pop()):
                if child.id not in found:
                    found.add(child.id)
                    frontier.append(child.id)
        return frozenset(found)

    def is_below(self, platform_id: str, ancestor: str) -> bool:
        """Whether `platform_id` is `ancestor` or under it."""
        return platform_id in self.subtree(ancestor)

    def by_city(self, city_name: str) -> Platform | None:
        """The platform a directory city (a department's `city`) belongs to."""
        return next((p for p in self.platforms if p.name == city_name), None)

    def for_number(self, number: str, *, within: str) -> str:
        """The platform a call to `number` belongs to, for a controller serving `within`:
        the county below it that owns the number, else `within` itself."""
        for platform_id in sorted(self.subtree(within)):
            found = self._by_id.get(platform_id)
            if found is not None and number in found.hotline_numbers:
                return found.id
        return within

    def to_json(self) -> list[dict[str, object]]:
        return [
            {"id": p.id, "name": p.name, "parent": p.parent,
             "hotline_numbers": list(p.hotline_numbers)}
            for p in self.platforms
        ]  # fmt: skip


def platform_tree(sites: SitesConfig, *, default: str = "") -> PlatformTree:
    """The tree of the sites file; `default` (the home site's id) files what has no origin."""
    return PlatformTree(
        tuple(
            Platform(id=site.id, name=site.name, parent=site.parent,
                     hotline_numbers=site.hotline_numbers)
            for site in sites.sites
        ),
        default=default,
    )  # fmt: skip
