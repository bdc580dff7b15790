"""Order numbers: date prefix plus daily sequence, digits only, spoken digit by digit."""

from __future__ import annotations

from datetime import date

import pytest

from agent_desk.orders.numbering import (
    DailySequenceExhausted,
    format_number,
    is_order_number,
    spoken,
)


def test_number_is_date_then_four_digit_sequence() -> None:
    assert format_number(date(2026, 11, 24), 17) == "2611240017"
    assert is_order_number("2611240017")
    assert not is_order_number("26112400A7")


def test_numbers_sort_by_day_then_arrival() -> None:
    numbers = [format_number(date(2026, 11, 25), 1), format_number(date(2026, 11, 24), 12),
               format_number(date(2026, 11, 24), 3)]  # fmt: skip
    assert sorted(numbers) == ["2611240003", "2611240012", "2611250001"]


def test_sequence_beyond_four_digits_is_refused() -> None:
    with pytest.raises(DailySequenceExhausted):
        format_number(date(2026, 11, 24), 10_000)


def test_spoken_form_says_yao_for_one() -> None:
    assert spoken("2611240017") == "二六幺幺二四零零幺七"
