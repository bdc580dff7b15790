"""Typed accessors for ARI JSON objects: required fields raise, optional ones take a default.

Asterisk adds fields between versions and omits some (`soft`, `caller` on Dial,
`talking_duration`), so parsers read only what they need and tolerate the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ivr.ari.errors import AriProtocolError

JsonObject = Mapping[str, Any]


def as_object(data: object, what: str) -> JsonObject:
    """`data` as a JSON object, or AriProtocolError naming `what` was expected."""
    if not isinstance(data, Mapping):
        raise AriProtocolError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def req_str(data: JsonObject, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise AriProtocolError(f"field {key!r} missing or not a string")
    return value


def opt_str(data: JsonObject, key: str, default: str = "") -> str:
    value = data.get(key, default)
    return value if isinstance(value, str) else default


def opt_str_or_none(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def opt_int(data: JsonObject, key: str) -> int | None:
    value = data.get(key)
    # bool is an int subclass; a JSON true is never a count or a cause
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def req_int(data: JsonObject, key: str) -> int:
    value = opt_int(data, key)
    if value is None:
        raise AriProtocolError(f"field {key!r} missing or not an integer")
    return value


def opt_bool(data: JsonObject, key: str) -> bool:
    return data.get(key) is True


def str_tuple(data: JsonObject, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def req_object(data: JsonObject, key: str) -> JsonObject:
    return as_object(data.get(key), f"field {key!r}")


def opt_object(data: JsonObject, key: str) -> JsonObject | None:
    value = data.get(key)
    return value if isinstance(value, Mapping) else None
