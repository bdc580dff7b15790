"""Where webhooks may post: public http(s) addresses only, unless the host is allowed.

A department names its webhook's URL, and the desk then posts to it from inside the
hotline's network: a URL naming the loopback, the LAN, or the cloud metadata address
would turn the desk into a proxy into that network (SSRF). The URL is checked when the
endpoint is added and, since a name may resolve elsewhere later, again at every
delivery; the delivery's connections go through `GuardedResolver`, so the address
connected to is one that was checked (no DNS rebinding between check and connect).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from base.errors import HotlineError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = ipaddress.ip_address("169.254.169.254")  # the clouds' instance metadata
MAX_URL = 500


class WebhookUrlForbidden(HotlineError):
    status = 400
    code = "webhook-url-forbidden"


def address_class(ip: IPAddress) -> str | None:
    """Why the desk must not post to `ip` ("loopback", "private", …), None if public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("unspecified", ip.is_unspecified), ("metadata", ip == METADATA),
        ("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast), ("private", ip.is_private),
        ("reserved", not ip.is_global),  # shared (100.64/10), documentation, future use
    )  # fmt: skip
    return next((name for name, hit in checks if hit), None)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """The webhook URL rules, with the hosts (names or addresses) exempt from the
    address check (`HOTLINE_WEBHOOK_ALLOWED_HOSTS`: a receiver on the LAN, tests)."""

    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_setting(cls, text: str) -> UrlPolicy:
        return cls(frozenset(h.strip().lower().strip("[]") for h in text.split(",") if h.strip()))

    def allows(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.allowed_hosts

    def parse(self, url: str) -> SplitResult:
        """The URL's parts; WebhookUrlForbidden unless http(s), with a host, no password."""
        url = url.strip()
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise _refused(url, "malformed", "the URL cannot be parsed") from None
        if parts.scheme not in ("http", "https") or len(url) > MAX_URL:
            raise _refused(url, "scheme", f"url must be an http(s) URL of at most {MAX_URL}"
                           " characters")  # fmt: skip
        if parts.username is not None or parts.password is not None:
            raise _refused(url, "credentials", "url must not carry a user name or password")
        if not parts.hostname:
            raise _refused(url, "no-host", "url must name a host")
        return parts

    def check_address(self, url: str, host: str, ip: IPAddress) -> None:
        why = None if self.allows(host) else address_class(ip)
        if why is not None:
            raise _refused(url, why, f"{host} is a {why} address ({ip}): webhooks post to"
                           " public addresses only, unless the host is in"
                           " HOTLINE_WEBHOOK_ALLOWED_HOSTS", address=str(ip))  # fmt: skip

    async def check(self, url: str, *, resolve: bool = True) -> str:
        """The URL, stripped, if the desk may post to it; resolves a name (every address
        it has must be public). A name that does not resolve passes: delivery checks again."""
        parts = self.parse(url)
        host = parts.hostname or ""
        url = url.strip()
        if self.allows(host):
            return url
        literal = _literal(host)
        if literal is not None:
            self.check_address(url, host, literal)
        elif resolve:
            for ip in await _resolve(host):
                self.check_address(url, host, ip)
        return url


def _refused(url: str, reason: str, message: str, **details: str) -> WebhookUrlForbidden:
    return WebhookUrlForbidden(message, details={"url": url[:MAX_URL], "reason": reason,
                                                 **details})  # fmt: skip


async def _resolve(host: str) -> list[IPAddress]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    found = (_literal(str(info[4][0]).split("%")[0]) for info in infos)
    return [ip for ip in found if ip is not None]


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, keeping only addresses the policy allows for the host; none
    left is a connection error (the delivery is logged as failed, nothing is sent)."""

    def __init__(self, policy: UrlPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if self._policy.allows(host):
            return results
        kept = [r for r in results if _public(r["host"])]
        if not kept:
            # (errno, text): aiohttp's connection error shows the text, the attempt logs it
            raise OSError(errno.EACCES, f"webhook-url-forbidden: {host} resolves to no"
                          " public address")  # fmt: skip
        return kept

    async def close(self) -> None:
        await self._inner.close()


def _public(address: Any) -> bool:
    ip = _literal(str(address).split("%")[0])
    return ip is not None and address_class(ip) is None
