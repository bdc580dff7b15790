"""Least exposure: the public directory card, /metrics behind a token, no voicemail tokens
in the access log."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hotline.access_log import RedactingAccessLogger, redact
from ivr.metrics import build_metrics, metrics_routes
from tests.agent_desk.conftest import DEPT_A, DeskHarness


def _no_calls() -> dict[str, int]:
    return {}


def _reconnects() -> int:
    return 0


async def test_the_public_card_has_no_liaison_names_or_endpoints(harness: DeskHarness) -> None:
    harness.client.session.cookie_jar.clear()
    public = await (await harness.client.get(f"/api/directory/departments/{DEPT_A}")).json()
    assert {"liaison", "liaison_endpoint", "backup_endpoint"}.isdisjoint(public)
    assert "PJSIP/" not in str(public)
    assert public["service_phone"] == "66100100"
    # The department's own editors still see them at the desk.
    desk = await (await harness.call("GET", f"/api/departments/{DEPT_A}", as_user="li_a")).json()
    assert "PJSIP/lj-001-a" in str(desk)


def test_metrics_are_off_without_a_token() -> None:
    metrics = build_metrics(calls=_no_calls, reconnects=_reconnects)
    assert metrics_routes(metrics, token="") == []


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401),
     ({"Authorization": "Basic c2VjcmV0"}, 401), ({"Authorization": "Bearer s3cret"}, 200)],
)  # fmt: skip
async def test_metrics_answer_only_the_token(headers: dict[str, str], status: int) -> None:
    app = web.Application()
    app.add_routes(
        metrics_routes(build_metrics(calls=_no_calls, reconnects=_reconnects), token="s3cret")
    )
    async with (
        TestServer(app, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as http,
        http.get(server.make_url("/metrics"), headers=headers) as response,
    ):
        assert response.status == status


def test_voicemail_tokens_are_redacted() -> None:
    line = 'GET /media/voicemail/12-1764650000-9f86d081884c7d65.wav HTTP/1.1" 200'
    assert redact(line) == 'GET /media/voicemail/REDACTED.wav HTTP/1.1" 200'
    assert redact("GET /desk/console") == "GET /desk/console"


async def test_the_access_log_never_shows_a_voicemail_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def audio(request: web.Request) -> web.Response:
        return web.Response(status=404)

    app = web.Application()
    app.add_routes([web.get("/media/voicemail/{token}.wav", audio), web.get("/desk", audio)])
    token = "7-1764650000-0123456789abcdef0123456789abcdef"
    runner = web.AppRunner(app, handle_signals=False, access_log_class=RedactingAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        with caplog.at_level(logging.INFO, logger="aiohttp.access"):
            async with aiohttp.ClientSession() as http:
                for path in (f"/media/voicemail/{token}.wav", "/desk"):
                    async with http.get(f"http://{host}:{port}{path}"):
                        pass
    finally:
        await runner.cleanup()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "aiohttp.access")
    assert "/media/voicemail/REDACTED.wav" in logged
    assert "/desk" in logged
    assert token not in logged
