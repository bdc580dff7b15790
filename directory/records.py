"""A department as the import format describes it, validated field by field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from directory.forbidden_numbers import forbidden_reason
from directory.hours import HoursFormatError, WeeklySchedule
from directory.liaison_targets import target_refusal

CSV_COLUMNS = (
    "city", "code", "name", "name_en", "aliases", "kind", "service_phone", "complaint_phone",
    "supervision_phone", "liaison", "liaison_endpoint", "backup_endpoint", "hours", "address",
    "duties",
)  # fmt: skip
KINDS = ("government", "utility", "public_service", "enterprise", "other")
_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,31}$")
_ENDPOINT = re.compile(r"^[A-Za-z0-9]+/[^\s/][^\s]*$")


class RecordError(ValueError):
    """A field is missing or malformed; the message names the field and the problem."""


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    """One directory row: what the CSV holds and the database stores."""

    city: str
    code: str
    name: str
    name_en: str
    aliases: tuple[str, ...]
    kind: str
    service_phone: str
    complaint_phone: str
    supervision_phone: str
    liaison: str
    liaison_endpoint: str
    backup_endpoint: str
    hours: str
    address: str
    duties: str

    @classmethod
    def from_row(cls, row: Mapping[str, str | None]) -> DepartmentRecord:
        """Validate a CSV row; raises RecordError naming the first bad field."""
        values = {column: (row.get(column) or "").strip() for column in CSV_COLUMNS}
        for required in ("city", "code", "name", "hours"):
            if not values[required]:
                raise RecordError(f"{required} is empty")
        if not _CODE.match(values["code"]):
            raise RecordError(
                f"code {values['code']!r} must be lower-case letters, digits, '.', '_' or '-'"
            )
        kind = values["kind"] or "government"
        if kind not in KINDS:
            raise RecordError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        for phone in ("service_phone", "complaint_phone", "supervision_phone"):
            if values[phone] and not _PHONE.match(values[phone]):
                raise RecordError(f"{phone} {values[phone]!r} is not a phone number")
            reason = forbidden_reason(values[phone]) if values[phone] else None
            if reason:
                raise RecordError(f"{phone} {values[phone]!r} is {reason}: not allowed")
        if not (values["service_phone"] or values["liaison_endpoint"]):
            raise RecordError("service_phone and liaison_endpoint are both empty")
        for endpoint in ("liaison_endpoint", "backup_endpoint"):
            if values[endpoint] and not _ENDPOINT.match(values[endpoint]):
                raise RecordError(f"{endpoint} {values[endpoint]!r} is not TECH/resource")
            refusal = target_refusal(values[endpoint], values) if values[endpoint] else None
            if refusal:
                raise RecordError(
                    f"{endpoint} {values[endpoint]!r} dials {refusal.reason}: not allowed "
                    f"as a liaison target (rule {refusal.rule}: callers go to a liaison's "
                    "direct line, never a premium-rate line, fax, switchboard or duty line)"
                )
        try:
            WeeklySchedule.parse(values["hours"])
        except HoursFormatError as exc:
            raise RecordError(f"hours {values['hours']!r}: {exc}") from None
        aliases = tuple(
            dict.fromkeys(a.strip() for a in values.pop("aliases").split("|") if a.strip())
        )
        values["kind"] = kind
        return cls(aliases=aliases, **values)

    def to_row(self) -> dict[str, str]:
        row = {key: value for key, value in asdict(self).items() if key != "aliases"}
        row["aliases"] = "|".join(self.aliases)
        return {column: row[column] for column in CSV_COLUMNS}

    @property
    def schedule(self) -> WeeklySchedule:
        return WeeklySchedule.parse(self.hours)
