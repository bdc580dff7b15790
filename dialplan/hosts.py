"""The SIP hosts a rendered pjsip.conf names, and whether each resolves.

Seen on Asterisk 22: an `identify` whose `match` host does not resolve fails to load
without a word at the default log level, and the neighbour's calls over that trunk are
then refused as from an unknown peer. So render refuses such hosts (unless told to go
on), and `hotline dialplan check` reports them for files already written.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Resolver = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class HostUse:
    """One host a pjsip.conf section depends on."""

    section: str
    option: str  # `match` of an identify, `contact` of an AOR
    host: str


def resolves(host: str) -> bool:
    """An address, or a name this machine resolves (as Asterisk will when it loads)."""
    try:
        ipaddress.ip_network(host, strict=False)
        return True
    except ValueError:
        pass
    try:
        return bool(socket.getaddrinfo(host, None))
    except (socket.gaierror, UnicodeError):
        return False


def _contact_host(value: str) -> str:
    rest = value.removeprefix("sips:").removeprefix("sip:").split(";", 1)[0]
    rest = rest.rpartition("@")[2]
    if rest.startswith("["):  # [IPv6]:port
        return rest[1:].partition("]")[0]
    return rest.partition(":")[0]


def host_uses(pjsip_text: str) -> list[HostUse]:
    """Every identify `match` and AOR `contact` host in a pjsip.conf text, in file order."""
    uses: list[HostUse] = []
    section, kind = "", ""
    pending: list[tuple[str, str]] = []

    def close() -> None:
        for option, value in pending:
            if option == "match" and kind == "identify":
                uses.extend(HostUse(section, "match", v.strip()) for v in value.split(","))
            elif option == "contact" and kind == "aor":
                uses.append(HostUse(section, "contact", _contact_host(value)))
        pending.clear()

    for raw in pjsip_text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("[") and "]" in line:
            close()
            section, kind = line[1 : line.index("]")], ""
        elif "=" in line:
            key, _, value = (part.strip() for part in line.partition("="))
            if key == "type":
                kind = value
            elif key in ("match", "contact"):
                pending.append((key, value))
    close()
    return [use for use in uses if use.host]


def unresolvable(uses: Iterable[HostUse], resolve: Resolver = resolves) -> list[HostUse]:
    """The uses whose host does not resolve (each host is looked up once)."""
    known: dict[str, bool] = {}
    failed = []
    for use in uses:
        if use.host not in known:
            known[use.host] = resolve(use.host)
        if not known[use.host]:
            failed.append(use)
    return failed
