"""The SQLAlchemy declarative base, engine and session factory shared by every package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SQLITE_BUSY_TIMEOUT_MS = 5000
# Connections kept open, and how many more a burst may open (closed again on return). With
# SQLAlchemy's 5 a thousand calls opened and closed an aiosqlite thread, or a PostgreSQL
# backend, for nearly every query beyond the fifth at a time.
POOL_SIZE = 20
POOL_OVERFLOW = 20


class Base(DeclarativeBase):
    """The declarative base of every table in the hotline."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enable_sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    # A writer waits this long for another before "database is locked"; the journal's
    # writer then backs off and retries, so no call ever waits on it.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url`; SQLite gets foreign keys and WAL switched on."""
    engine = create_async_engine(
        url, pool_pre_ping=not url.startswith("sqlite"), pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
    )  # fmt: skip
    if engine.dialect.name == "sqlite":
        sync_engine: Engine = engine.sync_engine
        event.listen(sync_engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def database_unavailable(exc: BaseException) -> bool:
    """True when the database could not answer now (locked, down, slow), rather than
    refusing a statement for what it is (a constraint, bad data)."""
    if isinstance(exc, IntegrityError | DataError):
        return False
    return isinstance(exc, DBAPIError | OSError | TimeoutError | ConnectionError)


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The session's database's own INSERT, which has ON CONFLICT (the same form on SQLite
    and PostgreSQL)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
