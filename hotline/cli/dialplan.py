"""`hotline dialplan render --out DIR`: Asterisk configs for every site, from the database.

`hotline dialplan check --dir DIR` looks at files already rendered: every SIP host their
pjsip.conf names must resolve here, or Asterisk silently drops the `identify` at load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from base.config import Settings
from dialplan import (
    HostUse,
    RenderOptions,
    SecretsFileError,
    SecretSource,
    UnsafeValue,
    host_uses,
    render_all,
    sip_host_env,
    sip_hosts_from_env,
    unresolvable,
    write_rendering,
)
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError
from routing import DEFAULT_SITES_FILE, SitesFileError, load_sites

SECRETS_FILE = "sip-secrets.toml"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("dialplan", help="Asterisk configuration for each site")
    actions = parser.add_subparsers(dest="dialplan_command", required=True, metavar="ACTION")
    render = actions.add_parser(
        "render",
        help="write <site>/extensions.conf, pjsip.conf, ari.conf and http.conf under --out",
    )
    render.add_argument("--out", type=Path, required=True, help="output folder")
    render.add_argument("--site", help="render this site only (its id in the sites file)")
    render.add_argument(
        "--secrets",
        type=Path,
        help=f"SIP passwords (TOML); default <data_dir>/{SECRETS_FILE}, never in the repository",
    )
    render.add_argument(
        "--no-generate",
        action="store_true",
        help="fail on a missing SIP password instead of generating and saving one",
    )
    render.add_argument(
        "--sip-domain",
        default="hotline.internal",
        help="each site's Asterisk is pbx-<site>.<domain> unless HOTLINE_SIP_HOST_<SITE> is set",
    )
    render.add_argument("--http-bind", default="", help="ARI bind address (default: ARI URL host)")
    render.add_argument(
        "--allow-unresolved-hosts",
        action="store_true",
        help="write pjsip.conf even when a trunk host does not resolve here (warn only)",
    )
    render.set_defaults(handler=_render)
    check = actions.add_parser(
        "check", help="report the SIP hosts of rendered pjsip.conf files that do not resolve"
    )
    check.add_argument("--dir", type=Path, required=True, help="the folder render wrote")
    check.set_defaults(handler=_check)


def _host_problem(site: str, use: HostUse) -> str:
    peer = use.section.removeprefix("trunk-").removesuffix("-identify")
    return (
        f"{site}/pjsip.conf [{use.section}] {use.option}={use.host} does not resolve here; "
        "Asterisk drops such an identify silently at load and refuses the trunk's calls "
        f"(set {sip_host_env(peer)} to the address of site {peer})"
    )


def _check(args: argparse.Namespace, settings: Settings) -> int:
    files = sorted(args.dir.glob("*/pjsip.conf"))
    if not files:
        raise CommandError(f"no <site>/pjsip.conf under {args.dir}")
    problems = [
        _host_problem(path.parent.name, use)
        for path in files
        for use in unresolvable(host_uses(path.read_text("utf-8")))
    ]
    for problem in problems:
        print(f"problem: {problem}")
    print(f"{len(files)} pjsip.conf checked: {len(problems)} unresolvable SIP host(s)")
    return 1 if problems else 0


def _render(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_render_async(args, settings))


async def _render_async(args: argparse.Namespace, settings: Settings) -> int:
    try:
        sites = load_sites(settings.sites_file or DEFAULT_SITES_FILE)
    except SitesFileError as exc:
        raise CommandError(str(exc)) from None
    async with build_components(settings, load_directory=False) as components:
        records = await components.directory_repository.all_records()
    options = RenderOptions(
        ari_app=settings.ari_app,
        ari_user=settings.ari_user,
        ari_password=settings.ari_password,
        ari_url=settings.ari_url,
        dial_timeout_s=settings.dial_timeout_s,
        sip_domain=args.sip_domain,
        sip_hosts=sip_hosts_from_env((site.id for site in sites.sites), os.environ),
        http_bind=args.http_bind,
        service_numbers=(settings.voicemail_access_number,),
    )
    secrets_path: Path = args.secrets or settings.data_dir / SECRETS_FILE
    try:
        secrets = SecretSource(environ=os.environ, path=secrets_path, generate=not args.no_generate)
        rendering = render_all(records, sites, options, secrets, only_site=args.site)
    except KeyError as exc:
        raise CommandError(f"{exc.args[0]}") from None
    except (SecretsFileError, UnsafeValue) as exc:
        raise CommandError(str(exc)) from None
    problems = [
        _host_problem(str(path.parent), use)
        for path, text in sorted(rendering.files.items())
        if path.name == "pjsip.conf"
        for use in unresolvable(host_uses(text))
    ]
    if problems and not args.allow_unresolved_hosts:
        raise CommandError(
            "refusing to render: "
            + "; ".join(problems)
            + " (or pass --allow-unresolved-hosts if the names resolve on the PBX)"
        )
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    written = write_rendering(rendering, args.out)
    saved = secrets.save()
    for warning in rendering.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if saved:
        print(f"{saved} new SIP password(s) saved in {secrets_path}")
    print(
        f"rendered {len(rendering.files)} file(s) under {args.out}: "
        f"{len(written)} changed, {len(rendering.files) - len(written)} unchanged"
    )
    return 0
