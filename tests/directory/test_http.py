"""The directory's HTTP API over a real loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from base.clock import CHINA_TZ, ScaledClock
from base.config import Settings
from directory import import_csv
from hotline.bootstrap import build_components
from hotline.http import build_http_app
from hotline.migrate import upgrade_async
from tests.conftest import SAMPLE_DIRECTORY


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[object, object]]:
    settings = Settings(data_dir=tmp_path)
    await upgrade_async(settings.resolved_database_url)
    # A Tuesday morning: offices are open.
    clock = ScaledClock(start=datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ))
    async with build_components(settings, clock=clock) as components:
        await import_csv(SAMPLE_DIRECTORY, components.directory_repository)
        await components.directory.reload()
        async with TestClient(TestServer(build_http_app(components))) as test_client:
            yield test_client


async def test_search_returns_ranked_json(client: TestClient[object, object]) -> None:
    response = await client.get("/api/directory/search", params={"q": "gongan", "limit": "3"})
    assert response.status == 200
    body = await response.json()
    assert body["query"] == "gongan"
    assert len(body["results"]) <= 3
    assert body["results"][0]["code"] == "linjiang.gongan"


async def test_department_card_says_whether_it_is_open(client: TestClient[object, object]) -> None:
    response = await client.get("/api/directory/departments/linjiang.gongan")
    assert response.status == 200
    card = await response.json()
    assert card["name"] == "临江市公安局"
    assert card["open_now"] is True
    assert card["aliases"] == ["公安", "公安局", "警察局"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/directory/departments/nope", 404, "not-found"),
        ("/api/directory/search", 400, "invalid-input"),
        ("/api/directory/search?q=x&limit=abc", 400, "bad-request"),
        ("/api/directory/search?keys=12a", 400, "invalid-input"),
        ("/api/nothing-here", 404, "not-found"),
    ],
)
async def test_errors_are_json_without_traces(
    client: TestClient[object, object], path: str, status: int, code: str
) -> None:
    response = await client.get(path)
    assert response.status == status
    body = await response.json()
    assert body["error"]["code"] == code
    assert "Traceback" not in body["error"]["message"]
