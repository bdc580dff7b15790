"""The OpenAPI paths of the workspace: order pages' JSON, the inbox, the operator's seat
and screen pop, the site's call-back list, and supervision items (督办)."""

from __future__ import annotations

from typing import Any

STR = {"type": "string"}
OBJ = {"type": "object"}
INT = {"type": "integer", "minimum": 1}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": False, "schema": STR}
_ERRORS = {"400": "bad input", "401": "not signed in", "403": "not allowed",
           "404": "not found", "409": "not in a state for that",
           "503": "seats not running"}  # fmt: skip


def _op(summary: str, ok: str, *, errors: tuple[str, ...] = ("401", "403"),
        body: dict[str, Any] | None = None, params: list[dict[str, Any]] | None = None,
        content_type: str = "application/json") -> dict[str, Any]:  # fmt: skip
    responses: dict[str, Any] = {
        ok: {"description": "success", "content": {content_type: {"schema": OBJ}}}
    }
    for code in (*errors, *(("400",) if body is not None else ())):
        responses[code] = {"description": _ERRORS[code],
                           "content": {"application/json": {"schema": ERROR_REF}}}  # fmt: skip
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}  # fmt: skip
    parameters = [*(params or []), *((CSRF,) if body is not None else ())]
    if parameters:
        operation["parameters"] = parameters
    return operation


def _query(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "required": False, "schema": STR} for n in names]


def _body(*required: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


ITEM = {"name": "item_id", "in": "path", "required": True, "schema": INT}


def workspace_paths() -> dict[str, Any]:
    return {
        "/api/orders/page": {"get": _op(
            "one page of the orders under filters, sorted by due date, with counts per state",
            "200", errors=("400", "401", "403"),
            params=_query("status", "type", "urgency", "department", "city", "deadline",
                          "channel", "q", "supervised", "sort", "page", "per_page"))},
        "/api/inbox": {"get": _op(
            "the user's units' open orders and unheard voicemails, by due date, paged", "200",
            params=_query("page", "per_page", "vm_page", "vm_per_page"))},
        "/api/my-seat": {
            "get": _op("the operator's seat and the free seats of their site", "200",
                       errors=("401", "403", "503")),
            "post": _op("sit at a free seat of the site (it signs in)", "200",
                        errors=("401", "403", "404", "409", "503"),
                        body=_body("seat_id", seat_id=STR)),
        },
        "/api/my-seat/state": {"post": _op(
            "break, or back to available, at the operator's seat", "200",
            errors=("401", "403", "409", "503"),
            body=_body("state", state={"type": "string", "enum": ["available", "break"]}))},
        "/api/my-seat/leave": {"post": _op("leave the seat (it signs out)", "200",
                                           errors=("401", "403", "503"), params=[CSRF])},
        "/api/my-seat/events": {"get": _op(
            "server-sent events: `seat` on presence changes, `pop` for each call ringing it",
            "200", errors=("401", "403", "503"), content_type="text/event-stream")},
        "/api/my-seat/callbacks": {"get": _op(
            "pending call-backs of the operator's site, newest first, paged", "200",
            errors=("401", "403", "503"), params=_query("page", "per_page"))},
        "/api/supervision": {"post": _op(
            "open a supervision (督办) on an order: reason and deadline", "201",
            errors=("401", "403", "404", "409"),
            body=_body("order_id", "reason", "due_date", order_id=INT, reason=STR,
                       due_date={"type": "string", "format": "date"}))},
        "/api/supervision/{item_id}/answer": {"post": _op(
            "the unit answers a supervision", "200", errors=("401", "403", "404", "409"),
            params=[ITEM], body=_body("answer", answer=STR))},
        "/api/supervision/{item_id}/close": {"post": _op(
            "the supervisor accepts the answer and closes it", "200",
            errors=("401", "403", "404", "409"), params=[ITEM], body=_body(review=STR))},
        "/api/supervision/{item_id}/send-back": {"post": _op(
            "the supervisor sends the answer back (the item is open again)", "200",
            errors=("401", "403", "404", "409"), params=[ITEM], body=_body("review", review=STR))},
    }  # fmt: skip
