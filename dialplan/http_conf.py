"""http.conf: Asterisk's HTTP server, which carries ARI, bound where the controller looks.

The address and port come from the controller's ARI URL (HOTLINE_ARI_URL) unless a bind
address is given. With an `https://` URL the TLS listener takes that address and the
plain listener stays on loopback, for the local `ari` CLI and health checks only.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from dialplan.conf import ConfWriter, UnsafeValue
from dialplan.plan import SitePlan

TLS_CERT = "/etc/asterisk/keys/asterisk.crt"
TLS_KEY = "/etc/asterisk/keys/asterisk.key"
PLAIN_PORT = 8088


def _bind_address(host: str, explicit: str) -> str:
    if explicit:
        return explicit
    if host == "localhost":
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        # a host name: Asterisk binds addresses, so listen on all of them and firewall
        return "0.0.0.0"


def render_http(plan: SitePlan) -> str:
    url = urlsplit(plan.options.ari_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise UnsafeValue(f"ARI URL {plan.options.ari_url!r} is not http(s)://host[:port]")
    tls = url.scheme == "https"
    port = url.port or (443 if tls else 80)
    address = _bind_address(url.hostname, plan.options.http_bind)
    writer = ConfWriter(f"http.conf for site {plan.site.id} ({plan.site.name})")
    writer.section(
        "general",
        comment=f"ARI for the controller at {url.scheme}://{url.hostname}:{port}/ari",
    )
    writer.option("enabled", "yes")
    writer.option("enablestatic", "no")
    writer.option("servername", "Hotline PBX")
    if tls:
        writer.option("bindaddr", "127.0.0.1")
        writer.option("bindport", PLAIN_PORT if port != PLAIN_PORT else PLAIN_PORT + 10)
        writer.option("tlsenable", "yes")
        host = f"[{address}]" if ":" in address else address  # IPv6 takes brackets
        writer.option("tlsbindaddr", f"{host}:{port}")
        writer.comment("Certificate and key of this PBX's host name (see docs/deploy.md).")
        writer.option("tlscertfile", TLS_CERT)
        writer.option("tlsprivatekey", TLS_KEY)
    else:
        writer.option("bindaddr", address)
        writer.option("bindport", port)
    return writer.text()
