"""The simulated PBX as a whole: its core state and the Python-side API.

Tests that run in-process drive it directly (`place_call`, `set_endpoint`, ...); over HTTP
the same operations are reachable through the /sim control API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from ivr.simulator import callers, endpoints, recordings
from ivr.simulator.behaviours import Behaviour
from ivr.simulator.core import PbxCore
from ivr.simulator.events import Json
from ivr.simulator.state import SimCall


class Simulator(PbxCore):
    """One simulated Asterisk: the core plus the operations tests and /sim use."""

    def place_call(
        self,
        number: str,
        *,
        caller: str = "",
        caller_name: str = "",
        app: str | None = "hotline",
        script: Sequence[Mapping[str, Any]] = (),
        hangup_after: float | None = None,
        trunk: str = "PJSIP/trunk",
    ) -> SimCall:
        """An inbound call that the dialplan answers and sends to Stasis(app, number)."""
        return callers.place_call(
            self,
            number=number,
            caller=caller,
            caller_name=caller_name,
            app=app,
            script=script,
            hangup_after=hangup_after,
            trunk=trunk,
        )

    def set_endpoint(
        self, endpoint: str, behaviour: str, hangup_after: float | None = None
    ) -> None:
        was_online = self.behaviour(endpoint).online
        self.endpoints[endpoint] = Behaviour.parse(behaviour, hangup_after)
        if self.behaviour(endpoint).online != was_online:
            endpoints.state_changed(self, endpoint)

    def reset_endpoint(self, endpoint: str) -> None:
        was_online = self.behaviour(endpoint).online
        self.endpoints.pop(endpoint, None)
        if self.behaviour(endpoint).online != was_online:
            endpoints.state_changed(self, endpoint)

    def call(self, call_id: str) -> SimCall:
        return self.calls[call_id]

    def summary(self) -> Json:
        """What is still alive, for 'nothing left behind' assertions."""
        return {
            "channels": sorted(self.channels),
            "bridges": sorted(self.bridges),
            "playbacks": sorted(self.playbacks),
            "live_recordings": sorted(self.recordings),
        }

    def set_options(self, *, events_before_response: bool | None = None) -> None:
        if events_before_response is not None:
            self.events_before_response = events_before_response

    async def drop_app(self, app: str) -> int:
        """Close the app's WebSocket(s) from the server side; returns how many."""
        subs = [s for s in list(self.bus.sockets) if app in s.apps]
        for sub in subs:
            await sub.ws.close()
        return len(subs)

    async def close(self) -> None:
        for sub in list(self.bus.sockets):
            await sub.ws.close()
        pending = [*self.tasks, *(t for c in self.channels.values() for t in c.tasks)]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        recordings.write_all(self)
        if self._http is not None:
            await self._http.close()
