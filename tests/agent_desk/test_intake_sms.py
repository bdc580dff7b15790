"""Inbound SMS: the gateway's signed push to POST /api/intake/sms (Aliyun SmsUp shape)."""

from __future__ import annotations

import json

from agent_desk.citizen import signature
from tests.agent_desk.conftest import DeskHarness
from tests.agent_desk.intake_helpers import SMS_SECRET, configure_intake

PUSH = [
    {"phone_number": "13812345678", "send_time": "2026-11-24 09:31:02",
     "content": "幸福路井盖丢失，很危险", "sign_name": "12345", "dest_code": "1234",
     "sequence_id": 98001},
]  # fmt: skip


async def _push(
    harness: DeskHarness, body: bytes, sign: str | None
) -> tuple[int, dict[str, object]]:
    headers = {"Content-Type": "application/json"}
    if sign is not None:
        headers["X-Hotline-Signature"] = sign
    harness.client.session.cookie_jar.clear()
    async with harness.client.post("/api/intake/sms", data=body, headers=headers) as response:
        return response.status, await response.json()


async def test_a_signed_push_files_an_order_with_channel_sms(harness: DeskHarness) -> None:
    configure_intake(harness)
    body = json.dumps(PUSH, ensure_ascii=False).encode()
    status, answer = await _push(harness, body, signature(SMS_SECRET, body))
    assert status == 200, answer
    assert answer["code"] == 0
    assert answer["msg"] == "成功"
    [order] = await harness.desk.orders.search(visibility=None)
    assert answer["orders"] == [order.number]
    assert (order.channel, order.caller_number, order.description) == (
        "sms", "13812345678", "幸福路井盖丢失，很危险",
    )  # fmt: skip
    # The gateway pushes again (our answer was lost): nothing is filed twice.
    status, again = await _push(harness, body, signature(SMS_SECRET, body))
    assert (status, again["orders"]) == (200, [order.number])
    assert len(await harness.desk.orders.search(visibility=None)) == 1


async def test_a_bad_or_missing_signature_is_refused_and_files_nothing(
    harness: DeskHarness,
) -> None:
    configure_intake(harness)
    body = json.dumps(PUSH, ensure_ascii=False).encode()
    for sign in (None, "", signature("another-secret", body), signature(SMS_SECRET, body + b" ")):
        status, answer = await _push(harness, body, sign)
        assert status == 401, answer
        assert answer["error"]["code"] == "sms-signature-invalid"  # type: ignore[index]
    assert await harness.desk.orders.search(visibility=None) == []


async def test_without_a_configured_secret_every_push_is_refused(harness: DeskHarness) -> None:
    body = json.dumps(PUSH).encode()
    status, _ = await _push(harness, body, signature("", body))
    assert status == 401


async def test_a_signed_push_with_bad_messages_is_a_clear_400(harness: DeskHarness) -> None:
    configure_intake(harness)
    for bad in (b"not json", b"[]", json.dumps([{"phone_number": "138"}]).encode()):
        status, answer = await _push(harness, bad, signature(SMS_SECRET, bad))
        assert status == 400
        assert answer["error"]["code"] == "invalid-input"  # type: ignore[index]


async def test_the_api_takes_a_channel_and_an_email(harness: DeskHarness) -> None:
    response = await harness.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "help", "subject": "来信转录", "channel": "email",
        "caller_email": "li@example.org"})  # fmt: skip
    body = await response.json()
    assert response.status == 201, body
    assert (body["channel"], body["caller_email"]) == ("email", "li@example.org")
    response = await harness.call(
        "POST",
        "/api/orders",
        as_user="op1",
        json={"order_type": "help", "subject": "x", "channel": "fax"},
    )
    assert response.status == 400
