"""`AriClient`: the typed REST half of ARI (channels, bridges, playbacks, recordings).

Every method sends one request and returns a model, raising `AriError` (with the HTTP
status) on a non-2xx reply and `AriUnavailable` when Asterisk cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Self

import aiohttp

from hotline.clock import Clock
from ivr.ari._json import as_object, opt_str
from ivr.ari.connection import EventStream, ReconnectHook
from ivr.ari.errors import AriProtocolError
from ivr.ari.events import AriEvent
from ivr.ari.models import Bridge, Channel, LiveRecording, Playback, StoredRecording
from ivr.ari.transport import AriTransport, QueryValue, RequestHook


def _object_list(data: object, what: str) -> list[object]:
    if not isinstance(data, list):
        raise AriProtocolError(f"{what}: expected a JSON list")
    return data


def _media_param(media: str | Sequence[str]) -> str:
    # ARI's allowMultiple parameters take one comma-separated value; a repeated key
    # would keep only the last one
    return media if isinstance(media, str) else ",".join(media)


class AriClient:
    """REST client for one Stasis application (`app`) on one Asterisk."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        app: str,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
        use_api_key: bool = False,
        on_request: RequestHook | None = None,
    ) -> None:
        self.app = app
        self._http = AriTransport(
            base_url=base_url,
            username=username,
            password=password,
            session=session,
            request_timeout=request_timeout,
            use_api_key=use_api_key,
            on_request=on_request,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if the client created it."""
        await self._http.close()

    # -- channels -----------------------------------------------------------------------

    async def originate(
        self,
        *,
        endpoint: str,
        app: str | None = None,
        app_args: str = "",
        caller_id: str | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - ARI's ring timeout, not a call deadline
        channel_id: str | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        """Call `endpoint`; StasisStart comes only once the far end answers."""
        params: dict[str, QueryValue] = {
            "endpoint": endpoint,
            "app": app or self.app,
            "appArgs": app_args,
            "callerId": caller_id,
            "timeout": timeout,
            "channelId": channel_id,
        }
        body = {"variables": dict(variables)} if variables else None
        data = await self._http.request_json("POST", "/channels", params=params, body=body)
        return Channel.from_json(data)

    async def create_channel(
        self,
        *,
        endpoint: str,
        app: str | None = None,
        app_args: str = "",
        channel_id: str | None = None,
        originator: str | None = None,
    ) -> Channel:
        """Create a Down channel in Stasis (StasisStart at once); ring it with `dial`."""
        params: dict[str, QueryValue] = {
            "endpoint": endpoint,
            "app": app or self.app,
            "appArgs": app_args,
            "channelId": channel_id,
            "originator": originator,
        }
        data = await self._http.request_json("POST", "/channels/create", params=params)
        return Channel.from_json(data)

    async def dial(
        self,
        channel_id: str,
        *,
        caller: str | None = None,
        timeout: int = 0,  # noqa: ASYNC109 - ARI's ring timeout, not a call deadline
    ) -> None:
        """Dial a created channel; `timeout` 0 means no limit (a timeout ends with cause 19)."""
        await self._channel_op("POST", "/dial", channel_id, {"caller": caller, "timeout": timeout})

    async def hangup(self, channel_id: str, *, reason: str = "normal") -> None:
        """Hang up (normal, busy, no_answer, congestion, rejected, ...)."""
        await self._channel_op("DELETE", "", channel_id, {"reason": reason})

    async def answer(self, channel_id: str) -> None:
        await self._channel_op("POST", "/answer", channel_id)

    async def ring(self, channel_id: str) -> None:
        """Indicate ringing to the caller."""
        await self._channel_op("POST", "/ring", channel_id)

    async def play(
        self,
        channel_id: str,
        media: str | Sequence[str],
        *,
        playback_id: str | None = None,
        lang: str | None = None,
    ) -> Playback:
        """Queue media on a channel (`sound:`, `recording:`, `digits:`, `tone:`, ...)."""
        template = "/channels/{channel_id}/play"
        args = {"channel_id": channel_id}
        if playback_id is not None:
            template += "/{playback_id}"
            args["playback_id"] = playback_id
        params: dict[str, QueryValue] = {"media": _media_param(media), "lang": lang}
        data = await self._http.request_json("POST", template, path_args=args, params=params)
        return Playback.from_json(data)

    async def record(
        self,
        channel_id: str,
        *,
        name: str,
        format: str = "wav",
        max_duration: int = 0,
        max_silence: int = 0,
        if_exists: str = "fail",
        beep: bool = False,
        terminate_on: str = "none",
    ) -> LiveRecording:
        """Start recording a channel (auto-answers); the result comes as RecordingFinished."""
        params: dict[str, QueryValue] = {
            "name": name,
            "format": format,
            "maxDurationSeconds": max_duration,
            "maxSilenceSeconds": max_silence,
            "ifExists": if_exists,
            "beep": beep,
            "terminateOn": terminate_on,
        }
        data = await self._http.request_json(
            "POST",
            "/channels/{channel_id}/record",
            path_args={"channel_id": channel_id},
            params=params,
        )
        return LiveRecording.from_json(data)

    async def send_dtmf(
        self,
        channel_id: str,
        dtmf: str,
        *,
        before: int = 0,
        between: int = 100,
        duration: int = 100,
        after: int = 0,
    ) -> None:
        """Send DTMF digits to the channel (times in ms)."""
        params: dict[str, QueryValue] = {
            "dtmf": dtmf,
            "before": before,
            "between": between,
            "duration": duration,
            "after": after,
        }
        await self._channel_op("POST", "/dtmf", channel_id, params)

    async def get_variable(self, channel_id: str, name: str) -> str:
        data = await self._http.request_json(
            "GET",
            "/channels/{channel_id}/variable",
            path_args={"channel_id": channel_id},
            params={"variable": name},
        )
        return opt_str(as_object(data, "Variable"), "value")

    async def set_variable(self, channel_id: str, name: str, value: str) -> None:
        await self._channel_op("POST", "/variable", channel_id, {"variable": name, "value": value})

    async def list_channels(self) -> list[Channel]:
        data = await self._http.request_json("GET", "/channels")
        return [Channel.from_json(item) for item in _object_list(data, "channels")]

    async def get_channel(self, channel_id: str) -> Channel:
        data = await self._http.request_json(
            "GET", "/channels/{channel_id}", path_args={"channel_id": channel_id}
        )
        return Channel.from_json(data)

    async def _channel_op(
        self,
        method: str,
        suffix: str,
        channel_id: str,
        params: Mapping[str, QueryValue] | None = None,
    ) -> None:
        await self._http.request(
            method,
            "/channels/{channel_id}" + suffix,
            path_args={"channel_id": channel_id},
            params=params,
        )

    # -- bridges ------------------------------------------------------------------------

    async def create_bridge(
        self, *, bridge_type: str = "mixing", bridge_id: str | None = None, name: str | None = None
    ) -> Bridge:
        """Create a bridge; Stasis bridges live until `destroy_bridge`."""
        template, args = "/bridges", {}
        if bridge_id is not None:
            template, args = "/bridges/{bridge_id}", {"bridge_id": bridge_id}
        data = await self._http.request_json(
            "POST", template, path_args=args, params={"type": bridge_type, "name": name}
        )
        return Bridge.from_json(data)

    async def get_bridge(self, bridge_id: str) -> Bridge:
        data = await self._http.request_json(
            "GET", "/bridges/{bridge_id}", path_args={"bridge_id": bridge_id}
        )
        return Bridge.from_json(data)

    async def list_bridges(self) -> list[Bridge]:
        data = await self._http.request_json("GET", "/bridges")
        return [Bridge.from_json(item) for item in _object_list(data, "bridges")]

    async def add_channel(
        self, bridge_id: str, channel_id: str, *, role: str | None = None
    ) -> None:
        """Put a channel in the bridge (400 unknown channel, 422 channel not in Stasis)."""
        await self._http.request(
            "POST",
            "/bridges/{bridge_id}/addChannel",
            path_args={"bridge_id": bridge_id},
            params={"channel": channel_id, "role": role},
        )

    async def remove_channel(self, bridge_id: str, channel_id: str) -> None:
        await self._http.request(
            "POST",
            "/bridges/{bridge_id}/removeChannel",
            path_args={"bridge_id": bridge_id},
            params={"channel": channel_id},
        )

    async def destroy_bridge(self, bridge_id: str) -> None:
        await self._http.request(
            "DELETE", "/bridges/{bridge_id}", path_args={"bridge_id": bridge_id}
        )

    async def play_on_bridge(
        self,
        bridge_id: str,
        media: str | Sequence[str],
        *,
        playback_id: str | None = None,
        lang: str | None = None,
    ) -> Playback:
        """Play media to every member of the bridge."""
        template = "/bridges/{bridge_id}/play"
        args = {"bridge_id": bridge_id}
        if playback_id is not None:
            template += "/{playback_id}"
            args["playback_id"] = playback_id
        params: dict[str, QueryValue] = {"media": _media_param(media), "lang": lang}
        data = await self._http.request_json("POST", template, path_args=args, params=params)
        return Playback.from_json(data)

    # -- playbacks and recordings -------------------------------------------------------

    async def get_playback(self, playback_id: str) -> Playback:
        data = await self._http.request_json(
            "GET", "/playbacks/{playback_id}", path_args={"playback_id": playback_id}
        )
        return Playback.from_json(data)

    async def stop_playback(self, playback_id: str) -> None:
        """Stop a playback (barge-in); PlaybackFinished follows with state "done"."""
        await self._http.request(
            "DELETE", "/playbacks/{playback_id}", path_args={"playback_id": playback_id}
        )

    async def get_live_recording(self, name: str) -> LiveRecording:
        data = await self._http.request_json(
            "GET", "/recordings/live/{name}", path_args={"name": name}
        )
        return LiveRecording.from_json(data)

    async def stop_recording(self, name: str) -> None:
        """Stop a live recording and keep the file."""
        await self._http.request("POST", "/recordings/live/{name}/stop", path_args={"name": name})

    async def cancel_recording(self, name: str) -> None:
        """Stop a live recording and discard the file."""
        await self._http.request("DELETE", "/recordings/live/{name}", path_args={"name": name})

    async def list_stored_recordings(self) -> list[StoredRecording]:
        data = await self._http.request_json("GET", "/recordings/stored")
        return [StoredRecording.from_json(item) for item in _object_list(data, "recordings")]

    async def get_stored_recording(self, name: str) -> StoredRecording:
        data = await self._http.request_json(
            "GET", "/recordings/stored/{name}", path_args={"name": name}
        )
        return StoredRecording.from_json(data)

    async def fetch_recording_file(self, name: str) -> bytes:
        """The stored recording's raw bytes (a RIFF/WAVE file for format wav)."""
        _, data = await self._http.request(
            "GET", "/recordings/stored/{name}/file", path_args={"name": name}
        )
        return data

    async def delete_stored_recording(self, name: str) -> None:
        await self._http.request("DELETE", "/recordings/stored/{name}", path_args={"name": name})

    # -- misc ---------------------------------------------------------------------------

    async def asterisk_info(self) -> dict[str, object]:
        return dict(as_object(await self._http.request_json("GET", "/asterisk/info"), "info"))

    async def list_endpoints(self) -> list[dict[str, object]]:
        data = await self._http.request_json("GET", "/endpoints")
        return [dict(as_object(item, "Endpoint")) for item in _object_list(data, "endpoints")]

    async def get_application(self, name: str | None = None) -> dict[str, object]:
        """The application's subscriptions (channel_ids, bridge_ids, ...); default `self.app`."""
        data = await self._http.request_json(
            "GET", "/applications/{name}", path_args={"name": name or self.app}
        )
        return dict(as_object(data, "Application"))

    def events(
        self,
        *,
        on_event: Callable[[AriEvent], None],
        on_reconnect: ReconnectHook | None = None,
        clock: Clock | None = None,
        heartbeat: float = 20.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        subscribe_all: bool = False,
    ) -> EventStream:
        """The WebSocket event stream for `self.app`; start it with `EventStream.run()`."""
        url = self._http.ws_url({"app": self.app, "subscribeAll": True if subscribe_all else None})
        return EventStream(
            session=self._http.session,
            url=url,
            headers=self._http.auth_headers(),
            on_event=on_event,
            on_reconnect=on_reconnect,
            clock=clock,
            heartbeat=heartbeat,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
        )
