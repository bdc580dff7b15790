"""Which platforms a statistics request counts: one platform rolled up, within the reader's.

`?platform=linjiang` counts the city and every county under it (a city's figures include
its counties); a county's id counts the county alone. A supervisor bound to a platform
reads their own subtree and nothing outside it; without `?platform` they get all of it.
The other figures (dashboard, report, seats, supervision, wallboard) are not yet split by
platform: they are the whole hotline's, so only users bound to no platform read them.
"""

from __future__ import annotations

from agent_desk.auth import Principal
from agent_desk.errors import Forbidden
from base.errors import InvalidInput
from routing.platforms import PlatformTree


def stats_platforms(
    tree: PlatformTree, principal: Principal, requested: str
) -> frozenset[str] | None:
    """The platform ids to count, or None for everything."""
    if not requested:
        return principal.platforms
    if tree.get(requested) is None:
        raise InvalidInput(f"unknown platform {requested[:64]!r}", details={"field": "platform"})
    if principal.platforms is not None and requested not in principal.platforms:
        raise Forbidden(f"platform {requested} is outside {principal.platform}")
    return tree.subtree(requested)


def whole_hotline(principal: Principal) -> Principal:
    """`principal`, if they may read figures of the whole hotline (bound to no platform)."""
    if principal.platforms is not None:
        raise Forbidden(
            f"{principal.platform}: these figures are the whole hotline's; "
            "read /api/stats/kpis?platform=… for your platform"
        )
    return principal
