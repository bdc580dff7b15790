"""Transfer to a department's liaison: open-hours check, liaison then backup, bridge.

Returns None once a bridged call has ended, or the voicemail reason when nobody took
the call. Once bridged the caller is never moved again (the seeds forbid 二次转接).
"""

from __future__ import annotations

import logging

from directory import DepartmentRecord
from ivr.flow.bridging import bridge_and_wait
from ivr.flow.context import RunningCall
from ivr.flow.session import PeerLeg

logger = logging.getLogger(__name__)

# The voicemail reason for each final dial status.
DIAL_REASONS = {
    "BUSY": "busy",
    "NOANSWER": "noanswer",
    "CHANUNAVAIL": "unavailable",
    "CONGESTION": "congestion",
}


async def transfer_to_liaison(flow: RunningCall, department: DepartmentRecord) -> str | None:
    services, session, log = flow.services, flow.session, flow.log
    if not services.directory.is_open(department, services.clock.now()):
        flow.step("closed", hours=department.hours)
        return "after_hours"
    log.transfer_attempted = True
    await flow.say(flow.profile.catalog.transferring(department.name))
    status = "CHANUNAVAIL"
    for endpoint in (department.liaison_endpoint, department.backup_endpoint):
        if not endpoint:
            continue
        leg = await session.dial(
            endpoint, timeout_s=services.dial_timeout_s, caller_id=log.caller_number
        )
        log.dials.append({"endpoint": endpoint, "dialstatus": leg.dialstatus})
        flow.step("dial", endpoint=endpoint, dialstatus=leg.dialstatus)
        if leg.answered:
            await _bridge(flow, leg)
            return None
        status = leg.dialstatus
    return DIAL_REASONS.get(status, "unavailable")


async def _bridge(flow: RunningCall, leg: PeerLeg) -> None:
    log = flow.log
    log.outcome = "transferred"

    def bridged() -> None:
        log.transfer_bridged = True
        flow.step("bridged", endpoint=leg.endpoint)

    def ended(seconds: float) -> None:
        log.talk_s = int(seconds)

    await bridge_and_wait(flow.session, leg, on_bridged=bridged, on_ended=ended)
