"""Routing: where a call goes when it needs a person.

Operator seats and their presence, the operator queue (ACD), overflow to seats in a
neighbouring city, and the missed-call callback list. Live state sits behind one store
interface: in-process by default, Redis when several controllers share seats and queues.
"""

from routing.callbacks import CallbackList, CallbackNotFound
from routing.models import CallbackRequest
from routing.overflow import NeighbourLoad, OverflowPolicy, SiteLoad
from routing.platforms import Platform, PlatformTree, platform_tree
from routing.presence import Presence, SeatStateConflict
from routing.queue import Connected, NotQueued, Offer, OperatorQueue, QueuedCall
from routing.seat_journal import SeatJournal, SeatStateChange
from routing.sites import (
    DEFAULT_SITES_FILE,
    Neighbour,
    Seat,
    Site,
    SitesConfig,
    SitesFileError,
    load_sites,
    parse_sites,
)
from routing.store import (
    InMemoryStore,
    LiveStore,
    QueueEntry,
    RedisStore,
    ResilientStore,
    SeatRecord,
    SeatState,
)

__all__ = [
    "DEFAULT_SITES_FILE",
    "CallbackList",
    "CallbackNotFound",
    "CallbackRequest",
    "Connected",
    "InMemoryStore",
    "LiveStore",
    "Neighbour",
    "NeighbourLoad",
    "NotQueued",
    "Offer",
    "OperatorQueue",
    "OverflowPolicy",
    "Platform",
    "PlatformTree",
    "Presence",
    "QueueEntry",
    "QueuedCall",
    "RedisStore",
    "ResilientStore",
    "Seat",
    "SeatJournal",
    "SeatRecord",
    "SeatState",
    "SeatStateChange",
    "SeatStateConflict",
    "Site",
    "SiteLoad",
    "SitesConfig",
    "SitesFileError",
    "load_sites",
    "parse_sites",
    "platform_tree",
]
