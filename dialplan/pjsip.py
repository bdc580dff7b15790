"""pjsip.conf for one site: transport, seat and liaison phones, trunks to neighbouring sites.

Each section is written out in full rather than inheriting from an Asterisk template
(`[name](template)`): asterisklint 0.4.3 does not parse template inheritance, and a
file the linter cannot read is a file nobody checked. The templates are the three
functions below — one per kind of peer — so every seat gets the same options.

Phones register (endpoint, auth and AOR named after the resource in `PJSIP/<name>`);
trunks are matched by the neighbour's address and carry no password, so the firewall
must let SIP in from the trunk peers only (docs/deploy.md).
"""

from __future__ import annotations

from dialplan.conf import ConfWriter
from dialplan.plan import Line, SitePlan, Trunk
from dialplan.secrets import SecretSource

# China's PSTN speaks G.711 A-law; u-law is kept for phones that only offer it
_MEDIA = (
    ("disallow", "all"),
    ("allow", "alaw,ulaw"),
    ("direct_media", "no"),  # media must pass Asterisk: it records and plays prompts
    ("dtmf_mode", "rfc4733"),
    ("language", "zh"),
)
# phones sit behind NAT more often than not
_NAT = (("rtp_symmetric", "yes"), ("force_rport", "yes"), ("rewrite_contact", "yes"))


def _phone(
    writer: ConfWriter, line: Line, context: str, password: str, *, may_transfer: bool = True
) -> None:
    name = line.resource
    writer.section(name, comment=line.note)
    writer.option("type", "endpoint")
    writer.option("transport", "transport-udp")
    writer.option("context", context)
    for key, value in _MEDIA + _NAT:
        writer.option(key, value)
    if not may_transfer:
        # One transfer only (二次转接 is forbidden): Asterisk refuses the phone's SIP
        # REFER (blind and attended transfer), so a liaison cannot pass the caller on.
        writer.option("allow_transfer", "no")
    writer.option("auth", f"{name}-auth")
    writer.option("aors", name)
    writer.section(f"{name}-auth")
    writer.option("type", "auth")
    writer.option("auth_type", "userpass")
    writer.option("username", name)
    writer.option("password", password)
    writer.section(name)
    writer.option("type", "aor")
    writer.option("max_contacts", 1)
    writer.option("remove_existing", "yes")
    writer.option("qualify_frequency", 30)


def _trunk(writer: ConfWriter, trunk: Trunk, context: str) -> None:
    name = trunk.resource
    writer.section(name, comment=f"trunk to site {trunk.site}")
    writer.option("type", "endpoint")
    writer.option("transport", "transport-udp")
    writer.option("context", context)
    for key, value in _MEDIA:
        writer.option(key, value)
    writer.option("aors", name)
    # keep the caller's number across the trunk: the seat sees who is calling
    writer.option("trust_id_inbound", "yes")
    writer.option("trust_id_outbound", "yes")
    writer.option("send_pai", "yes")
    writer.section(name)
    writer.option("type", "aor")
    writer.option("contact", f"sip:{trunk.host}:{trunk.port}")
    writer.option("qualify_frequency", 60)
    writer.section(f"{name}-identify")
    writer.option("type", "identify")
    writer.option("endpoint", name)
    writer.option("match", trunk.host)


def render_pjsip(plan: SitePlan, secrets: SecretSource) -> str:
    """The text of pjsip.conf for `plan`'s site; passwords come from `secrets`."""
    site = plan.site
    writer = ConfWriter(f"pjsip.conf for site {site.id} ({site.name})")
    writer.section("global")
    writer.option("type", "global")
    writer.option("user_agent", f"Hotline PBX {site.id}")
    # trunks by source address first, then phones by the user they authenticate as
    writer.option("endpoint_identifier_order", "ip,username")
    writer.section("transport-udp")
    writer.option("type", "transport")
    writer.option("protocol", "udp")
    writer.option("bind", f"0.0.0.0:{plan.options.sip_port}")
    for line in plan.seats:
        _phone(writer, line, plan.context("seats"), secrets.password(line.resource))
    for line in plan.liaisons:
        _phone(writer, line, plan.context("liaisons"), secrets.password(line.resource),
               may_transfer=False)  # fmt: skip
    for trunk in plan.trunks:
        _trunk(writer, trunk, plan.context("from-trunks"))
    return writer.text()
