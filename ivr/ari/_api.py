"""Helpers shared by the REST API groups."""

from __future__ import annotations

from collections.abc import Sequence

from ivr.ari.errors import AriProtocolError


def object_list(data: object, what: str) -> list[object]:
    """`data` as a JSON list, or AriProtocolError."""
    if not isinstance(data, list):
        raise AriProtocolError(f"{what}: expected a JSON list")
    return data


def media_param(media: str | Sequence[str]) -> str:
    """One or several media URIs as ARI's `media` parameter.

    ARI's allowMultiple parameters take one comma-separated value; a repeated key
    would keep only the last one.
    """
    return media if isinstance(media, str) else ",".join(media)
