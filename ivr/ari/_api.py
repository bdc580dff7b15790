"""Helpers shared by the REST API groups."""

from __future__ import annotations

from collections.abc import Sequence

from ivr.ari.errors import AriProtocolError
from ivr.ari.models import Playback
from ivr.ari.transport import AriTransport


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


async def start_playback(
    http: AriTransport,
    target: str,
    target_id: str,
    media: str | Sequence[str],
    *,
    playback_id: str | None,
    lang: str | None,
) -> Playback:
    """`POST /channels|bridges/{id}/play[/{playbackId}]`: one request for both kinds."""
    key = f"{target}_id"  # the same path templates as the other requests, for metrics labels
    template = f"/{target}s/{{{key}}}/play"
    args = {key: target_id}
    if playback_id is not None:
        template += "/{playback_id}"
        args["playback_id"] = playback_id
    params = {"media": media_param(media), "lang": lang}
    data = await http.request_json("POST", template, path_args=args, params=params)
    return Playback.from_json(data)
