"""Tables of the department directory: cities and their departments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import Base


class City(Base):
    """A city (site) whose hotline serves its own departments."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    departments: Mapped[list[Department]] = relationship(back_populates="city")


class Department(Base):
    """A government department or public utility callers ask for (部门)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(32), default="government")
    service_phone: Mapped[str] = mapped_column(String(32), default="")
    complaint_phone: Mapped[str] = mapped_column(String(32), default="")
    supervision_phone: Mapped[str] = mapped_column(String(32), default="")
    liaison: Mapped[str] = mapped_column(String(100), default="")
    liaison_endpoint: Mapped[str] = mapped_column(String(200), default="")
    backup_endpoint: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[str] = mapped_column(String(200), default="24h")
    address: Mapped[str] = mapped_column(String(300), default="")
    duties: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    city: Mapped[City] = relationship(back_populates="departments", lazy="joined")
