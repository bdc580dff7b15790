"""The desk's transfer button: put a caller who is talking to an operator through to a
department's liaison. The liaison is dialled while the operator stays on the line; once
they answer they join the bridge and the operator's leg is released.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from base.errors import HotlineError, NotFound
from ivr.flow.flow import CallFlow

if TYPE_CHECKING:
    from ivr.controller import Controller

logger = logging.getLogger(__name__)


class CallNotFound(NotFound):
    code = "call-not-found"


class CallNotWithOperator(HotlineError):
    status = 409
    code = "call-not-with-operator"


class LiaisonUnavailable(HotlineError):
    status = 409
    code = "liaison-unavailable"


class DepartmentClosed(HotlineError):
    status = 409
    code = "department-closed"


def find_call(controller: Controller, ref: str) -> CallFlow:
    """A live call by call id, channel id, or the caller's number (the newest such call)."""
    flows = [f for f in controller.flows.values() if isinstance(f, CallFlow)]
    for flow in flows:
        if ref in (flow.log.call_id, flow.session.channel_id):
            return flow
    by_caller = [f for f in flows if f.log.caller_number == ref]
    if by_caller:
        return max(by_caller, key=lambda f: f.log.started_at)
    raise CallNotFound(f"no live call {ref!r}")


async def transfer_live_call(controller: Controller, *, ref: str, department_code: str) -> None:
    flow = find_call(controller, ref)
    session = flow.session
    if session.bridge_id is None or flow.log.seat is None:
        raise CallNotWithOperator(f"call {ref!r} is not talking to an operator")
    services = controller.services
    department = services.directory.get(department_code)
    if department is None:
        raise NotFound(f"no department with code {department_code!r}")
    if not services.directory.is_open(department, services.clock.now()):
        raise DepartmentClosed(f"{department.name} is closed now ({department.hours})")
    statuses: list[str] = []
    for endpoint in (department.liaison_endpoint, department.backup_endpoint):
        if not endpoint:
            continue
        leg = await session.dial(
            endpoint, timeout_s=services.dial_timeout_s, caller_id=flow.log.caller_number
        )
        flow.log.dials.append({"endpoint": endpoint, "dialstatus": leg.dialstatus})
        flow.step("operator_transfer_dial", endpoint=endpoint, dialstatus=leg.dialstatus)
        if leg.answered:
            await session.ari.add_channel(session.bridge_id, leg.channel_id)
            flow.log.department_code = department.code
            flow.log.outcome = "transferred"
            flow.log.transfer_attempted = flow.log.transfer_bridged = True
            flow.step("operator_transferred", department=department.code)
            session.hand_over(leg)
            logger.info("%s: put through to %s", session.channel_id, endpoint)
            return
        statuses.append(leg.dialstatus)
    flow.log.transfer_attempted = True
    raise LiaisonUnavailable(
        f"{department.name}: nobody answered ({', '.join(statuses) or 'no endpoint'})",
        details={"dialstatus": statuses},
    )
