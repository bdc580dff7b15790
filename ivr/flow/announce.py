"""The department found: its number read out, then what else the caller may hear.

After the service number the caller can press 2 for the complaint number, 3 for the
supervision number and 4 for the address and office hours (便民服务), as often as
they like within a few rounds; 1 ends with the number only, 0 asks for an operator,
and silence goes on to the transfer when the department has a liaison.
"""

from __future__ import annotations

from enum import Enum

from directory import DepartmentRecord
from ivr.flow.context import RunningCall

OPERATOR_KEY = "0"
NUMBER_ONLY_KEY = "1"
# Information the caller asked for and heard counts as a round; then the call goes on.
MAX_ROUNDS = 4


class AnnounceOutcome(Enum):
    OPERATOR = "operator"
    NUMBER_ONLY = "number_only"
    TRANSFER = "transfer"


def _information(department: DepartmentRecord, flow: RunningCall) -> dict[str, str]:
    """The extra texts this department has, by key."""
    catalog = flow.profile.catalog
    name = department.name
    texts: dict[str, str] = {}
    if department.complaint_phone:
        texts["2"] = catalog.complaint_number(name, department.complaint_phone)
    if department.supervision_phone:
        texts["3"] = catalog.supervision_number(name, department.supervision_phone)
    if department.address or department.hours:
        texts["4"] = catalog.address_and_hours(
            name, department.address, department.schedule.describe()
        )
    return texts


async def announce(flow: RunningCall, department: DepartmentRecord) -> AnnounceOutcome:
    """Read the number and the menu; returns what the caller chose."""
    catalog = flow.profile.catalog
    can_transfer = bool(department.liaison_endpoint or department.backup_endpoint)
    information = _information(department, flow)
    menu = catalog.department_menu(
        complaint="2" in information, supervision="3" in information, visit="4" in information
    )
    texts = []
    if department.service_phone:
        texts.append(catalog.department_number(department.name, department.service_phone))
    if can_transfer:
        texts.append("只需要号码请按1，稍后为您转接")
    if menu:
        texts.append(menu)
    for _round in range(MAX_ROUNDS):
        key = await flow.ask(
            *texts, max_digits=1, stop_on=OPERATOR_KEY + NUMBER_ONLY_KEY + "".join(information)
        )
        if key == OPERATOR_KEY:
            return AnnounceOutcome.OPERATOR
        if key not in information:
            break
        flow.step("information", key=key)
        await flow.say(information[key])
        texts = [text for text in (menu,) if text]
    else:
        key = ""
    if key == NUMBER_ONLY_KEY or not can_transfer:
        return AnnounceOutcome.NUMBER_ONLY
    return AnnounceOutcome.TRANSFER
