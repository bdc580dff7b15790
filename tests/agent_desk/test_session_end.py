"""An open /api/events stream ends with its session: sign-out, deactivation, role change,
password reset — and delivers nothing after it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from tests.agent_desk.conftest import DEPT_A, PASSWORD, DeskHarness

Action = Callable[[DeskHarness, int, str, str], Awaitable[None]]


async def _sign_out(harness: DeskHarness, user_id: int, cookie: str, csrf: str) -> None:
    async with aiohttp.ClientSession() as other:
        url = harness.client.make_url("/api/auth/logout")
        headers = {"Cookie": f"hotline_desk={cookie}", "X-CSRF-Token": csrf}
        async with other.post(url, headers=headers) as response:
            assert response.status == 200


async def _deactivate(harness: DeskHarness, user_id: int, cookie: str, csrf: str) -> None:
    response = await harness.call("PATCH", f"/api/users/{user_id}", as_user="admin1",
                                  json={"active": False})  # fmt: skip
    assert response.status == 200


async def _change_role(harness: DeskHarness, user_id: int, cookie: str, csrf: str) -> None:
    response = await harness.call("PATCH", f"/api/users/{user_id}", as_user="admin1",
                                  json={"role": "liaison", "departments": [DEPT_A]})  # fmt: skip
    assert response.status == 200, await response.text()


async def _reset_password(harness: DeskHarness, user_id: int, cookie: str, csrf: str) -> None:
    response = await harness.call("POST", f"/api/users/{user_id}/password", as_user="admin1")
    assert response.status == 200


@pytest.mark.parametrize("end", [_sign_out, _deactivate, _change_role, _reset_password])
async def test_event_stream_ends_with_its_session(harness: DeskHarness, end: Action) -> None:
    signed = await harness.desk.auth.sign_in("op1", PASSWORD, ip="127.0.0.1")
    async with aiohttp.ClientSession() as browser:
        url = harness.client.make_url("/api/events")
        headers = {"Cookie": f"hotline_desk={signed.cookie}"}
        async with browser.get(url, headers=headers) as stream:
            assert stream.status == 200
            assert await stream.content.readline() == b"retry: 3000\n"
            await end(harness, signed.principal.user_id, signed.cookie,
                      signed.principal.csrf_token)  # fmt: skip
            order = await harness.call("POST", "/api/orders", as_user="sup1",
                                       json={"order_type": "help", "subject": "after"})  # fmt: skip
            assert order.status == 201
            rest = await asyncio.wait_for(stream.content.read(), timeout=10)
    assert b"event:" not in rest  # the stream closed; nothing reached the ended session
    assert await harness.desk.auth.resolve(signed.cookie) is None


async def test_event_stream_of_another_user_keeps_running(harness: DeskHarness) -> None:
    signed = await harness.desk.auth.sign_in("sup1", PASSWORD, ip="127.0.0.1")
    async with aiohttp.ClientSession() as browser:
        url = harness.client.make_url("/api/events")
        async with browser.get(url, headers={"Cookie": f"hotline_desk={signed.cookie}"}) as stream:
            await stream.content.readline()
            ids = {p.name: p.user_id for p in await harness.desk.auth.users()}
            await _deactivate(harness, ids["op1"], "", "")
            await harness.call("POST", "/api/orders", as_user="admin1",
                               json={"order_type": "help", "subject": "still"})  # fmt: skip
            line = await asyncio.wait_for(stream.content.readline(), timeout=10)
            while line.strip() in (b"", b": keep-alive"):
                line = await asyncio.wait_for(stream.content.readline(), timeout=10)
            assert line == b"event: order\n"
