"""CSV import and export: upsert by code, bad rows reported by line, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory import CsvFormatError, DirectoryRepository, export_csv, import_csv
from tests.conftest import SAMPLE_DIRECTORY

HEADER = SAMPLE_DIRECTORY.read_text(encoding="utf-8").splitlines()[0]
GOOD = (
    "临江市,linjiang.test,临江市测试局,Test Bureau,测试|试验局,government,66000001,,,"
    "联络员,PJSIP/t-1,,mon-fri 08:30-17:30,临江市一路1号,测试"
)


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "directory.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def test_sample_imports_every_row_and_twice_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    repository = DirectoryRepository(sessions)
    first = await import_csv(SAMPLE_DIRECTORY, repository)
    assert first.ok, first.errors
    assert first.counts.created == 92
    second = await import_csv(SAMPLE_DIRECTORY, repository)
    assert (second.counts.created, second.counts.updated, second.counts.unchanged) == (0, 0, 92)
    assert await repository.count() == 92
    assert sorted(await repository.city_names()) == ["临江市", "临江市清河县", "白沙市", "青山市"]


async def test_bad_rows_are_reported_by_line_and_good_rows_kept(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        GOOD,
        GOOD.replace("linjiang.test", "linjiang.bad-hours").replace(
            "mon-fri 08:30-17:30", "weekdays"
        ),
        GOOD.replace("linjiang.test", "Bad Code"),
        "临江市,too,few",
        GOOD.replace("linjiang.test", "linjiang.other").replace("PJSIP/t-1", "not an endpoint"),
        GOOD,
    )
    report = await import_csv(path, DirectoryRepository(sessions))
    assert report.counts.created == 1
    reasons = {error.line: error.reason for error in report.errors}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "hours" in reasons[3]
    assert "code" in reasons[4]
    assert "columns" in reasons[5]
    assert "liaison_endpoint" in reasons[6]
    assert "already on line 2" in reasons[7]


async def test_changed_row_updates_the_department(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    repository = DirectoryRepository(sessions)
    await import_csv(write_csv(tmp_path, GOOD), repository)
    report = await import_csv(write_csv(tmp_path, GOOD.replace("66000001", "66000002")), repository)
    assert report.counts.updated == 1
    stored = await repository.get("linjiang.test")
    assert stored is not None
    assert stored.service_phone == "66000002"
    assert stored.aliases == ("测试", "试验局")


async def test_export_round_trips(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    repository = DirectoryRepository(sessions)
    await import_csv(SAMPLE_DIRECTORY, repository)
    out = tmp_path / "out.csv"
    assert await export_csv(out, repository) == 92
    again = await import_csv(out, repository)
    assert again.ok
    assert again.counts.unchanged == 92
    assert out.read_text(encoding="utf-8").splitlines()[0] == HEADER


async def test_wrong_header_is_a_file_error(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,phone\n公安局,110\n", encoding="utf-8")
    with pytest.raises(CsvFormatError, match="missing: city"):
        await import_csv(path, DirectoryRepository(sessions))
