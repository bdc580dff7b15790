"""Asterisk fetches rendered prompts over HTTP, cacheably; nothing else is reachable."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from ivr.prompts import PromptRenderer, prompt_routes
from tests.ivr.prompts.conftest import wav_facts


@pytest.fixture
async def client(
    renderer: PromptRenderer,
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    app.add_routes(prompt_routes(renderer))
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as test_client:
        yield test_client


async def test_serves_a_rendered_prompt_as_cacheable_wav(
    renderer: PromptRenderer,
    client: TestClient[web.Request, web.Application],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    prompt = await renderer.render("你好")

    response = await client.get(f"/prompts/{prompt.key}.wav")

    assert response.status == 200
    assert response.headers["Content-Type"] == "audio/wav"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["ETag"]
    body = await response.read()
    assert body == prompt.path.read_bytes()
    downloaded = tmp_path_factory.mktemp("download") / "prompt.wav"
    downloaded.write_bytes(body)
    assert wav_facts(downloaded).rate == 8000


async def test_matching_etag_gets_not_modified(
    renderer: PromptRenderer, client: TestClient[web.Request, web.Application]
) -> None:
    prompt = await renderer.render("你好")
    first = await client.get(f"/prompts/{prompt.key}.wav")
    etag = first.headers["ETag"]

    again = await client.get(f"/prompts/{prompt.key}.wav", headers={"If-None-Match": etag})

    assert again.status == 304
    assert await again.read() == b""
    assert again.headers["ETag"] == etag


async def test_head_answers_without_body(
    renderer: PromptRenderer, client: TestClient[web.Request, web.Application]
) -> None:
    prompt = await renderer.render("你好")

    response = await client.head(f"/prompts/{prompt.key}.wav")

    assert response.status == 200
    assert int(response.headers["Content-Length"]) == prompt.path.stat().st_size


async def test_unknown_key_is_a_json_404(client: TestClient[web.Request, web.Application]) -> None:
    response = await client.get(f"/prompts/{'0' * 64}.wav")

    assert response.status == 404
    payload = await response.json()
    assert payload["error"]["code"] == "prompt-not-found"
    assert payload["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/prompts/..%2F..%2Fetc%2Fpasswd.wav",
        "/prompts/%2e%2e%2fsecret.wav",
        "/prompts/ABCDEF" + "0" * 58 + ".wav",  # upper-case: not a key we make
        "/prompts/" + "a" * 63 + ".wav",
        "/prompts/" + "g" * 64 + ".wav",
    ],
)
async def test_malformed_keys_are_refused(
    client: TestClient[web.Request, web.Application], path: str
) -> None:
    response = await client.get(path)

    assert response.status == 404


async def test_traversal_cannot_reach_a_file_beside_the_cache(
    renderer: PromptRenderer, client: TestClient[web.Request, web.Application]
) -> None:
    secret = renderer.cache_dir.parent / "secret.wav"
    secret.write_bytes(b"RIFF-not-for-you")

    response = await client.get("/prompts/..%2Fsecret.wav")

    assert response.status == 404
    assert b"not-for-you" not in await response.read()


async def test_prompt_from_an_earlier_run_is_served(
    renderer: PromptRenderer, client: TestClient[web.Request, web.Application]
) -> None:
    # Rendered by another renderer on the same data dir: only the file exists.
    other = PromptRenderer(data_dir=renderer.cache_dir.parent, rate=renderer.rate + 1)
    try:
        prompt = await other.render("再见")
    finally:
        await other.aclose()

    response = await client.get(f"/prompts/{prompt.key}.wav")

    assert response.status == 200
