"""Rendering every site's Asterisk configuration and writing it to a directory.

One Asterisk per site (DESIGN.md, "Past one machine"): the output holds one folder per
site with its extensions.conf, pjsip.conf, ari.conf and http.conf, ready to copy into
that Asterisk's /etc/asterisk. The text depends only on the inputs — sorted, no dates —
so a render that changes nothing changes no file, and golden tests compare bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dialplan.ari_conf import render_ari
from dialplan.extensions import render_extensions
from dialplan.http_conf import render_http
from dialplan.pjsip import render_pjsip
from dialplan.plan import RenderOptions, SitePlan, build_plans
from dialplan.secrets import SecretSource
from directory import DepartmentRecord
from routing import SitesConfig

CONF_FILES = ("extensions.conf", "pjsip.conf", "ari.conf", "http.conf")


@dataclass(frozen=True, slots=True)
class Rendering:
    """Rendered files by relative path (`<site>/<name>.conf`) and what was left out."""

    files: Mapping[PurePosixPath, str]
    warnings: tuple[str, ...]


def render_site(plan: SitePlan, secrets: SecretSource) -> dict[str, str]:
    """The four files of one site, by file name."""
    return {
        "extensions.conf": render_extensions(plan),
        "pjsip.conf": render_pjsip(plan, secrets),
        "ari.conf": render_ari(plan),
        "http.conf": render_http(plan),
    }


def render_all(
    records: Iterable[DepartmentRecord],
    sites: SitesConfig,
    options: RenderOptions,
    secrets: SecretSource,
    *,
    only_site: str | None = None,
) -> Rendering:
    """Every site's files (or one site's).

    Raises KeyError for an unknown `only_site` or a password `secrets` cannot supply.
    """
    plans = build_plans(records, sites, options)
    chosen = plans.sites
    if only_site is not None:
        chosen = [plan for plan in plans.sites if plan.id == only_site]
        if not chosen:
            raise KeyError(f"no site {only_site!r} in the sites file")
    files: dict[PurePosixPath, str] = {}
    for plan in chosen:
        for name, text in render_site(plan, secrets).items():
            files[PurePosixPath(plan.id, name)] = text
    warnings = list(plans.warnings)
    if options.ari_password == "hotline":
        warnings.append("ari.conf: the ARI password is the default; set HOTLINE_ARI_PASSWORD")
    return Rendering(files=files, warnings=tuple(warnings))


def write_rendering(rendering: Rendering, out_dir: Path) -> list[Path]:
    """Write the files under `out_dir`; a file whose text is unchanged is not rewritten."""
    written = []
    for relative, text in sorted(rendering.files.items()):
        path = out_dir.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            continue
        path.write_bytes(data)
        written.append(path)
    return written
