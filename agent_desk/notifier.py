"""The only place desk events are published: order and voicemail changes, fanned out to SSE.

Each subscriber gets a bounded queue; a subscriber too slow to keep up loses the oldest
events rather than holding memory (a page reloads its lists on the next event anyway).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)
QUEUE_SIZE = 100
SESSIONS_ENDED = "sessions-ended"  # id: the user whose sessions ended
OUTBOX = "outbox"  # the webhook outbox has rows to send now (never sent to a browser)


@dataclass(frozen=True, slots=True)
class DeskEvent:
    """Something changed: an order or a voicemail, in a department (None: not dispatched)."""

    kind: str  # "order", "voicemail", or SESSIONS_ENDED (never sent to a browser)
    id: int
    department_code: str | None
    summary: str

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "department_code": self.department_code,
            "summary": self.summary,
        }


class Notifier:
    """In-process publish/subscribe of desk events."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[DeskEvent]] = set()

    def subscribe(self) -> asyncio.Queue[DeskEvent]:
        queue: asyncio.Queue[DeskEvent] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[DeskEvent]) -> None:
        self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def sessions_ended(self, user_id: int) -> None:
        """Wake the streams of `user_id` so they check their session and close."""
        self.publish(DeskEvent(kind=SESSIONS_ENDED, id=user_id, department_code=None, summary=""))

    def publish_outbox(self) -> None:
        """Wake the webhook dispatcher (a replay was asked for)."""
        self.publish(DeskEvent(kind=OUTBOX, id=0, department_code=None, summary=""))

    def publish(self, event: DeskEvent) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)
        logger.debug("published %s %d to %d subscribers", event.kind, event.id, len(self._queues))
