"""Import and export of the directory in its CSV format (the columns of directory.csv).

A bad row is reported with its line number and the reason; the good rows are kept.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from base.csv_cells import neutralise, restore
from directory.records import CSV_COLUMNS, DepartmentRecord, RecordError
from directory.repository import DirectoryRepository, UpsertCounts

BATCH_SIZE = 500


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (wrong header, not text)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not imported: its line in the file and why."""

    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    counts: UpsertCounts = field(default_factory=UpsertCounts)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_records(stream: TextIO) -> Iterator[tuple[int, DepartmentRecord | RowError]]:
    """Each data row as a validated record or an error, with the line where the row starts."""
    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if header is None:
        raise CsvFormatError("the file is empty")
    missing = [c for c in CSV_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        raise CsvFormatError(
            f"header must be {','.join(CSV_COLUMNS)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if None in row or any(value is None for value in row.values()):
            yield start, RowError(start, f"expected {len(CSV_COLUMNS)} columns")
            continue
        try:
            record = DepartmentRecord.from_row({k: restore(v) for k, v in row.items()})
        except RecordError as exc:
            yield start, RowError(start, str(exc))
            continue
        if record.code in seen:
            yield (
                start,
                RowError(start, f"code {record.code!r} already on line {seen[record.code]}"),
            )
            continue
        seen[record.code] = start
        yield start, record


async def import_csv(
    path: Path,
    repository: DirectoryRepository,
    *,
    on_progress: Callable[[int], None] | None = None,
    create_cities: bool = False,
) -> ImportReport:
    """Upsert every good row of `path` by code; `on_progress` gets the rows read so far.

    A row of a city the directory does not know is refused (a misspelt city would
    otherwise become a new one), unless `create_cities`, or the directory has no city
    yet (the first import defines them).
    """
    report = ImportReport()
    batch: list[DepartmentRecord] = []
    known = set(await repository.city_names())
    new_cities_allowed = create_cities or not known

    async def flush() -> None:
        counts = await repository.upsert(batch)
        report.counts.created += counts.created
        report.counts.updated += counts.updated
        report.counts.unchanged += counts.unchanged
        batch.clear()

    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for done, (_line, item) in enumerate(read_records(stream), start=1):
                if not isinstance(item, RowError) and not new_cities_allowed \
                        and item.city not in known:  # fmt: skip
                    item = RowError(_line, f"unknown city {item.city[:40]!r} "
                                    "(import with --create-cities to add it)")  # fmt: skip
                if isinstance(item, RowError):
                    report.errors.append(item)
                else:
                    batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    await flush()
                if on_progress is not None:
                    on_progress(done)
    except UnicodeDecodeError as exc:
        raise CsvFormatError(f"{path} is not UTF-8 text ({exc.reason})") from None
    await flush()
    return report


def count_rows(path: Path) -> int:
    """Data rows in the file (for a progress bar's total)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return max(0, sum(1 for _ in csv.reader(stream)) - 1)


async def export_csv(path: Path, repository: DirectoryRepository) -> int:
    """Write every department to `path`; returns the number of rows written."""
    records = await repository.all_records()
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: neutralise(v) for k, v in record.to_row().items()})
    return len(records)
