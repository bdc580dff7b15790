"""The OpenAPI paths of 质检 (agent_desk.http.api_quality): supervisors and admins only."""

from __future__ import annotations

from typing import Any

STR = {"type": "string"}
JSON = "application/json"
ERROR = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}
RECORDING_ID = {"name": "recording_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 0}}  # fmt: skip
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": False, "schema": STR}
RECORDING = {
    "type": "object",
    "required": ["id", "call_id", "kind", "duration_s", "started_at", "retention_until"],
    "properties": {
        "id": {"type": "integer"}, "call_id": STR,
        "kind": {"type": "string", "enum": ["transfer", "operator"]},
        "duration_s": {"type": "number"}, "started_at": STR, "retention_until": STR,
        "score": {"type": "integer", "nullable": True}, "notes": {**STR, "nullable": True},
        "scored_by": {**STR, "nullable": True}, "scored_at": {**STR, "nullable": True},
        "audio_url": STR,
    },
}  # fmt: skip
_DESCRIPTIONS = {
    "400": "invalid input",
    "401": "not signed in",
    "403": "role not allowed (supervisors and admins only), or CSRF token missing",
    "404": "no such recording",
    "413": "the JSON body is larger than the input limit",
}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: {"description": _DESCRIPTIONS[code], "content": ERROR} for code in codes}


def quality_paths() -> dict[str, Any]:
    return {
        "/api/quality/recordings": {"get": {
            "summary": "a call's quality recordings (质检), by call_id",
            "parameters": [{"name": "call_id", "in": "query", "required": True, "schema": STR}],
            "responses": {
                "200": {"description": "success", "content": {JSON: {"schema": {
                    "type": "object", "required": ["recordings"],
                    "properties": {"recordings": {"type": "array", "items": RECORDING}}}}}},
                **_errors("400", "401", "403"),
            },
        }},
        "/api/quality/recordings/{recording_id}/audio": {"get": {
            "summary": "the recorded bridge, mixed (playback is audited)",
            "parameters": [RECORDING_ID],
            "responses": {
                "200": {"description": "success", "content": {"audio/wav": {"schema": {
                    "type": "string", "format": "binary"}}}},
                **_errors("400", "401", "403", "404"),
            },
        }},
        "/api/quality/recordings/{recording_id}/score": {"post": {
            "summary": "save the 质检 form: score 0-100 and notes (who and when are kept)",
            "parameters": [RECORDING_ID, CSRF],
            "requestBody": {"required": True, "content": {JSON: {"schema": {
                "type": "object", "required": ["score"],
                "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 100},
                               "notes": {"type": "string", "maxLength": 2000}}}}}},
            "responses": {
                "200": {"description": "success", "content": {JSON: {"schema": RECORDING}}},
                **_errors("400", "401", "403", "404", "413"),
            },
        }},
    }  # fmt: skip
