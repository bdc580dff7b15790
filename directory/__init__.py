"""The department directory: departments, numbers, liaisons, opening hours, and lookup.

Knows nothing of calls. Others use `DirectoryService` (lookup, cards, open-now), the
import/export functions, and the record and schedule types exported here.
"""

from directory.csv_io import CsvFormatError, ImportReport, RowError, export_csv, import_csv
from directory.forbidden_numbers import FORBIDDEN_PREFIXES, forbidden_reason
from directory.hours import HoursFormatError, WeeklySchedule
from directory.liaison_targets import TargetRefusal, target_refusal
from directory.matcher import DirectoryIndex, LookupResult, Match, MatchTarget
from directory.records import CSV_COLUMNS, DepartmentRecord, RecordError
from directory.repository import DirectoryRepository, UpsertCounts
from directory.service import DepartmentCard, DirectoryService

__all__ = [
    "CSV_COLUMNS",
    "FORBIDDEN_PREFIXES",
    "CsvFormatError",
    "DepartmentCard",
    "DepartmentRecord",
    "DirectoryIndex",
    "DirectoryRepository",
    "DirectoryService",
    "HoursFormatError",
    "ImportReport",
    "LookupResult",
    "Match",
    "MatchTarget",
    "RecordError",
    "RowError",
    "TargetRefusal",
    "UpsertCounts",
    "WeeklySchedule",
    "export_csv",
    "forbidden_reason",
    "import_csv",
    "target_refusal",
]
