"""The OpenAPI paths of machine access (admin): API clients, webhooks, delivery log.

The order routes (`/api/orders…`) also take `Authorization: Bearer <token>` of an API
client instead of the cookie and CSRF token: see docs/department-api.md.
"""

from __future__ import annotations

from typing import Any

from agent_desk.http.openapi_workspace import CSRF, STR, _body, _op, _query
from agent_desk.integrations.events import ALL_EVENTS

_ID = {"type": "integer", "minimum": 0}
CLIENT = {"name": "client_id", "in": "path", "required": True, "schema": _ID}
WEBHOOK = {"name": "webhook_id", "in": "path", "required": True, "schema": _ID}
DELIVERY = {"name": "delivery_id", "in": "path", "required": True, "schema": _ID}
EVENTS = {"type": "array", "minItems": 1,
          "items": {"type": "string", "enum": sorted(ALL_EVENTS)}}  # fmt: skip
ADMIN_ERRORS = ("401", "403")
BEARER_NOTE = (
    "Machine access: the order routes accept `Authorization: Bearer <token>` of an API "
    "client (no cookie, no CSRF token); the client sees and moves its department's "
    "orders only, a read-scope token cannot change anything (403 api-scope-insufficient), "
    "a revoked token is refused at once (401 api-token-invalid)."
)


def integration_paths() -> dict[str, Any]:
    return {
        "/api/api-clients": {
            "get": _op("API clients with scopes, rotation and last use (admin)", "200",
                       errors=ADMIN_ERRORS),
            "post": _op("create an API client; its token is in this answer only (admin)",
                        "201", errors=("401", "403", "409"),
                        body=_body("name", "department_code",
                                   name={"type": "string", "minLength": 1, "maxLength": 64},
                                   department_code=STR,
                                   scope={"type": "string", "enum": ["read", "write"]})),
        },
        "/api/api-clients/{client_id}/rotate": {"post": _op(
            "a new token (in this answer only); the old one stays valid for overlap_minutes "
            "(default 60, 0 ends it at once) (admin)", "200",
            errors=("401", "403", "404", "409"), params=[CLIENT],
            body=_body(overlap_minutes={"type": "integer", "minimum": 0,
                                        "maximum": 7 * 24 * 60}))},
        "/api/api-clients/{client_id}/revoke": {"post": _op(
            "revoke every token of the client, effective at once (admin)", "200",
            errors=("401", "403", "404", "409"), params=[CLIENT, CSRF])},
        "/api/webhooks": {
            "get": _op("departments' webhook endpoints (admin)", "200", errors=ADMIN_ERRORS),
            "post": _op("add a department's webhook; its signing secret is in this answer "
                        "only (admin)", "201", errors=ADMIN_ERRORS,
                        body=_body("department_code", "url", "events", department_code=STR,
                                   url={"type": "string", "maxLength": 500}, events=EVENTS)),
        },
        "/api/webhooks/{webhook_id}/deactivate": {"post": _op(
            "stop sending to a webhook (admin)", "200", errors=("401", "403", "404"),
            params=[WEBHOOK, CSRF])},
        "/api/webhook-deliveries": {"get": _op(
            "the delivery log, newest first, each with its attempts (admin)", "200",
            errors=("400", "401", "403"),
            params=[*_query("status"),
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 500}}])},
        "/api/webhook-deliveries/{delivery_id}/replay": {"post": _op(
            "send a delivery again now, same event id and body (admin)", "200",
            errors=("401", "403", "404"), params=[DELIVERY, CSRF])},
    }  # fmt: skip


__all__ = ["BEARER_NOTE", "integration_paths"]
