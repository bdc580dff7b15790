"""The sites file: each city's hotline numbers, operator seats and overflow neighbours.

A TOML file with one `[sites.<id>]` table per city::

    [sites.linjiang]
    name = "临江市"
    hotline_numbers = ["12345", "114", "96128"]
    wrapup_s = 30

    [[sites.linjiang.seats]]
    id = "lj-01"
    endpoint = "PJSIP/seat-lj-01"
    skills = ["mandarin", "linjiang-dialect"]
    enabled = true                      # optional, default true

    [[sites.linjiang.neighbours]]       # in overflow order
    site = "qingshan"
    max_longest_wait_s = 30             # overflow once the oldest caller waited longer
    max_queue_length = 8                # ... or once more callers than this wait
    max_overflow_share = 0.3            # ... but never send away more than this share

    [sites.qinghe]                      # a county platform under the city (docs/platforms.md)
    name = "临江市清河县"
    parent = "linjiang"                 # optional: the site whose platform supervises it
    hotline_numbers = ["83312345"]      # its own; never one of its ancestors' numbers

Every problem is reported as `LoadError` naming the file, the key and what is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from base.errors import InvalidInput

DEFAULT_SITES_FILE = Path(__file__).with_name("data") / "sites.toml"


class SitesFileError(InvalidInput):
    """The sites file cannot be used; the message says file, key and problem."""

    code = "sites-file-invalid"

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}", details={"file": str(path), "key": key})
        self.path = str(path)
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Seat:
    """One operator seat (坐席): an endpoint an operator answers on."""

    id: str
    site: str
    endpoint: str
    skills: frozenset[str]
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A city this site may send calls to, and when it may."""

    site: str
    max_longest_wait_s: float
    max_queue_length: int
    max_overflow_share: float


@dataclass(frozen=True, slots=True)
class Site:
    """One city: its numbers, its seats and its neighbours in overflow order."""

    id: str
    name: str
    hotline_numbers: tuple[str, ...]
    wrapup_s: float
    seats: tuple[Seat, ...]
    neighbours: tuple[Neighbour, ...]
    parent: str | None = None  # a county's city (routing.platforms builds the tree)

    def seat(self, seat_id: str) -> Seat | None:
        return next((seat for seat in self.seats if seat.id == seat_id), None)


@dataclass(frozen=True, slots=True)
class SitesConfig:
    """Every site, looked up by id, seat or endpoint."""

    sites: tuple[Site, ...]

    def site(self, site_id: str) -> Site:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)

    def site_of_seat(self, seat_id: str) -> Site:
        for site in self.sites:
            if site.seat(seat_id) is not None:
                return site
        raise KeyError(seat_id)

    def seat(self, seat_id: str) -> Seat:
        seat = self.site_of_seat(seat_id).seat(seat_id)
        assert seat is not None
        return seat

    def seat_by_endpoint(self, endpoint: str) -> Seat | None:
        for site in self.sites:
            for seat in site.seats:
                if seat.endpoint == endpoint:
                    return seat
        return None


class _Reader:
    """Typed access to raw TOML values, failing with the file and the dotted key."""

    def __init__(self, path: Path | str) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> SitesFileError:
        return SitesFileError(self.path, key, problem)

    def table(self, raw: Mapping[str, Any], name: str, key: str) -> Mapping[str, Any]:
        value = raw.get(name)
        if not isinstance(value, dict):
            raise self.fail(key, "missing" if value is None else "must be a table")
        return value

    def text(self, raw: Mapping[str, Any], name: str, key: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "missing" if value is None else "must be a non-empty string")
        return value.strip()

    def number(
        self, raw: Mapping[str, Any], name: str, key: str, *, default: float | None = None
    ) -> float:
        value = raw.get(name, default)
        if value is None:
            raise self.fail(key, "missing")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(key, f"must be a number >= 0, got {value!r}")
        return float(value)

    def strings(self, raw: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def tables(self, raw: Mapping[str, Any], name: str, key: str) -> list[Mapping[str, Any]]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, f"must be an array of tables ([[{key}]])")
        return value


def _seat(reader: _Reader, raw: Mapping[str, Any], site_id: str, key: str) -> Seat:
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise reader.fail(f"{key}.enabled", "must be true or false")
    return Seat(
        id=reader.text(raw, "id", f"{key}.id"),
        site=site_id,
        endpoint=reader.text(raw, "endpoint", f"{key}.endpoint"),
        skills=frozenset(reader.strings(raw, "skills", f"{key}.skills")),
        enabled=enabled,
    )


def _neighbour(reader: _Reader, raw: Mapping[str, Any], key: str) -> Neighbour:
    share = reader.number(raw, "max_overflow_share", f"{key}.max_overflow_share")
    if share > 1:
        raise reader.fail(f"{key}.max_overflow_share", f"must be between 0 and 1, got {share}")
    length = reader.number(raw, "max_queue_length", f"{key}.max_queue_length")
    if length != int(length):
        raise reader.fail(f"{key}.max_queue_length", f"must be a whole number, got {length}")
    return Neighbour(
        site=reader.text(raw, "site", f"{key}.site"),
        max_longest_wait_s=reader.number(raw, "max_longest_wait_s", f"{key}.max_longest_wait_s"),
        max_queue_length=int(length),
        max_overflow_share=share,
    )


def _site(reader: _Reader, site_id: str, raw: Mapping[str, Any]) -> Site:
    key = f"sites.{site_id}"
    if not isinstance(raw, dict):
        raise reader.fail(key, "must be a table")
    seats = tuple(
        _seat(reader, seat, site_id, f"{key}.seats[{index}]")
        for index, seat in enumerate(reader.tables(raw, "seats", f"{key}.seats"))
    )
    neighbours = tuple(
        _neighbour(reader, neighbour, f"{key}.neighbours[{index}]")
        for index, neighbour in enumerate(reader.tables(raw, "neighbours", f"{key}.neighbours"))
    )
    parent = raw.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise reader.fail(f"{key}.parent", "must be a site id")
    return Site(
        id=site_id,
        parent=parent.strip() if isinstance(parent, str) else None,
        name=reader.text(raw, "name", f"{key}.name"),
        hotline_numbers=reader.strings(raw, "hotline_numbers", f"{key}.hotline_numbers"),
        wrapup_s=reader.number(raw, "wrapup_s", f"{key}.wrapup_s", default=30.0),
        seats=seats,
        neighbours=neighbours,
    )


def _check_references(reader: _Reader, sites: tuple[Site, ...]) -> None:
    """Cross-site rules: unique seat ids and endpoints, neighbours that exist."""
    site_ids = {site.id for site in sites}
    seen_seats: dict[str, str] = {}
    seen_endpoints: dict[str, str] = {}
    for site in sites:
        for index, seat in enumerate(site.seats):
            key = f"sites.{site.id}.seats[{index}]"
            if seat.id in seen_seats:
                raise reader.fail(
                    f"{key}.id", f"seat {seat.id!r} already used in {seen_seats[seat.id]}"
                )
            if seat.endpoint in seen_endpoints:
                raise reader.fail(
                    f"{key}.endpoint",
                    f"{seat.endpoint!r} already used by seat {seen_endpoints[seat.endpoint]}",
                )
            seen_seats[seat.id] = f"sites.{site.id}"
            seen_endpoints[seat.endpoint] = seat.id
        for index, neighbour in enumerate(site.neighbours):
            key = f"sites.{site.id}.neighbours[{index}].site"
            if neighbour.site not in site_ids:
                raise reader.fail(key, f"unknown site {neighbour.site!r}")
            if neighbour.site == site.id:
                raise reader.fail(key, "a site cannot overflow to itself")


def _check_parents(reader: _Reader, sites: tuple[Site, ...]) -> None:
    """A parent exists, the tree has no cycle, and a number is not also an ancestor's
    (the dialled number is what files a call under a county)."""
    by_id = {site.id: site for site in sites}
    for site in sites:
        key = f"sites.{site.id}.parent"
        seen = {site.id}
        parent = site.parent
        while parent is not None:
            ancestor = by_id.get(parent)
            if ancestor is None:
                raise reader.fail(key, f"unknown site {parent!r}")
            if ancestor.id in seen:
                raise reader.fail(key, f"the parents of {site.id!r} form a cycle")
            shared = sorted(set(site.hotline_numbers) & set(ancestor.hotline_numbers))
            if shared:
                raise reader.fail(
                    f"sites.{site.id}.hotline_numbers",
                    f"{', '.join(shared)} already belongs to {ancestor.id!r}",
                )
            seen.add(ancestor.id)
            parent = ancestor.parent


def parse_sites(text: str, *, path: Path | str = "<sites>") -> SitesConfig:
    """Parse the TOML text of a sites file; `path` only names it in errors."""
    reader = _Reader(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise reader.fail("(file)", f"not valid TOML: {error}") from error
    sites_raw = reader.table(raw, "sites", "sites")
    if not sites_raw:
        raise reader.fail("sites", "no site defined")
    sites = tuple(_site(reader, site_id, site) for site_id, site in sites_raw.items())
    _check_references(reader, sites)
    _check_parents(reader, sites)
    return SitesConfig(sites=sites)


def load_sites(path: Path | str = DEFAULT_SITES_FILE) -> SitesConfig:
    """Read and check the sites file at `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SitesFileError(path, "(file)", f"cannot be read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise SitesFileError(path, "(file)", f"is not UTF-8: {error}") from error
    return parse_sites(text, path=path)
