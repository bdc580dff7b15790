"""What a liaison target (`liaison_endpoint`, `backup_endpoint`) may not be.

A transfer puts the caller through to a person who answers for the department. The seeds
forbid sending them instead to a premium-rate line, a fax, a switchboard or a duty line
(the caller would be passed on again, or charged, or hear a fax tone). Each rule has a
stable id that the error names, so whoever edits the entry knows which rule refused it:

- `premium-rate` — the numbers `forbidden_numbers` refuses everywhere (168, 1900, 125xx,
  international), and 160 (声讯, like 168);
- `switchboard` — a number the public dials itself: the department's own service,
  complaint or supervision number, a hotline number (12345, 114, 96128 …), a national or
  regional service short number (95xxx, 96xxx), an enterprise 400/800 number, a carrier's
  100xx service line, or a number labelled 总机;
- `fax` — an endpoint or liaison labelled fax / 传真;
- `duty-line` — a liaison labelled 值班 / duty: a duty desk passes the caller on.

Numbers are compared as digits, after +86 / 0086, so `PJSIP/057166100100@trunk` is the
department's own `66100100` behind the area code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from directory.forbidden_numbers import endpoint_number, forbidden_reason

PUBLIC_NUMBER_FIELDS = ("service_phone", "complaint_phone", "supervision_phone")
# Hotline and directory-assistance numbers: a transfer there sends the caller round again.
HOTLINE_NUMBERS = frozenset({"12345", "114", "118114", "96128", "12328", "12329"})
_DOMESTIC = re.compile(r"^(\+86|0086)")
_SERVICE_SHORT = re.compile(r"^9[56]\d{3,4}$")  # 95598, 95588, 96128 …
_ENTERPRISE = re.compile(r"^[48]00\d{7}$")  # 400-xxx-xxxx, 800-xxx-xxxx
_CARRIER = re.compile(r"^100\d{2}$")  # 10000, 10010, 10086
_FAX = re.compile(r"fax|传真", re.IGNORECASE)
_DUTY = re.compile(r"值班|duty", re.IGNORECASE)
_SWITCHBOARD_LABEL = re.compile(r"总机|switchboard", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TargetRefusal:
    rule: str  # stable id: premium-rate | switchboard | fax | duty-line
    reason: str


def digits(number: str) -> str:
    return re.sub(r"\D", "", _DOMESTIC.sub("", number.strip().replace(" ", "")))


def _same_number(dialled: str, public: str) -> bool:
    # A local number dialled with its area code (0571 + 66100100) is the same line.
    if not public or len(public) < 5:
        return dialled == public
    return dialled == public or (dialled.startswith("0") and dialled.endswith(public))


def target_refusal(endpoint: str, values: Mapping[str, str]) -> TargetRefusal | None:
    """Why `endpoint` may not be a liaison target of the department `values` describes."""
    liaison = values.get("liaison", "")
    if _FAX.search(endpoint) or _FAX.search(liaison):
        return TargetRefusal("fax", "a fax line")
    if _DUTY.search(liaison):
        return TargetRefusal("duty-line", "a duty line (值班), which passes callers on")
    if _SWITCHBOARD_LABEL.search(endpoint) or _SWITCHBOARD_LABEL.search(liaison):
        return TargetRefusal("switchboard", "a switchboard (总机)")
    number = endpoint_number(endpoint)
    if number is None:
        return None  # a phone of our own, registered under its name
    premium = forbidden_reason(number)
    dialled = digits(number)
    if premium is None and dialled.startswith("160"):
        premium = "a premium-rate information service (160)"
    if premium is not None:
        return TargetRefusal("premium-rate", premium)
    for field in PUBLIC_NUMBER_FIELDS:
        if _same_number(dialled, digits(values.get(field, ""))):
            return TargetRefusal("switchboard", f"the department's own {field}, a public line")
    if dialled in HOTLINE_NUMBERS:
        return TargetRefusal("switchboard", f"the hotline number {dialled}")
    if _SERVICE_SHORT.match(dialled):
        return TargetRefusal("switchboard", "a service short number (95xxx/96xxx), a call centre")
    if _ENTERPRISE.match(dialled):
        return TargetRefusal("switchboard", "an enterprise 400/800 number, a call centre")
    if _CARRIER.match(dialled):
        return TargetRefusal("switchboard", "a carrier's service number (100xx)")
    return None
