"""Numbers a directory entry may never send a caller to: premium-rate and international.

The seeds forbid passing callers on to a premium-rate line; a directory number is also
what the PBX dials when it transfers, so such a number would be toll fraud on the
hotline's trunk. The list (docs/security.md repeats it):

- `168…` — 声讯 information services, charged per minute (16800…, 168xxxxxxxx);
- `1900…` — premium-rate (the North American and old-style 1900 ranges);
- `125…` — value-added voice and SMS services (12520, 12580, 12590 …);
- `00…` — international calls (a department of a Chinese city has a domestic number).

A leading +86 / 0086 is the domestic prefix and is ignored; after an area code
(`0571-…`) the local part is checked too, so `0571-1680123` is refused as well.
"""

from __future__ import annotations

import re

FORBIDDEN_PREFIXES: tuple[tuple[str, str], ...] = (
    ("168", "a premium-rate information service (168)"),
    ("1900", "a premium-rate number (1900)"),
    ("125", "a value-added service number (125xx)"),
    ("00", "an international number"),
)
_DOMESTIC = re.compile(r"^(\+86|0086)")
_AREA_CODE = re.compile(r"^0[1-9][0-9]{1,2}-")


def forbidden_reason(number: str) -> str | None:
    """Why `number` may not be in the directory, or None when it may."""
    compact = _DOMESTIC.sub("", number.strip().replace(" ", ""))
    candidates = [compact.replace("-", "")]
    local = _AREA_CODE.sub("", compact)
    if local != compact:
        candidates.append(local.replace("-", ""))
    for candidate in candidates:
        for prefix, reason in FORBIDDEN_PREFIXES:
            if candidate.startswith(prefix):
                return reason
    return None


def endpoint_number(endpoint: str) -> str | None:
    """The number an endpoint dials out through a trunk (`PJSIP/16812345678@trunk` → the
    digits); None for a phone of our own (`PJSIP/lj-019-a`, an extension `PJSIP/1250`)."""
    resource = endpoint.split("/", 1)[-1]
    if "@" not in resource:
        return None
    user = resource.split("@", 1)[0]
    digits = user.lstrip("+")
    return user if digits.isascii() and digits.isdigit() else None
