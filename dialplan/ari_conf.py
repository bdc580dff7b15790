"""ari.conf: the one ARI user the controller logs in as, with the password from the settings."""

from __future__ import annotations

from dialplan.conf import ConfWriter, safe_name
from dialplan.plan import SitePlan


def render_ari(plan: SitePlan) -> str:
    options = plan.options
    writer = ConfWriter(f"ari.conf for site {plan.site.id} ({plan.site.name})")
    writer.section("general")
    writer.option("enabled", "yes")
    writer.option("pretty", "no")
    # Asterisk closes a socket whose reader lags this many ms (1011); the default 100
    # is tight for a controller busy with many calls, so give it half a second
    writer.option("websocket_write_timeout", 500)
    writer.section(
        safe_name(options.ari_user),
        comment="The hotline controller (HOTLINE_ARI_USER / HOTLINE_ARI_PASSWORD).",
    )
    writer.option("type", "user")
    writer.option("read_only", "no")
    writer.option("password", options.ari_password)
    writer.option("password_format", "plain")
    return writer.text()
