"""What one site's Asterisk needs, gathered from the directory and the sites file.

A `SitePlan` is the renderers' only input: the site's hotline numbers, its operator
seats, the liaison and backup phones of its city's departments, and the trunks to
every site it overflows to or receives overflow from. Anything that cannot be rendered
(a department of no known site, an endpoint that is not a plain PJSIP resource) is
left out and reported in `warnings`, so one bad row never blocks a render.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dialplan.conf import UnsafeValue, safe_name
from directory import DepartmentRecord
from routing import Seat, Site, SitesConfig

_PJSIP = "PJSIP/"
_SITE_ENV = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Settings the rendered files depend on (from `base.config.Settings` and the CLI)."""

    ari_app: str
    ari_user: str
    ari_password: str
    ari_url: str
    dial_timeout_s: int
    sip_domain: str = "hotline.internal"
    sip_port: int = 5060
    sip_hosts: Mapping[str, str] = field(default_factory=dict)
    """Site id → host name or address of its Asterisk, overriding `pbx-<site>.<domain>`."""
    http_bind: str = ""
    """Address Asterisk's HTTP server (ARI) binds to; empty: the host of `ari_url`."""
    service_numbers: tuple[str, ...] = ()
    """Numbers every site also sends to Stasis, e.g. the liaisons' voicemail line."""

    def sip_host(self, site_id: str) -> str:
        return self.sip_hosts.get(site_id) or f"pbx-{site_id}.{self.sip_domain}"


def sip_host_env(site_id: str) -> str:
    """The environment variable that overrides a site's SIP host."""
    return "HOTLINE_SIP_HOST_" + _SITE_ENV.sub("_", site_id.upper())


def sip_hosts_from_env(site_ids: Iterable[str], environ: Mapping[str, str]) -> dict[str, str]:
    """Per-site SIP host overrides found in the environment."""
    found = {site_id: environ.get(sip_host_env(site_id), "").strip() for site_id in site_ids}
    return {site_id: host for site_id, host in found.items() if host}


@dataclass(frozen=True, slots=True)
class Line:
    """A phone registered on the site's Asterisk: a seat or a liaison's line."""

    resource: str
    """The PJSIP endpoint, AOR and user name: the part after `PJSIP/`."""
    note: str


@dataclass(frozen=True, slots=True)
class Trunk:
    """A SIP trunk to a neighbouring site's Asterisk."""

    site: str
    host: str
    port: int

    @property
    def resource(self) -> str:
        return f"trunk-{self.site}"


@dataclass(frozen=True, slots=True)
class RemoteSeat:
    """A neighbour's seat, reached through the trunk to its site."""

    resource: str
    trunk: Trunk


@dataclass(frozen=True, slots=True)
class SitePlan:
    site: Site
    options: RenderOptions
    seats: tuple[Line, ...]
    liaisons: tuple[Line, ...]
    trunks: tuple[Trunk, ...]
    remote_seats: tuple[RemoteSeat, ...]

    @property
    def id(self) -> str:
        return self.site.id

    def context(self, role: str) -> str:
        """Dialplan context names carry the site id, so sites' files never clash."""
        return f"hotline-{self.site.id}-{role}"


@dataclass(slots=True)
class Plans:
    sites: list[SitePlan]
    warnings: list[str]


def _resource(endpoint: str) -> str | None:
    """`PJSIP/seat-lj-01` → `seat-lj-01`; None for other technologies or odd resources."""
    if not endpoint.startswith(_PJSIP):
        return None
    try:
        return safe_name(endpoint[len(_PJSIP) :])
    except UnsafeValue:
        return None


def _seat_lines(site: Site, warnings: list[str]) -> list[Line]:
    lines = []
    for seat in sorted(site.seats, key=lambda s: s.id):
        resource = _resource(seat.endpoint)
        if resource is None:
            warnings.append(f"seat {seat.id}: {seat.endpoint!r} is not a PJSIP/<name> endpoint")
            continue
        lines.append(Line(resource=resource, note=_seat_note(seat)))
    return lines


def _seat_note(seat: Seat) -> str:
    skills = ", ".join(sorted(seat.skills)) or "none"
    state = "" if seat.enabled else " (disabled in the sites file)"
    return f"operator seat {seat.id}; skills: {skills}{state}"


def _liaison_lines(
    records: Iterable[DepartmentRecord], taken: set[str], warnings: list[str]
) -> list[Line]:
    served: dict[str, list[str]] = {}
    for record in records:
        for role, endpoint in (("liaison", record.liaison_endpoint),
                               ("backup", record.backup_endpoint)):  # fmt: skip
            if not endpoint:
                continue
            resource = _resource(endpoint)
            if resource is None:
                warnings.append(
                    f"department {record.code}: {role} {endpoint!r} is not a PJSIP/<name> "
                    "endpoint; configure it by hand"
                )
                continue
            served.setdefault(resource, []).append(f"{record.code} ({role})")
    lines = []
    for resource in sorted(served):
        if resource in taken:
            warnings.append(f"liaison endpoint {resource} is also a seat: rendered once, as a seat")
            continue
        lines.append(Line(resource=resource, note="liaison line of " + ", ".join(served[resource])))
    return lines


def _trunks(site: Site, config: SitesConfig, options: RenderOptions) -> list[Trunk]:
    """Both directions: sites this one overflows to and sites that overflow to it."""
    peers = {n.site for n in site.neighbours}
    peers |= {other.id for other in config.sites if site.id in {n.site for n in other.neighbours}}
    return [
        Trunk(site=peer, host=options.sip_host(peer), port=options.sip_port)
        for peer in sorted(peers)
    ]


def build_plans(
    records: Iterable[DepartmentRecord], config: SitesConfig, options: RenderOptions
) -> Plans:
    """One plan per site; departments are placed by their city, which names a site."""
    warnings: list[str] = []
    by_city: dict[str, list[DepartmentRecord]] = {}
    for record in records:
        by_city.setdefault(record.city, []).append(record)
    site_names = {site.name for site in config.sites}
    for city in sorted(by_city.keys() - site_names):
        warnings.append(
            f"{len(by_city[city])} department(s) of {city}: no site in the sites file; "
            "their liaison lines are not rendered"
        )
    seat_lines = {site.id: _seat_lines(site, warnings) for site in config.sites}
    plans = []
    for site in sorted(config.sites, key=lambda s: s.id):
        seats = seat_lines[site.id]
        taken = {line.resource for line in seats}
        liaisons = _liaison_lines(by_city.get(site.name, []), taken, warnings)
        trunks = _trunks(site, config, options)
        trunk_of = {trunk.site: trunk for trunk in trunks}
        remote = [
            RemoteSeat(resource=line.resource, trunk=trunk_of[neighbour.site])
            for neighbour in sorted(site.neighbours, key=lambda n: n.site)
            for line in seat_lines[neighbour.site]
        ]
        plans.append(
            SitePlan(
                site=site,
                options=options,
                seats=tuple(seats),
                liaisons=tuple(liaisons),
                trunks=tuple(trunks),
                remote_seats=tuple(remote),
            )
        )
    return Plans(sites=plans, warnings=warnings)
