"""The knowledge base: FAQ entries per department (知识库), searched by operators.

Imported from CSV (columns: department_code, question, answer, keywords); a bad row is
reported with its line and the good rows are kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import DateTime, String, Text, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.timeutil import china
from hotline.clock import Clock
from hotline.database import Base

KB_COLUMNS = ("department_code", "question", "answer", "keywords")


class FaqEntry(Base):
    """One question and its answer, owned by a department."""

    __tablename__ = "kb_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(128), index=True)
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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
    }


class KnowledgeBase:
    """Search and import of FAQ entries."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def search(
        self, text: str, *, department_code: str | None = None, limit: int = 20
    ) -> list[FaqEntry]:
        """Entries whose question, answer or keywords contain every word of `text`."""
        query = select(FaqEntry).order_by(FaqEntry.department_code, FaqEntry.id).limit(limit)
        for word in text.split()[:8]:
            pattern = f"%{word}%"
            query = query.where(
                or_(
                    FaqEntry.question.like(pattern),
                    FaqEntry.answer.like(pattern),
                    FaqEntry.keywords.like(pattern),
                )
            )
        if department_code:
            query = query.where(FaqEntry.department_code == department_code)
        async with self._sessions() as session:
            return list((await session.scalars(query)).all())

    async def import_csv(self, text: str) -> KbImportReport:
        """Upsert by (department, question)."""
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
