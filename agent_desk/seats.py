"""Operator seats and the missed-call callback list as the desk sees them.

Routing (below the desk) keeps seat presence and the callback list; the composition root
hands them to the desk once routing runs (`Desk.seats`). An operator signs in at a seat,
takes a break, signs out; the console lists today's callers to call back and rings them
through the call controller, noting the call on the caller's latest order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from routing import CallbackList, CallbackRequest, LiveStore, Presence, SeatRecord, SitesConfig


@dataclass(frozen=True, slots=True)
class SeatDesk:
    """Routing's presence and callback list, for the desk's seat and callback endpoints."""

    presence: Presence
    callbacks: CallbackList
    sites: SitesConfig
    store: LiveStore | None = None  # the live store itself: the calls a seat rings for


def seat_json(record: SeatRecord, endpoint: str) -> dict[str, Any]:
    return {
        "id": record.seat_id,
        "site": record.site,
        "endpoint": endpoint,
        "state": record.state.value,
        "call_id": record.call_id,
        "reason": record.reason,
    }


def callback_json(entry: CallbackRequest) -> dict[str, Any]:
    return {
        "id": entry.id,
        "caller": entry.caller_number,
        "site": entry.site,
        "hotline_number": entry.hotline_number,
        "day": entry.day.isoformat(),
        "last_at": entry.last_at.isoformat(),
        "missed_calls": entry.missed_calls,
        "reason": entry.reason,
        "attempts": entry.attempts,
        "note": entry.note,
    }
