"""How a simulated far end answers when dialled: the endpoint behaviours.

A behaviour is one of `answer[:SECONDS]`, `busy`, `noanswer`, `unavailable`,
`congestion`, `unregistered` (no channel can be made to it at all), plus an optional
`hangup_after` (seconds after answer the far end hangs up).
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("answer", "busy", "noanswer", "unavailable", "congestion", "unregistered")
# A PJSIP endpoint whose phone never registered: Asterisk cannot build a dialog to it, so
# POST /channels/create and /channels answer 500 {"error": "Allocation failed"} (seen on
# Asterisk 22: "Could not create dialog to invalid URI ... Is endpoint registered?").
UNREGISTERED = "unregistered"
OFFLINE_KINDS = frozenset({"unavailable", UNREGISTERED})


@dataclass(frozen=True)
class Behaviour:
    kind: str
    ring_seconds: float = 0.0
    hangup_after: float | None = None

    @classmethod
    def default(cls) -> Behaviour:
        return cls("answer", 2.0)

    @classmethod
    def parse(cls, text: str, hangup_after: float | None = None) -> Behaviour:
        kind, _, arg = text.partition(":")
        if kind not in KINDS or (arg and kind != "answer"):
            raise ValueError(f"unknown endpoint behaviour {text!r}")
        ring = 1.0 if kind == "answer" and not arg else float(arg or 0)
        if ring < 0 or (hangup_after is not None and hangup_after < 0):
            raise ValueError("durations must not be negative")
        return cls(kind, ring, hangup_after)

    @property
    def online(self) -> bool:
        """The endpoint's ARI state: `online`, or `offline` for a phone nobody can reach."""
        return self.kind not in OFFLINE_KINDS

    def describe(self) -> str:
        if self.kind != "answer":
            return self.kind
        return f"answer:{self.ring_seconds:g}"
