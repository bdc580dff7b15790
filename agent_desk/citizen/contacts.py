"""A citizen's contact details as the hotline keeps them: mobile numbers and e-mail addresses."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isascii() and ch.isdigit())


def mobile_number(number: str) -> str | None:
    """The 11-digit mainland mobile number in `number` (+86 / 0086 dropped), else None.

    Fixed lines cannot receive an SMS, so only these get text messages.
    """
    found = digits(number)
    for prefix in ("0086", "86"):
        if len(found) == 11 + len(prefix) and found.startswith(prefix):
            found = found[len(prefix) :]
    return found if _MOBILE.fullmatch(found) else None


def same_line(a: str, b: str) -> bool:
    """The same phone line, whatever prefix (+86, 0086, a trunk's) either carries."""
    x, y = digits(a), digits(b)
    return len(x) >= 7 and len(y) >= 7 and x[-11:] == y[-11:]


def email_address(text: str) -> str | None:
    """A plain address (lower-cased domain) when `text` is one, else None."""
    text = text.strip()
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        return None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
