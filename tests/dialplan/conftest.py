"""The sample directory in a migrated SQLite database, and the sample sites file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from base.database import create_engine, create_session_factory
from directory import DepartmentRecord, DirectoryRepository, import_csv
from hotline.migrate import upgrade_async
from routing import DEFAULT_SITES_FILE, SitesConfig, load_sites
from tests.conftest import SAMPLE_DIRECTORY


async def _import_sample(url: str) -> list[DepartmentRecord]:
    await upgrade_async(url)
    engine = create_engine(url)
    try:
        repository = DirectoryRepository(create_session_factory(engine))
        report = await import_csv(SAMPLE_DIRECTORY, repository)
        assert report.ok, report.errors
        return await repository.all_records()
    finally:
        await engine.dispose()


@pytest.fixture
def sample_database(tmp_path: Path) -> tuple[str, list[DepartmentRecord]]:
    """A SQLite database holding the sample directory, and its records as read back."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hotline.sqlite3'}"
    # sync fixture: the CLI under test runs its own event loop with asyncio.run
    return url, asyncio.run(_import_sample(url))


@pytest.fixture
def sample_sites() -> SitesConfig:
    return load_sites(DEFAULT_SITES_FILE)
