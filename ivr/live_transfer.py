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


class AlreadyTransferred(HotlineError):
    """One transfer only (二次转接 is forbidden): a caller put through to a department
    stays with that department; a second transfer would pass them on again."""

    status = 409
    code = "call-already-transferred"


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


def _transfer_under_way(flow: CallFlow) -> bool:
    """A transfer of this call is dialling now (a second click, or a second operator)."""
    names = [step.get("step") for step in flow.log.steps]
    return names.count("operator_transfer_start") > names.count("operator_transfer_end")


async def transfer_live_call(controller: Controller, *, ref: str, department_code: str) -> None:
    flow = find_call(controller, ref)
    session = flow.session
    if flow.log.transfer_bridged or _transfer_under_way(flow):
        raise AlreadyTransferred(
            f"call {ref!r} was already put through to {flow.log.department_code or 'a department'}"
            ": a call is transferred once only",
            details={"department_code": flow.log.department_code},
        )
    if session.bridge_id is None or flow.log.seat is None:
        raise CallNotWithOperator(f"call {ref!r} is not talking to an operator")
    services = controller.services
    department = services.directory.get(department_code)
    if department is None:
        raise NotFound(f"no department with code {department_code!r}")
    if not services.directory.is_open(department, services.clock.now()):
        raise DepartmentClosed(f"{department.name} is closed now ({department.hours})")
    flow.step("operator_transfer_start", department=department.code)
    bridged = False
    try:
        bridged = await _put_through(
            flow, session.bridge_id, department.code, department.name,
            (department.liaison_endpoint, department.backup_endpoint),
        )  # fmt: skip
    finally:
        flow.step("operator_transfer_end", bridged=bridged)


async def _put_through(
    flow: CallFlow, bridge_id: str, code: str, name: str, endpoints: tuple[str, str]
) -> bool:
    session = flow.session
    services = flow.services
    statuses: list[str] = []
    for endpoint in endpoints:
        if not endpoint:
            continue
        leg = await session.dial(
            endpoint, timeout_s=services.dial_timeout_s, caller_id=flow.log.caller_number
        )
        flow.log.dials.append({"endpoint": endpoint, "dialstatus": leg.dialstatus})
        flow.step("operator_transfer_dial", endpoint=endpoint, dialstatus=leg.dialstatus)
        if leg.answered:
            await session.ari.add_channel(bridge_id, leg.channel_id)
            flow.log.department_code = code
            flow.log.outcome = "transferred"
            flow.log.transfer_attempted = flow.log.transfer_bridged = True
            flow.step("operator_transferred", department=code)
            session.hand_over(leg)
            logger.info("%s: put through to %s", session.channel_id, endpoint)
            return True
        statuses.append(leg.dialstatus)
    flow.log.transfer_attempted = True
    raise LiaisonUnavailable(
        f"{name}: nobody answered ({', '.join(statuses) or 'no endpoint'})",
        details={"dialstatus": statuses},
    )
