"""The PBX dials only what the system decided: own seat, the callback's own number, no
premium-rate numbers in the directory; seats change only by their own operator."""

from __future__ import annotations

import pytest

from agent_desk.auth import Role
from directory import DepartmentRecord, RecordError, forbidden_reason
from tests.agent_desk.conftest import DEPT_A, DeskHarness

CALLER = "13900000077"


async def _missed_caller(harness: DeskHarness, caller: str = CALLER) -> int:
    assert harness.desk.seats is not None
    entry = await harness.desk.seats.callbacks.add(caller=caller, site="linjiang",
                                                   hotline_number="12345", call_id="c-1",
                                                   reason="abandoned")  # fmt: skip
    assert entry is not None
    return entry.id


async def test_a_callback_rings_the_operators_own_seat_and_the_callers_number(
    harness: DeskHarness,
) -> None:
    entry = await _missed_caller(harness)
    no_seat = await harness.call("POST", f"/api/callbacks/{entry}/call", as_user="op1")
    assert (no_seat.status, (await no_seat.json())["error"]["code"]) == (409, "seat-required")
    taken = await harness.call("POST", "/api/seats/lj-02/state", as_user="op1",
                               json={"state": "available"})  # fmt: skip
    assert taken.status == 200
    called = await harness.call("POST", f"/api/callbacks/{entry}/call", as_user="op1")
    assert called.status == 202, await called.text()
    assert harness.call_control.callbacks == [("PJSIP/seat-lj-02", CALLER)]


@pytest.mark.parametrize(
    "body",
    [{"from_endpoint": "PJSIP/00441234567890@trunk"}, {"to_number": "16812345678"},
     {"from_endpoint": "PJSIP/seat-lj-02"}],
)  # fmt: skip
async def test_a_callback_takes_no_dial_string_from_the_body(
    harness: DeskHarness, body: dict[str, str]
) -> None:
    entry = await _missed_caller(harness)
    await harness.call("POST", "/api/seats/lj-02/state", as_user="op1", json={"state": "available"})
    response = await harness.call("POST", f"/api/callbacks/{entry}/call", as_user="op1", json=body)
    assert response.status == 400
    assert harness.call_control.callbacks == []


async def test_a_premium_rate_caller_id_is_not_called_back(harness: DeskHarness) -> None:
    entry = await _missed_caller(harness, caller="16800001234")
    await harness.call("POST", "/api/seats/lj-02/state", as_user="op1", json={"state": "available"})
    response = await harness.call("POST", f"/api/callbacks/{entry}/call", as_user="op1")
    assert response.status == 400
    assert harness.call_control.callbacks == []


async def test_only_the_seats_own_operator_or_a_supervisor_changes_it(
    harness: DeskHarness,
) -> None:
    mine = await harness.call("POST", "/api/seats/lj-01/state", as_user="op1",
                              json={"state": "available"})  # fmt: skip
    assert mine.status == 200
    # Another operator may neither take nor switch off a seat someone sits at...
    await harness.desk.auth.add_user("op2", Role.OPERATOR, password="correct-horse-9")
    for state in ("available", "break", "offline"):
        other = await harness.call("POST", "/api/seats/lj-01/state", as_user="op2",
                                   json={"state": state})  # fmt: skip
        assert (other.status, (await other.json())["error"]["code"]) == (403, "seat-not-yours")
    # ...nor change a free seat except by signing in at it.
    free = await harness.call("POST", "/api/seats/lj-05/state", as_user="op2",
                              json={"state": "offline"})  # fmt: skip
    assert free.status == 403
    # One seat per operator.
    second = await harness.call("POST", "/api/seats/lj-03/state", as_user="op1",
                                json={"state": "available"})  # fmt: skip
    assert (second.status, (await second.json())["error"]["code"]) == (409, "seat-taken")
    # The operator's own changes, and a supervisor's.
    assert (await harness.call("POST", "/api/seats/lj-01/state", as_user="op1",
                               json={"state": "break"})).status == 200  # fmt: skip
    assert (await harness.call("POST", "/api/seats/lj-01/state", as_user="sup1",
                               json={"state": "offline"})).status == 200  # fmt: skip
    # Signed out: the seat is free for the next operator.
    assert (await harness.call("POST", "/api/seats/lj-01/state", as_user="op2",
                               json={"state": "available"})).status == 200  # fmt: skip
    seats = await (await harness.call("GET", "/api/seats", as_user="op2")).json()
    lj01 = next(s for site in seats["sites"] for s in site["seats"] if s["id"] == "lj-01")
    assert (lj01["occupied"], lj01["mine"]) == (True, True)


@pytest.mark.parametrize(
    ("number", "forbidden"),
    [("16812345678", True), ("168-0012", True), ("19005551234", True), ("12590123", True),
     ("12580", True), ("00441234567890", True), ("+8616812345678", True),
     ("0571-1680123", True), ("0086-19001234", True),
     ("66101900", False), ("12345", False), ("0571-12345", False), ("13800138000", False),
     ("010-66101234", False), ("+8613800138000", False), ("95598", False)],
)  # fmt: skip
def test_forbidden_numbers(number: str, forbidden: bool) -> None:
    assert (forbidden_reason(number) is not None) is forbidden


def _row(**changes: str) -> dict[str, str]:
    row = {"city": "临江市", "code": "x.test", "name": "测试局", "name_en": "", "aliases": "",
           "kind": "government", "service_phone": "66101234", "complaint_phone": "",
           "supervision_phone": "", "liaison": "", "liaison_endpoint": "PJSIP/lj-x",
           "backup_endpoint": "", "hours": "mon-fri 08:30-17:30", "address": "",
           "duties": ""}  # fmt: skip
    return {**row, **changes}


@pytest.mark.parametrize(
    "changes",
    [{"service_phone": "16812345678"}, {"complaint_phone": "19001234"},
     {"supervision_phone": "0044123456"}, {"liaison_endpoint": "PJSIP/16812345678@trunk"},
     {"backup_endpoint": "PJSIP/0044207123456@trunk"}],
)  # fmt: skip
def test_directory_rows_refuse_premium_rate_numbers(changes: dict[str, str]) -> None:
    with pytest.raises(RecordError, match="not allowed"):
        DepartmentRecord.from_row(_row(**changes))
    DepartmentRecord.from_row(_row())


async def test_a_liaison_cannot_put_a_premium_rate_number_in_the_directory(
    harness: DeskHarness,
) -> None:
    response = await harness.call("PUT", f"/api/departments/{DEPT_A}", as_user="li_a",
                                  json={"service_phone": "16800001234"})  # fmt: skip
    assert response.status == 400
    assert "premium-rate" in (await response.json())["error"]["message"]


async def test_the_desk_refuses_a_switchboard_as_liaison_target(harness: DeskHarness) -> None:
    response = await harness.call("PUT", f"/api/departments/{DEPT_A}", as_user="li_a",
                                  json={"backup_endpoint": "PJSIP/95598@trunk"})  # fmt: skip
    assert response.status == 400
    error = (await response.json())["error"]
    assert "rule switchboard" in error["message"]
    assert error["details"] == {"field": "backup_endpoint"}


async def test_a_seat_taken_on_one_board_cannot_be_taken_on_the_other(
    harness: DeskHarness,
) -> None:
    """The seat board (/api/seats) and the console (/api/my-seat) keep who sits where in
    two tables: each refuses a seat the other gave to someone else."""
    await harness.desk.auth.add_user("op2", Role.OPERATOR, password="correct-horse-9")
    board = await harness.call("POST", "/api/seats/lj-01/state", as_user="op1",
                               json={"state": "available"})  # fmt: skip
    assert board.status == 200
    console = await harness.call("POST", "/api/my-seat", as_user="op2", json={"seat_id": "lj-01"})
    assert (console.status, (await console.json())["error"]["code"]) == (409, "seat-taken")
    sat = await harness.call("POST", "/api/my-seat", as_user="op2", json={"seat_id": "lj-02"})
    assert sat.status == 200
    for state in ("available", "break", "offline"):
        other = await harness.call("POST", "/api/seats/lj-02/state", as_user="op1",
                                   json={"state": state})  # fmt: skip
        assert (other.status, (await other.json())["error"]["code"]) == (403, "seat-not-yours")
    assert harness.desk.seats is not None
    assert (await harness.desk.seats.presence.seat("lj-02")).state.value == "available"
    # the oversight still may
    assert (await harness.call("POST", "/api/seats/lj-02/state", as_user="sup1",
                               json={"state": "break"})).status == 200  # fmt: skip
