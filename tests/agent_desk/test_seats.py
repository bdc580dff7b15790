"""Seat presence and missed-call callbacks at the desk."""

from __future__ import annotations

import pytest

from tests.agent_desk.conftest import DeskHarness


async def test_an_operator_signs_in_takes_a_break_and_signs_out(harness: DeskHarness) -> None:
    for state in ("available", "break", "offline"):
        response = await harness.call(
            "POST", "/api/seats/lj-01/state", as_user="op1", json={"state": state}
        )
        assert response.status == 200, await response.text()
        assert (await response.json())["state"] == state
    seats = await (await harness.call("GET", "/api/seats", as_user="op1")).json()
    linjiang = next(site for site in seats["sites"] if site["id"] == "linjiang")
    assert len(linjiang["seats"]) == 12
    assert {s["endpoint"] for s in linjiang["seats"]} >= {"PJSIP/seat-lj-01"}


@pytest.mark.parametrize("body", [{"state": "asleep"}, {}])
async def test_bad_seat_states_are_refused(harness: DeskHarness, body: dict[str, str]) -> None:
    response = await harness.call("POST", "/api/seats/lj-01/state", as_user="op1", json=body)
    assert response.status == 400
    assert "error" in await response.json()


async def test_unknown_seats_and_callbacks_are_404(harness: DeskHarness) -> None:
    response = await harness.call(
        "POST", "/api/seats/nope/state", as_user="op1", json={"state": "available"}
    )
    assert response.status == 404
    for entry_id in ("999", "315398956933544214528"):  # the second cannot be a database id
        response = await harness.call("POST", f"/api/callbacks/{entry_id}/call", as_user="op1")
        assert response.status == 404


async def test_a_liaison_has_no_seat(harness: DeskHarness) -> None:
    assert (await harness.call("GET", "/api/seats", as_user="li_a")).status == 403
    assert (await harness.call("GET", "/api/callbacks", as_user="li_a")).status == 403
