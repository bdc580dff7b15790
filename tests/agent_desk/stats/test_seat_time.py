"""Time per state from seat changes: clipping to the period, wrap-ups that end by
themselves, the state carried in from before the period, and operators' shares."""

from __future__ import annotations

import pytest

from agent_desk.stats.seat_time import Change, Sitting, by_operator, by_seat, spans

START, END = 1000.0, 2000.0


def test_each_state_lasts_until_the_next_change_clipped_to_the_period() -> None:
    changes = [
        Change("lj-01", "offline", 0.0),
        Change("lj-01", "available", 900.0),  # before the period: carried in from 1000
        Change("lj-01", "ringing", 1100.0),
        Change("lj-01", "on_call", 1105.0),
        Change("lj-01", "wrap_up", 1165.0, wrapup_s=30.0),  # ends by itself at 1195
        Change("lj-01", "break", 1300.0),
        Change("lj-01", "available", 1600.0),
        Change("lj-01", "offline", 2500.0),  # after the period
    ]
    time = by_seat(spans(changes, START, END), START)["lj-01"]
    assert time.seconds == {
        "available": 100 + (1300 - 1195) + (2000 - 1600),
        "ringing": 5, "on_call": 60, "wrap_up": 30, "break": 300, "offline": 0,
    }  # fmt: skip
    assert time.signed_in_s == 1000
    assert time.wrap_ups == 1
    assert time.average_wrap_up_s == 30
    assert time.occupancy == pytest.approx(90 / 700)


def test_a_wrap_up_cut_short_and_one_begun_before_the_period() -> None:
    changes = [
        Change("qs-01", "wrap_up", 990.0, wrapup_s=30.0),  # its last 20 s fall in the period
        Change("qs-01", "ringing", 1200.0),
        Change("qs-01", "on_call", 1210.0),
        Change("qs-01", "wrap_up", 1220.0, wrapup_s=60.0),
        Change("qs-01", "available", 1240.0),  # the operator ended it after 20 s
        Change("qs-01", "offline", 1300.0),
    ]
    time = by_seat(spans(changes, START, END), START)["qs-01"]
    assert time.seconds["wrap_up"] == 20 + 20
    assert time.seconds["available"] == (1200 - 1020) + 60
    assert time.seconds["offline"] == 700
    assert time.wrap_ups == 1  # the one begun before the period is not this period's


def test_no_change_no_time_and_nothing_past_the_end() -> None:
    assert by_seat(spans([], START, END), START) == {}
    later = [Change("lj-02", "available", 2100.0)]
    assert by_seat(spans(later, START, END), START) == {}


def test_operators_get_the_part_of_a_seats_time_they_sat_there() -> None:
    changes = [
        Change("lj-01", "available", 1000.0),
        Change("lj-01", "on_call", 1400.0),
        Change("lj-01", "wrap_up", 1500.0, wrapup_s=20.0),
        Change("lj-01", "offline", 1800.0),
    ]
    sittings = [Sitting(7, "lj-01", 1000.0, 1450.0), Sitting(8, "lj-01", 1450.0, 2000.0),
                Sitting(9, "lj-02", 1000.0, 2000.0)]  # fmt: skip
    times = by_operator(spans(changes, START, END), sittings, START)
    assert times[7].seconds["available"] == 400
    assert times[7].seconds["on_call"] == 50
    assert times[8].seconds["on_call"] == 50
    assert times[8].seconds["wrap_up"] == 20
    assert times[8].seconds["available"] == 280
    assert times[8].seconds["offline"] == 200
    assert (times[7].wrap_ups, times[8].wrap_ups) == (0, 1)
    assert times[9].signed_in_s == 0  # nothing journalled for their seat
