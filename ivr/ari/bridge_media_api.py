"""Bridge, playback and recording operations of `AriClient`."""

from __future__ import annotations

from collections.abc import Sequence

from ivr.ari._api import object_list, start_playback
from ivr.ari.models import Bridge, LiveRecording, Playback, StoredRecording
from ivr.ari.transport import AriTransport


class BridgeMediaApi:
    """`/bridges`, `/playbacks` and `/recordings` requests; mixed into `AriClient`."""

    _http: AriTransport

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
        return [Bridge.from_json(item) for item in object_list(data, "bridges")]

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
        return await start_playback(
            self._http, "bridge", bridge_id, media, playback_id=playback_id, lang=lang
        )

    async def record_bridge(
        self,
        bridge_id: str,
        *,
        name: str,
        format: str = "wav",
        max_duration: int = 0,
        if_exists: str = "fail",
    ) -> LiveRecording:
        """Record the bridge's mixed audio (201, target_uri `bridge:<id>`).

        Asterisk puts an internal Recorder channel in the bridge; the app never sees it,
        only RecordingStarted / RecordingFinished on the bridge. 404 no such bridge, 409
        the name exists (ifExists=fail) or the bridge is not in Stasis, 422 unknown format.
        """
        data = await self._http.request_json(
            "POST",
            "/bridges/{bridge_id}/record",
            path_args={"bridge_id": bridge_id},
            params={
                "name": name,
                "format": format,
                "maxDurationSeconds": max_duration,
                "ifExists": if_exists,
            },
        )
        return LiveRecording.from_json(data)

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
        return [StoredRecording.from_json(item) for item in object_list(data, "recordings")]

    async def get_stored_recording(self, name: str) -> StoredRecording:
        data = await self._http.request_json(
            "GET", "/recordings/stored/{name}", path_args={"name": name}
        )
        return StoredRecording.from_json(data)

    async def fetch_recording_file(self, name: str) -> bytes:
        """The stored recording's raw bytes (a RIFF/WAVE file for format wav)."""
        return await self._http.download("/recordings/stored/{name}/file", path_args={"name": name})

    async def delete_stored_recording(self, name: str) -> None:
        await self._http.request("DELETE", "/recordings/stored/{name}", path_args={"name": name})
