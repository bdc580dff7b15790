"""Channel operations of `AriClient`: originate, create, dial, answer, play, record, hang up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ivr.ari._api import object_list, start_playback
from ivr.ari._json import as_object, opt_str
from ivr.ari.models import Channel, LiveRecording, Playback
from ivr.ari.transport import AriTransport, QueryValue


class ChannelApi:
    """`/channels` requests; mixed into `AriClient`."""

    app: str
    _http: AriTransport

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
        return await start_playback(
            self._http, "channel", channel_id, media, playback_id=playback_id, lang=lang
        )

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
        return [Channel.from_json(item) for item in object_list(data, "channels")]

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
