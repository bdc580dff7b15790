"""Call checkpoints: each call's state kept in the live store, so a controller that dies
loses no call — it, restarted, or another controller resumes the channel from there.

A checkpoint is written at every state transition and whenever the call's ARI objects
change (a leg dialled or answered, a bridge built, a recording started). Writes are
coalesced per call by one writer task, so a burst of changes costs one store write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)

CALL_PREFIX = "call:"


class CheckpointStore(Protocol):
    """The part of routing's live store that keeps checkpoints."""

    async def save_checkpoint(self, call_id: str, state: dict[str, Any]) -> None: ...

    async def load_checkpoints(self) -> dict[str, dict[str, Any]]: ...

    async def delete_checkpoint(self, call_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class CallCheckpoint:
    """What a controller needs to resume a call: where it was and what it held."""

    app: str
    channel_id: str
    state: str
    log: dict[str, Any]
    flow: dict[str, Any] = field(default_factory=dict)
    legs: tuple[dict[str, Any], ...] = ()
    bridge_id: str | None = None
    recordings: tuple[str, ...] = ()
    playbacks: tuple[str, ...] = ()  # started and maybe still playing: stop them on resume

    def to_json(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "channel_id": self.channel_id,
            "state": self.state,
            "log": self.log,
            "flow": self.flow,
            "legs": list(self.legs),
            "bridge_id": self.bridge_id,
            "recordings": list(self.recordings),
            "playbacks": list(self.playbacks),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CallCheckpoint:
        return cls(
            app=str(data["app"]),
            channel_id=str(data["channel_id"]),
            state=str(data["state"]),
            log=dict(data["log"]),
            flow=dict(data.get("flow") or {}),
            legs=tuple(dict(leg) for leg in data.get("legs") or ()),
            bridge_id=data.get("bridge_id"),
            recordings=tuple(str(name) for name in data.get("recordings") or ()),
            playbacks=tuple(str(p) for p in data.get("playbacks") or ()),
        )


class Checkpointer:
    """Writes the latest checkpoint of each call; one task for the whole controller."""

    def __init__(self, store: CheckpointStore) -> None:
        self._store = store
        self._pending: dict[str, Callable[[], CallCheckpoint] | None] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.writes = 0

    def mark(self, call_id: str, snapshot: Callable[[], CallCheckpoint]) -> None:
        """The call changed: its checkpoint (taken when written) is due."""
        self._pending[call_id] = snapshot
        self._wake_writer()

    def forget(self, call_id: str) -> None:
        """The call ended: its checkpoint goes."""
        self._pending[call_id] = None
        self._wake_writer()

    async def load(self) -> dict[str, CallCheckpoint]:
        """Every call checkpoint in the store, by call id (unreadable ones are skipped)."""
        found: dict[str, CallCheckpoint] = {}
        for key, data in (await self._store.load_checkpoints()).items():
            if not key.startswith(CALL_PREFIX):
                continue
            try:
                found[key.removeprefix(CALL_PREFIX)] = CallCheckpoint.from_json(data)
            except (KeyError, TypeError, ValueError):
                logger.warning("unreadable checkpoint %s skipped", key)
        return found

    async def delete(self, call_id: str) -> None:
        await self._store.delete_checkpoint(CALL_PREFIX + call_id)

    async def flush(self) -> None:
        """Write everything pending now (tests and shutdown)."""
        while self._pending:
            await self._write_pending()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    def _wake_writer(self) -> None:
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="checkpoint-writer")

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._write_pending()

    async def _write_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for call_id, snapshot in pending.items():
            try:
                if snapshot is None:
                    await self._store.delete_checkpoint(CALL_PREFIX + call_id)
                else:
                    await self._store.save_checkpoint(CALL_PREFIX + call_id, snapshot().to_json())
                    self.writes += 1
            except Exception:
                logger.exception("%s: checkpoint not written", call_id)
