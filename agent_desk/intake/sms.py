"""Inbound SMS in the shape of Aliyun SMS's 上行短信 (SmsUp) HTTP batch push.

The gateway POSTs a JSON array (a single object is taken too) of

    {"phone_number": "13800000000", "send_time": "2026-12-02 10:00:00",
     "content": "…", "sign_name": "…", "dest_code": "1234", "sequence_id": 12345}

and expects `{"code": 0, "msg": "成功"}`; anything else makes it push again later. The
body must carry `X-Hotline-Signature: hex(HMAC-SHA256(secret, raw body))`, the secret
shared with the gateway (or the relay in front of it) as `HOTLINE_SMS_WEBHOOK_SECRET`.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from agent_desk.citizen.senders import signature
from base.errors import InvalidInput

MAX_MESSAGES = 100


@dataclass(frozen=True, slots=True)
class InboundSms:
    phone: str
    content: str
    sequence_id: str  # the gateway's id: a repeated push files nothing twice


def signed(secret: str, body: bytes, given: str) -> bool:
    return bool(secret) and hmac.compare_digest(signature(secret, body), given.strip().lower())


def parse_push(body: bytes) -> list[InboundSms]:
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not valid UTF-8 JSON") from None
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > MAX_MESSAGES:
        raise InvalidInput(f"send 1 to {MAX_MESSAGES} messages")
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise InvalidInput("each message must be a JSON object")
        phone, content = item.get("phone_number"), item.get("content")
        sequence = item.get("sequence_id")
        sequence = "" if sequence is None else sequence
        if not isinstance(phone, str) or not phone.strip() or len(phone) > 32:
            raise InvalidInput("phone_number must be a string of up to 32 characters")
        if not isinstance(content, str) or not content.strip() or len(content) > 2000:
            raise InvalidInput("content must be a string of 1 to 2000 characters")
        if isinstance(sequence, bool) or not isinstance(sequence, (int, str)):
            raise InvalidInput("sequence_id must be a number or a string")
        if "\x00" in phone + content:
            raise InvalidInput("the message contains a NUL character")
        found.append(InboundSms(phone=phone.strip(), content=content.strip(),
                                sequence_id=str(sequence)[:40]))  # fmt: skip
    return found
