"""The public side of intake as one bundle, held by the desk: the service and its guards."""

from __future__ import annotations

from dataclasses import dataclass

from agent_desk.intake.filing import CitizenIntake
from agent_desk.intake.guards import ProofOfWork
from agent_desk.intake.rate_limit import RateLimit


@dataclass(frozen=True, slots=True)
class PublicIntake:
    intake: CitizenIntake
    proof_of_work: ProofOfWork
    report_limit: RateLimit  # submissions of /report per client address
    follow_limit: RateLimit  # look-ups on /follow per client address (numbers are guessable)
    sms_secret: str  # HMAC secret of the inbound SMS webhook; empty: every push refused
