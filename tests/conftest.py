"""Fixtures shared by every test package: databases (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.database import create_engine, create_session_factory
from hotline.migrate import upgrade, upgrade_async
from tests.servers import create_postgres_database, postgres_server

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIRECTORY = REPO_ROOT / "directory" / "data" / "sample_directory.csv"
_database_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
POSTGRES_TEMPLATE = "hotline_migrated"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; tests get copies of it."""
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_admin_url: str) -> str:
    """A PostgreSQL database migrated to head once per session, the template of the others."""
    upgrade(create_postgres_database(postgres_admin_url, POSTGRES_TEMPLATE))
    return POSTGRES_TEMPLATE


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, for the migrations' own tests: a SQLite file, a fresh PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    return create_postgres_database(admin_url, f"test_{next(_database_names)}")


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a copy of the session's migrated SQLite file, or a
    PostgreSQL database made from the migrated template (migrating each one would cost
    a third of a second to a second per test)."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite+aiosqlite:///{path}"
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    template: str = request.getfixturevalue("migrated_postgres")
    return create_postgres_database(admin_url, f"test_{next(_database_names)}", template=template)


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
