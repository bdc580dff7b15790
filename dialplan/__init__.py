"""Dialplan rendering: extensions.conf, pjsip.conf, ari.conf and http.conf for a real Asterisk.

Built from the directory, the seats and the sites, so a city can point its Asterisk at
the hotline with the same data the hotline uses. `render_all` gives every site's files,
`write_rendering` puts them in a folder per site; SIP passwords come from a
`SecretSource` (environment or a secrets file outside the repository).
"""

from dialplan.conf import UnsafeValue
from dialplan.hosts import HostUse, host_uses, resolves, unresolvable
from dialplan.plan import RenderOptions, SitePlan, build_plans, sip_host_env, sip_hosts_from_env
from dialplan.render import CONF_FILES, Rendering, render_all, render_site, write_rendering
from dialplan.secrets import SecretsFileError, SecretSource, env_name

__all__ = [
    "CONF_FILES",
    "HostUse",
    "RenderOptions",
    "Rendering",
    "SecretSource",
    "SecretsFileError",
    "SitePlan",
    "UnsafeValue",
    "build_plans",
    "env_name",
    "host_uses",
    "render_all",
    "render_site",
    "resolves",
    "sip_host_env",
    "sip_hosts_from_env",
    "unresolvable",
    "write_rendering",
]
