"""The knowledge base: FAQ entries per department (知识库), searched by operators.

Imported from CSV (columns: department_code, question, answer, keywords); a bad row is
reported with its line and the good rows are kept. Departments edit their own entries
from the desk (`create`, `update`, `delete`, each audited); `departments` narrows every
call to what a liaison may touch, and anything outside it is simply not found.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk import audit
from agent_desk.kb_search import EntryText, Query, best
from agent_desk.timeutil import china
from base.clock import Clock
from base.database import Base
from base.errors import HotlineError, InvalidInput, NotFound

KB_COLUMNS = ("department_code", "question", "answer", "keywords")
# A few dozen entries for the sample directory's departments (demo data, `hotline kb
# import --sample`): ID cards, social security, tax, housing fund, utilities …
SAMPLE_KB = Path(__file__).with_name("data") / "sample_kb.csv"


class FaqEntry(Base):
    """One question and its answer, owned by a department."""

    __tablename__ = "kb_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(128), index=True)
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KbEntryNotFound(NotFound):
    code = "kb-entry-not-found"


class KbEntryExists(HotlineError):
    status = 409
    code = "kb-entry-exists"


@dataclass(frozen=True, slots=True)
class FaqText:
    """What an editor writes: the question, its answer and search keywords."""

    question: str
    answer: str
    keywords: str = ""

    def checked(self) -> FaqText:
        question, answer, keywords = self.question.strip(), self.answer.strip(), self.keywords
        if not question or not answer:
            raise InvalidInput("question and answer must not be empty")
        if len(question) > 500 or len(keywords) > 500:
            raise InvalidInput("question and keywords are at most 500 characters each")
        return FaqText(question=question, answer=answer, keywords=keywords.strip())


@dataclass(slots=True)
class KbImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def entry_to_json(entry: FaqEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "department_code": entry.department_code,
        "question": entry.question,
        "answer": entry.answer,
        "keywords": entry.keywords,
        "updated_at": china(entry.updated_at).isoformat(),
    }


class KnowledgeBase:
    """Search and import of FAQ entries."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        # entry id -> (question, keywords, answer) it was prepared from, and the result
        self._texts: dict[int, tuple[tuple[str, str, str], EntryText]] = {}

    async def search(
        self,
        text: str,
        *,
        department_code: str | None = None,
        within: frozenset[str] | None = None,
        limit: int = 20,
    ) -> list[FaqEntry]:
        """The entries that best match `text` (`agent_desk.kb_search`: Chinese n-grams,
        pinyin, words), best first, among the departments `within` (None: all of them);
        an empty `text` lists them by department."""
        query = select(FaqEntry).order_by(FaqEntry.department_code, FaqEntry.id)
        if department_code:
            query = query.where(FaqEntry.department_code == department_code)
        if within is not None:
            query = query.where(FaqEntry.department_code.in_(sorted(within)))
        async with self._sessions() as session:
            rows = list((await session.scalars(query)).all())
        picked = best(Query.parse(text[:200]), [self._prepared(row) for row in rows], limit)
        return [rows[i] for i in picked]

    def _prepared(self, entry: FaqEntry) -> EntryText:
        # Pinyin costs tens of microseconds a character: once per version of an entry.
        version = (entry.question, entry.keywords, entry.answer)
        cached = self._texts.get(entry.id)
        if cached is None or cached[0] != version:
            cached = (version, EntryText.of(*version))
            self._texts[entry.id] = cached
        return cached[1]

    async def import_csv(
        self, text: str, *, departments: Collection[str] | None = None
    ) -> KbImportReport:
        """Upsert by (department, question); rows of a department not in `departments`
        (the directory's codes; None: any) are refused, never filed under a typo."""
        report = KbImportReport()
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in KB_COLUMNS[:3] if c not in (reader.fieldnames or [])]
        if missing:
            report.errors.append((1, f"missing columns: {', '.join(missing)}"))
            return report
        now = china(self._clock.now())
        async with self._sessions() as session:
            for row in reader:
                line = reader.line_num
                code = (row.get("department_code") or "").strip()
                question = (row.get("question") or "").strip()
                answer = (row.get("answer") or "").strip()
                if not (code and question and answer):
                    report.errors.append(
                        (line, "department_code, question and answer are required")
                    )
                    continue
                if departments is not None and code not in departments:
                    report.errors.append((line, f"no department with code {code[:128]!r}"))
                    continue
                if len(question) > 500:
                    report.errors.append((line, "question is longer than 500 characters"))
                    continue
                existing = await session.scalar(
                    select(FaqEntry).where(
                        FaqEntry.department_code == code, FaqEntry.question == question
                    )
                )
                keywords = (row.get("keywords") or "").strip()[:500]
                if existing is None:
                    session.add(
                        FaqEntry(department_code=code, question=question, answer=answer,
                                 keywords=keywords, updated_at=now)
                    )  # fmt: skip
                    report.created += 1
                else:
                    existing.answer, existing.keywords, existing.updated_at = answer, keywords, now
                    report.updated += 1
            await session.commit()
        return report

    # -- editing by the department ------------------------------------------------------

    async def get(self, entry_id: int, *, departments: frozenset[str] | None) -> FaqEntry:
        """The entry, if it exists and belongs to one of `departments` (None: any)."""
        async with self._sessions() as session:
            return await _visible(session, entry_id, departments)

    async def create(self, department_code: str, text: FaqText, *, actor: str) -> FaqEntry:
        text = text.checked()
        now = china(self._clock.now())
        async with self._sessions() as session:
            await _refuse_duplicate(session, department_code, text.question, None)
            entry = FaqEntry(
                department_code=department_code,
                question=text.question,
                answer=text.answer,
                keywords=text.keywords,
                updated_at=now,
            )
            session.add(entry)
            await session.flush()
            audit.record(session, at=now, actor=actor, action="kb.create",
                         target=str(entry.id), detail=department_code)  # fmt: skip
            await session.commit()
            return entry

    async def update(
        self, entry_id: int, text: FaqText, *, departments: frozenset[str] | None, actor: str
    ) -> FaqEntry:
        text = text.checked()
        now = china(self._clock.now())
        async with self._sessions() as session:
            entry = await _visible(session, entry_id, departments)
            await _refuse_duplicate(session, entry.department_code, text.question, entry.id)
            entry.question, entry.answer, entry.keywords = text.question, text.answer, text.keywords
            entry.updated_at = now
            audit.record(session, at=now, actor=actor, action="kb.update",
                         target=str(entry.id), detail=entry.department_code)  # fmt: skip
            await session.commit()
            return entry

    async def delete(
        self, entry_id: int, *, departments: frozenset[str] | None, actor: str
    ) -> None:
        async with self._sessions() as session:
            entry = await _visible(session, entry_id, departments)
            await session.delete(entry)
            audit.record(session, at=china(self._clock.now()), actor=actor, action="kb.delete",
                         target=str(entry_id), detail=entry.department_code)  # fmt: skip
            await session.commit()


async def _visible(
    session: AsyncSession, entry_id: int, departments: frozenset[str] | None
) -> FaqEntry:
    entry = await session.get(FaqEntry, entry_id)
    if entry is None or (departments is not None and entry.department_code not in departments):
        raise KbEntryNotFound(f"no knowledge-base entry {entry_id}")
    return entry


async def _refuse_duplicate(
    session: AsyncSession, department_code: str, question: str, own_id: int | None
) -> None:
    # The CSV import upserts by (department, question): two entries with the same
    # question would make the next import update an arbitrary one of them.
    found = await session.scalar(
        select(FaqEntry.id).where(
            FaqEntry.department_code == department_code, FaqEntry.question == question
        )
    )
    if found is not None and found != own_id:
        raise KbEntryExists(f"{department_code} already has the question {question[:60]!r}")
