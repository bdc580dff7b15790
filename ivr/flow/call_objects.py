"""What one call's session holds and hears: its legs, recordings and event-folded state."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


class CallerHungUp(Exception):
    """The caller's channel left: the flow stops and the call record is written."""


@dataclass(slots=True)
class PeerLeg:
    """A channel the controller created and dialled (a liaison or a seat)."""

    channel_id: str
    endpoint: str
    dialstatus: str = ""
    answered: bool = False
    ended: bool = False  # hanging up or gone: nothing more to do with it
    cause: int | None = None  # ChannelDestroyed's cause, never the hang-up request's
    destroyed: bool = False  # ChannelDestroyed seen (or found missing): the cause is final


@dataclass(frozen=True, slots=True)
class RecordingResult:
    """How a recording ended: `done` (kept) or `failed`, with its length."""

    name: str
    state: str
    duration_s: float
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class HeldObjects:
    """Legs, bridge and live recordings a call holds (what a crash could leave behind)."""

    legs: tuple[dict[str, Any], ...]
    bridge_id: str | None
    recordings: tuple[str, ...]
    playbacks: tuple[str, ...] = ()  # ARI cannot list playbacks: a successor must know them


@dataclass(slots=True)
class ChannelState:
    """What the call's events have told so far (folded in by `CallSession.apply`)."""

    digits: deque[str] = field(default_factory=deque)
    hung_up: bool = False
    playbacks_done: dict[str, str] = field(default_factory=dict)
    recordings: dict[str, RecordingResult] = field(default_factory=dict)
    peers: dict[str, PeerLeg] = field(default_factory=dict)
    playing: set[str] = field(default_factory=set)
    recording: set[str] = field(default_factory=set)
    in_stasis: bool = False  # seen StasisStart (matters for channels we originate)
