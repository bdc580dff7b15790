"""The OpenAPI path of the public intake: the SMS gateway's push (agent_desk.intake.sms).

Public: the gateway has no desk session; the HMAC signature of the raw body is its
credential, so a desk cookie changes nothing and no CSRF token is asked for.
"""

from __future__ import annotations

from typing import Any

STR = {"type": "string"}
JSON = "application/json"
ERROR = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}
SMS_PUSH_ITEM = {
    "type": "object",
    "required": ["phone_number", "content"],
    "properties": {
        "phone_number": {"type": "string", "maxLength": 32},
        "content": {"type": "string", "minLength": 1, "maxLength": 2000},
        "send_time": STR, "sign_name": STR, "dest_code": STR,
        "sequence_id": {"type": "integer"},
    },
}  # fmt: skip
ANSWER = {
    "type": "object",
    "required": ["code", "orders"],
    "properties": {"code": {"type": "integer"}, "msg": STR,
                   "orders": {"type": "array", "items": STR}},
}  # fmt: skip


def intake_paths() -> dict[str, Any]:
    operation = {
        "summary": "inbound SMS pushed by the gateway (Aliyun SmsUp shape), each filed as an "
        "order; public, authenticated by X-Hotline-Signature = hex HMAC-SHA256 of the raw body",
        "security": [],
        "parameters": [{"name": "X-Hotline-Signature", "in": "header", "required": True,
                        "schema": STR}],
        "requestBody": {"required": True, "content": {JSON: {"schema": {
            "type": "array", "minItems": 1, "maxItems": 100, "items": SMS_PUSH_ITEM}}}},
        "responses": {
            "200": {"description": "filed", "content": {JSON: {"schema": ANSWER}}},
            "400": {"description": "invalid input", "content": ERROR},
            "401": {"description": "missing or wrong signature", "content": ERROR},
            "413": {"description": "the body is larger than the input limit", "content": ERROR},
        },
    }  # fmt: skip
    return {"/api/intake/sms": {"post": operation}}
