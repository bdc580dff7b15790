"""The holiday calendar from the `working_calendar` table: seeded from the package,
2027 entered by an admin (desk API and `hotline calendar`), deadlines and the wallboard
following it, and the visible Monday-Friday fallback until it is entered."""

from __future__ import annotations

import argparse
import logging
from datetime import date, datetime
from pathlib import Path

import pytest

from base.calendar_store import CalendarStore, parse_csv
from base.clock import CHINA_TZ
from base.config import Settings
from base.workdays import DayKind, EntryKind, WorkingCalendar
from hotline.cli import calendar as calendar_cli
from hotline.migrate import upgrade
from tests.agent_desk.conftest import DeskHarness

HOLIDAYS_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-06,holiday,春节
2027-13-01,holiday,typo
2027-02-07,workday,春节
2027-02-08,maybe,春节
2027-02-09,workday,春节
"""


async def _order_due(h: DeskHarness) -> str:
    response = await h.call("POST", "/api/orders", as_user="op1",
                            json={"order_type": "consultation", "subject": "问询"})  # fmt: skip
    assert response.status == 201, await response.text()
    due: str = (await response.json())["deadline"]["due_date"]
    return due


def test_bad_rows_are_reported_with_their_line_and_good_rows_kept() -> None:
    entries, errors = parse_csv(HOLIDAYS_2027)
    assert [e.day.isoformat() for e in entries] == [
        "2027-01-01", "2027-01-02", "2027-01-03", "2027-02-06", "2027-02-07",
    ]  # fmt: skip
    assert [line for line, _ in errors] == [6, 8, 9]
    assert "YYYY-MM-DD" in errors[0][1]
    assert "holiday or workday" in errors[1][1]
    assert "Tuesday" in errors[2][1]  # a make-up workday on a weekday is a mistake


async def test_the_table_is_seeded_from_the_package_and_2027_falls_back_visibly(
    harness: DeskHarness, caplog: pytest.LogCaptureFixture
) -> None:
    store = harness.desk.calendar_store
    seeded = await store.load()
    assert 2026 in seeded
    assert 2027 not in seeded
    assert await store.load() == []  # seeded once; the table now holds those years
    calendar = harness.desk.calendar
    assert calendar.day_kind(date(2026, 10, 1)) is DayKind.HOLIDAY
    with caplog.at_level(logging.WARNING, logger="base.workdays"):
        assert calendar.day_kind(date(2027, 1, 1)) is DayKind.WORKDAY
    assert any("no official holiday calendar for 2027" in r.getMessage() for r in caplog.records)
    response = await harness.call("GET", "/api/calendar/years/2027", as_user="sup1")
    assert response.status == 200
    shown = await response.json()
    assert shown["known"] is False
    assert shown["fallback"] == "monday-friday"
    assert shown["days"] == []


async def test_importing_2027_makes_new_years_day_a_holiday_and_moves_a_deadline(
    harness: DeskHarness,
) -> None:
    await harness.desk.calendar_store.load()
    harness.clock.current = datetime(2026, 12, 30, 10, 0, tzinfo=CHINA_TZ)  # a Wednesday
    police = harness.desk.directory.get("linjiang.gongan")
    assert police is not None
    new_years_morning = datetime(2027, 1, 1, 10, 0, tzinfo=CHINA_TZ)
    assert harness.desk.directory.is_open(police, new_years_morning)  # Friday, by Mon-Fri
    # 3 working days by Monday-Friday: Thu 31, Fri 1 Jan, Mon 4 Jan.
    assert await _order_due(harness) == "2027-01-04"
    refused = await harness.call("POST", "/api/calendar/import", as_user="sup1",
                                 json={"csv": HOLIDAYS_2027})  # fmt: skip
    assert refused.status == 403  # supervisors read the calendar; admins enter it
    response = await harness.call("POST", "/api/calendar/import", as_user="admin1",
                                  json={"csv": HOLIDAYS_2027})  # fmt: skip
    assert response.status == 200
    report = await response.json()
    assert report["saved"] == 5
    assert report["years"] == [2027]
    assert [e["line"] for e in report["errors"]] == [6, 8, 9]
    assert harness.desk.calendar.day_kind(date(2027, 1, 1)) is DayKind.HOLIDAY
    assert harness.desk.calendar.day_kind(date(2027, 2, 7)) is DayKind.MAKEUP_WORKDAY
    # After-hours routing follows: the transfer goes to voicemail on New Year's Day.
    assert not harness.desk.directory.is_open(police, new_years_morning)
    # Thu 31, then 1-3 Jan are holidays: Mon 4, Tue 5.
    assert await _order_due(harness) == "2027-01-05"
    shown = await (await harness.call("GET", "/api/calendar/years/2027", as_user="sup1")).json()
    assert shown["known"] is True
    assert shown["days"][0] == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    # A fresh calendar read from the table (another process) knows the same.
    other = WorkingCalendar(years={})
    await CalendarStore(sessions=harness.sessions, calendar=other, clock=harness.clock).load()
    assert other.day_kind(date(2027, 1, 1)) is DayKind.HOLIDAY


async def test_an_admin_sets_and_removes_one_day(harness: DeskHarness) -> None:
    await harness.desk.calendar_store.load()
    path = "/api/calendar/days/2027-10-01"
    bad = await harness.call("PUT", path, as_user="admin1", json={"kind": "workday"})
    assert bad.status == 400
    assert (await bad.json())["error"]["code"] == "invalid-input"
    saved = await harness.call("PUT", path, as_user="admin1",
                               json={"kind": "holiday", "name": "国庆节"})  # fmt: skip
    assert saved.status == 200
    assert harness.desk.calendar.entry(date(2027, 10, 1)) is not None
    removed = await harness.call("DELETE", path, as_user="admin1")
    assert (await removed.json())["removed"] is True
    assert harness.desk.calendar.entry(date(2027, 10, 1)) is None


async def test_the_wallboard_warns_from_december_first(harness: DeskHarness) -> None:
    await harness.desk.calendar_store.load()
    harness.clock.current = datetime(2026, 11, 30, 23, 0, tzinfo=CHINA_TZ)
    board = await (await harness.call("GET", "/api/stats/live", as_user="sup1")).json()
    assert board["warnings"] == []
    harness.clock.current = datetime(2026, 12, 1, 8, 0, tzinfo=CHINA_TZ)
    board = await (await harness.call("GET", "/api/stats/live", as_user="sup1")).json()
    [warning] = board["warnings"]
    assert "2027" in warning
    page = await harness.call("GET", "/desk/wallboard", as_user="sup1")
    assert warning in await page.text()
    calendar_page = await harness.call("GET", "/desk/calendar", as_user="admin1")
    text = await calendar_page.text()
    assert "2027" in text
    assert warning in text
    assert 'id="calendar-import-form"' in text
    await harness.desk.calendar_store.import_csv(HOLIDAYS_2027, actor="admin1")
    board = await (await harness.call("GET", "/api/stats/live", as_user="sup1")).json()
    assert board["warnings"] == []


def test_calendar_command_imports_and_shows_a_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)
    settings = Settings(data_dir=tmp_path, database_url=url)
    parser = argparse.ArgumentParser()
    calendar_cli.register(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(argv)
        code: int = args.handler(args, settings)
        return code

    assert run("calendar", "show", "2027") == 1
    assert "Monday-Friday" in capsys.readouterr().err
    assert run("calendar", "show", "2026") == 0  # seeded from the package
    assert "2026-10-01" in capsys.readouterr().out
    csv_file = tmp_path / "2027.csv"
    csv_file.write_text(HOLIDAYS_2027, encoding="utf-8")
    assert run("calendar", "import", str(csv_file)) == 1  # some rows were refused
    captured = capsys.readouterr()
    assert f"{csv_file}:6:" in captured.err
    assert f"{csv_file}:9:" in captured.err
    assert "5 days saved" in captured.out
    assert run("calendar", "show", "2027") == 0
    out = capsys.readouterr().out
    assert "2027-01-01" in out
    assert "元旦" in out
    assert EntryKind.HOLIDAY.value == "holiday"
