"""Fixtures shared by every test package: databases (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.database import create_engine, create_session_factory
from hotline.migrate import upgrade_async
from tests.servers import create_postgres_database, postgres_server

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIRECTORY = REPO_ROOT / "directory" / "data" / "sample_directory.csv"
_database_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    return create_postgres_database(admin_url, f"test_{next(_database_names)}")


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def second_process(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Another process's connections to the same (migrated) database: its own engine and pool."""
    engine = create_engine(database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
