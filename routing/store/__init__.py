"""Live routing state behind one interface: in this process, or shared in Redis."""

from routing.store.base import LiveStore, QueueEntry, SeatRecord, SeatState, pick_longest_idle
from routing.store.memory import InMemoryStore
from routing.store.redis import RedisStore
from routing.store.resilient import ResilientStore

__all__ = [
    "InMemoryStore",
    "LiveStore",
    "QueueEntry",
    "RedisStore",
    "ResilientStore",
    "SeatRecord",
    "SeatState",
    "pick_longest_idle",
]
