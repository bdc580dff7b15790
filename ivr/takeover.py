"""Several controllers, one Asterisk: each serves its own ARI application and heartbeats it
in the shared store; when a peer's heartbeat stops, a survivor adopts its application and
resumes its calls from their checkpoints (ivr/recovery.py).

One ARI application per controller process is what Asterisk supports everywhere (a
second WebSocket for the same application replaces the first). Heartbeats use the wall
clock, which every process shares. With three or more controllers two survivors may both
adopt the same application; the second connection then replaces the first (documented in
docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from ivr.checkpoints import CheckpointStore

if TYPE_CHECKING:
    from ivr.controller import Controller

logger = logging.getLogger(__name__)

HEARTBEAT_PREFIX = "controller:"


class ControllerWatch:
    """Heartbeats this controller's applications and adopts the ones whose owner died."""

    def __init__(
        self,
        *,
        store: CheckpointStore,
        controller: Controller,
        interval_s: float = 2.0,
        grace_s: float = 6.0,
    ) -> None:
        self._store = store
        self._controller = controller
        self._interval_s = interval_s
        self._grace_s = grace_s

    async def beat(self) -> None:
        alive_until = time.time() + self._grace_s
        for app in self._controller.apps:
            await self._store.save_checkpoint(
                HEARTBEAT_PREFIX + app, {"app": app, "alive_until": alive_until}
            )

    async def dead_peers(self) -> list[str]:
        now = time.time()
        dead: list[str] = []
        for key, data in (await self._store.load_checkpoints()).items():
            if not key.startswith(HEARTBEAT_PREFIX):
                continue
            app = str(data.get("app", ""))
            if app and app not in self._controller.apps and float(data.get("alive_until", 0)) < now:
                dead.append(app)
        return dead

    async def run(self) -> None:
        while True:
            try:
                await self.beat()
                for app in await self.dead_peers():
                    await self._controller.adopt(app)
            except Exception:
                logger.exception("controller watch: this round failed")
            await asyncio.sleep(self._interval_s)
