"""`hotline api-clients create|list|rotate|revoke` against a migrated SQLite file: the
printed token is the one the API accepts, rotation and revocation take effect."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest

from agent_desk.integrations import ApiClients
from base.clock import SystemClock
from base.config import Settings
from base.database import create_engine, create_session_factory
from directory import DirectoryRepository, import_csv
from hotline.cli import api_clients
from hotline.cli.common import CommandError
from hotline.migrate import upgrade
from tests.conftest import SAMPLE_DIRECTORY


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)

    async def load() -> None:
        engine = create_engine(url)
        await import_csv(SAMPLE_DIRECTORY, DirectoryRepository(create_session_factory(engine)))
        await engine.dispose()

    asyncio.run(load())
    return Settings(data_dir=tmp_path, database_url=url)


def run(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    api_clients.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["api-clients", *argv])
    code: int = args.handler(args, settings)
    return code


def token_of(output: str) -> str:
    return output.split("token (shown once): ", 1)[1].split()[0]


def accepted(settings: Settings, token: str) -> bool:
    async def check() -> bool:
        engine = create_engine(settings.resolved_database_url)
        try:
            clients = ApiClients(sessions=create_session_factory(engine), clock=SystemClock())
            return await clients.resolve(token, ip="127.0.0.1") is not None
        finally:
            await engine.dispose()

    return asyncio.run(check())


def test_create_rotate_revoke(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(settings, "create", "gongan-system", "--department", "linjiang.gongan",
               "--scope", "write") == 0  # fmt: skip
    first = token_of(capsys.readouterr().out)
    assert accepted(settings, first)
    assert run(settings, "list", "--json") == 0
    (listed,) = json.loads(capsys.readouterr().out)["clients"]
    assert listed["scopes"] == ["read", "write"]
    assert listed["last_used_ip"] == "127.0.0.1"
    assert first not in json.dumps(listed)

    assert run(settings, "rotate", "gongan-system") == 0  # default: an hour of overlap
    second = token_of(capsys.readouterr().out)
    assert accepted(settings, first)
    assert accepted(settings, second)
    assert run(settings, "rotate", str(listed["id"]), "--overlap-minutes", "0") == 0
    third = token_of(capsys.readouterr().out)
    assert not accepted(settings, first)
    assert not accepted(settings, second)
    assert accepted(settings, third)

    assert run(settings, "revoke", "gongan-system") == 0
    assert not accepted(settings, third)
    with pytest.raises(CommandError, match="revoked"):
        run(settings, "rotate", "gongan-system")


def test_unknown_department_and_client_are_one_line_errors(settings: Settings) -> None:
    with pytest.raises(CommandError, match="no department"):
        run(settings, "create", "x", "--department", "nope")
    with pytest.raises(CommandError, match="no API client"):
        run(settings, "revoke", "nobody")
