"""The OpenAPI 3 document of the desk API, written by hand to say exactly what the handlers do."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from agent_desk.http.openapi_intake import intake_paths
from agent_desk.http.openapi_integrations import BEARER_NOTE, integration_paths
from agent_desk.http.openapi_quality import quality_paths
from agent_desk.http.openapi_workspace import workspace_paths
from agent_desk.orders.lifecycle import Transition
from agent_desk.orders.models import Channel, OrderStatus, OrderType, Urgency

JSON = "application/json"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERRORS = {
    "400": "invalid input",
    "401": "not signed in",
    "403": "role not allowed, CSRF token missing, or a one-time password to change first",
    "404": "no such object (or not visible to this user)",
    "409": "conflicts with the current state (order status, duplicate, own account)",
    "413": "the JSON body is larger than the input limit",
    "429": "sign-in locked after repeated failures",
    "503": "the call controller is not connected",
}


def _error_responses(*codes: str) -> dict[str, Any]:
    return {
        code: {"description": _ERRORS[code], "content": {JSON: {"schema": ERROR_REF}}}
        for code in codes
    }


def _op(
    summary: str,
    ok: str,
    schema: dict[str, Any],
    *,
    errors: tuple[str, ...] = ("401", "403"),
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    content_type: str = JSON,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {"description": "success", "content": {content_type: {"schema": schema}}},
            # Every route: the input limits (base.input_limits) refuse bad text anywhere.
            **_error_responses("400", *errors),
        },
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
        operation["responses"].update(_error_responses("413"))
    if params:
        operation["parameters"] = params
    if "csrf" not in summary and body is not None:
        operation["parameters"] = [*(params or []), CSRF_PARAM]
    return operation


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": schema or {"type": "integer", "minimum": 0}}  # fmt: skip


CSRF_PARAM = {"name": "X-CSRF-Token", "in": "header", "required": False,
              "schema": {"type": "string"}}  # fmt: skip
STR = {"type": "string"}
OBJ = {"type": "object"}
BINARY = {"type": "string", "format": "binary"}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 500}


def _list_of(key: str) -> dict[str, Any]:
    return {"type": "object", "required": [key],
            "properties": {key: {"type": "array", "items": OBJ}}}  # fmt: skip


ORDER = {"$ref": "#/components/schemas/Order"}
NEW_ORDER = {
    "type": "object",
    "required": ["order_type", "subject"],
    "properties": {
        "order_type": {"type": "string", "enum": [t.value for t in OrderType]},
        "urgency": {"type": "string", "enum": [u.value for u in Urgency]},
        "subject": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": STR,
        "caller_number": {"type": "string", "maxLength": 64},
        "caller_name": {"type": "string", "maxLength": 100},
        "hotline_number": {"type": "string", "maxLength": 32},
        "call_id": {"type": "string", "maxLength": 64},
        "channel": {
            "type": "string",
            "enum": [c.value for c in Channel],
            "description": "how the matter came in (default phone)",
        },
        "caller_email": {
            "type": "string",
            "maxLength": 254,
            "description": "an e-mail address, or empty for none",
        },
        "department_code": {
            "type": "string",
            "nullable": True,
            "description": "dispatch at once to this unit",
        },
    },
}
MOVE = {
    "type": "object",
    "required": ["transition"],
    "properties": {
        "transition": {"type": "string", "enum": [t.value for t in Transition]},
        "reason": STR,
        "department_code": STR,
        "reply": STR,
        "satisfaction": {"type": "integer", "minimum": 1, "maximum": 5},
        "referral": STR,
        "merged_into_id": {"type": "integer", "minimum": 1},
        "platform": {
            "type": "string",
            "maxLength": 64,
            "description": "hand_down: the platform below the order's to send it to",
        },
    },
}
ID = _path("order_id")
VM_ID = _path("voicemail_id")
USER_ID = _path("user_id")
KB_ID = _path("entry_id")
CODE = _path("code", STR)
DEPARTMENT_EDIT = {
    "type": "object",
    "description": "any of the fields the department answers for; others are refused",
    "properties": {
        **{name: STR for name in ("service_phone", "complaint_phone", "supervision_phone",
                                  "liaison", "liaison_endpoint", "backup_endpoint", "hours",
                                  "address", "duties")},
        "aliases": {"oneOf": [STR, {"type": "array", "items": STR}]},
    },
}  # fmt: skip
KB_TEXT: dict[str, Any] = {"type": "object", "required": ["question", "answer"],
           "properties": {"question": STR, "answer": STR, "keywords": STR}}  # fmt: skip
KB_NEW = {**KB_TEXT, "required": ["department_code", "question", "answer"],
          "properties": {**KB_TEXT["properties"], "department_code": STR}}  # fmt: skip
NULLABLE_STR = {"type": "string", "nullable": True}
USER_PATCH = {"type": "object", "additionalProperties": False, "properties": {
    "email": NULLABLE_STR, "phone": NULLABLE_STR, "active": {"type": "boolean"},
    "role": {"type": "string", "enum": ["operator", "liaison", "supervisor", "admin"]},
    "departments": {"type": "array", "items": STR}}}  # fmt: skip


CALENDAR_DAY = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "string", "enum": ["holiday", "workday"],
             "description": "holiday: a day off; workday: a make-up workday (Sat/Sun)"},
    "name": {"type": "string", "maxLength": 100}}}  # fmt: skip
CALENDAR_IMPORT = {"type": "object", "required": ["csv"], "properties": {
    "csv": {"type": "string", "description": "CSV with the header date,kind,name"}}}  # fmt: skip
YEAR = _path("year", {"type": "integer", "minimum": 2000, "maximum": 2100})
DAY = _path("day", {"type": "string", "format": "date"})


def _calendar_paths() -> dict[str, Any]:
    """The holiday calendar: supervisors read it, admins enter days."""
    return {
        "/api/calendar/years/{year}": {
            "get": _op(
                "a year's holidays and make-up workdays; known=false: Monday-Friday fallback",
                "200",
                OBJ,
                params=[YEAR],
            )
        },
        "/api/calendar/days/{day}": {
            "put": _op(
                "set one day as holiday or make-up workday (admin)",
                "200",
                OBJ,
                body=CALENDAR_DAY,
                params=[DAY],
            ),
            "delete": _op("remove one day's entry (admin)", "200", OBJ, params=[DAY, CSRF_PARAM]),
        },
        "/api/calendar/import": {
            "post": _op(
                "import days from CSV date,kind,name: good rows saved, bad rows listed (admin)",
                "200",
                OBJ,
                body=CALENDAR_IMPORT,
            )
        },
    }


def _manage_paths() -> dict[str, Any]:
    """Directory entries, knowledge-base editing, accounts and call history."""
    return {
        "/api/departments": {"get": _op(
            "departments whose entry the user may edit", "200", _list_of("departments"))},
        "/api/departments/{code}": {
            "get": _op("a department's entry with its change history", "200", OBJ,
                       errors=("400", "401", "403", "404"), params=[CODE]),
            "put": _op("change the department's own fields (kept in the history)", "200", OBJ,
                       errors=("401", "403", "404"), body=DEPARTMENT_EDIT, params=[CODE]),
        },
        "/api/kb/entries": {"post": _op(
            "add a knowledge-base entry to one's department", "201", OBJ,
            errors=("401", "403", "404", "409"), body=KB_NEW)},
        "/api/kb/entries/{entry_id}": {
            "get": _op("one knowledge-base entry", "200", OBJ, errors=("401", "403", "404"),
                       params=[KB_ID]),
            "put": _op("change a knowledge-base entry", "200", OBJ,
                       errors=("401", "403", "404", "409"), body=KB_TEXT, params=[KB_ID]),
            "delete": _op("delete a knowledge-base entry", "200", OBJ,
                          errors=("401", "403", "404"), params=[KB_ID, CSRF_PARAM]),
        },
        "/api/users/{user_id}": {
            "get": _op("an account with contacts (admin)", "200", OBJ,
                       errors=("401", "403", "404"), params=[USER_ID]),
            "patch": _op("change an account's e-mail, phone or active flag (admin)", "200", OBJ,
                         errors=("401", "403", "404", "409"), body=USER_PATCH,
                         params=[USER_ID]),
        },
        "/api/users/{user_id}/password": {"post": _op(
            "reset the password; the one-time password is in this answer only (admin)", "200",
            OBJ, errors=("401", "403", "404"), params=[USER_ID, CSRF_PARAM])},
        "/api/calls": {"get": _op(
            "a caller's recent calls with their IVR path (hotline staff)", "200",
            _list_of("calls"), errors=("400", "401", "403"),
            params=[{**_query("caller", {"type": "string", "pattern": "^[0-9+][0-9+-]{0,63}$"}),
                     "required": True},
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100})])},
    }  # fmt: skip


def _stats_paths() -> dict[str, Any]:
    """Statistics for supervisors and admins (agent_desk/stats)."""
    day = {"type": "string", "format": "date"}
    period = {**_query(
        "period", {"type": "string",
                   "pattern": "^(19[7-9][0-9]|2[0-9]{3})(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$"}
    ), "allowEmptyValue": True}  # fmt: skip
    return {
        "/api/stats/kpis": {"get": _op(
            "KPIs for a period, optionally grouped", "200", OBJ, errors=("400", "401", "403"),
            params=[{**_query("from", day), "allowEmptyValue": True},
                    {**_query("to", day), "allowEmptyValue": True}, period,
                    _query("group", {"type": "string", "enum": [
                        "department", "city", "hotline_number", "hour", "day", "platform"]}),
                    {**_query("platform", {"type": "string", "maxLength": 64}),
                     "allowEmptyValue": True}])},
        "/api/stats/seats": {"get": _op(
            "per-seat figures for a period: calls, talk, wait, transfers, orders, satisfaction, "
            "seconds in each state, occupancy, wrap-ups",
            "200", OBJ, errors=("400", "401", "403"), params=[period])},
        "/api/stats/operators": {"get": _op(
            "per-operator figures for a period: calls taken at their seats, talk and wrap-up "
            "averages, orders logged, satisfaction, seconds in each state",
            "200", OBJ, errors=("400", "401", "403"), params=[period])},
        "/api/stats/supervision": {"get": _op(
            "ranking, overdue work, unanswered liaison lines, repeat transfers", "200", OBJ,
            errors=("400", "401", "403"), params=[period])},
        "/api/stats/report": {"get": _op(
            "a periodic report (json, csv, pdf, or the quarterly public summary)", "200", OBJ,
            errors=("400", "401", "403"),
            params=[period, _query("format", {"type": "string",
                                              "enum": ["json", "csv", "pdf", "public"]})])},
        "/api/stats/live": {"get": _op("the live wallboard figures", "200", OBJ)},
        "/api/stats/live/stream": {"get": _op(
            "the wallboard figures as server-sent events, every 5 s", "200", STR,
            content_type="text/event-stream")},
    }  # fmt: skip


def _seat_paths() -> dict[str, Any]:
    """Seat presence and missed-call callbacks (hotline staff)."""
    seat = _path("seat_id", STR)
    return {
        "/api/seats": {"get": _op("every site's seats with their presence", "200",
                                  _list_of("sites"), errors=("401", "403", "503"))},
        "/api/seats/{seat_id}/state": {"post": _op(
            "sign in, take a break or sign out at a seat (one's own; supervisors any)", "200",
            OBJ,
            errors=("401", "403", "404", "409", "503"), params=[seat],
            body={"type": "object", "required": ["state"], "properties": {
                "state": {"type": "string", "enum": ["available", "break", "offline"]}}})},
        "/api/callbacks": {"get": _op("callers to call back (one per caller per day)", "200",
                                      _list_of("callbacks"), errors=("400", "401", "403", "503"),
                                      params=[_query("site", STR)])},
        "/api/callbacks/{entry_id}/call": {"post": _op(
            "ring the user's own seat, then the caller's number; no body (nothing to dial "
            "comes from the request); noted on the caller's latest order",
            "202", OBJ, errors=("400", "401", "403", "404", "409", "503"),
            params=[_path("entry_id"), CSRF_PARAM])},
    }  # fmt: skip


def _absent_is_empty(operation: dict[str, Any]) -> None:
    """Say what every handler does: an optional body field sent as null, or an optional
    query parameter sent empty (`?status=`), counts as not given."""
    operation["responses"].setdefault("400", _error_responses("400")["400"])
    for param in operation.get("parameters", []):
        if param["in"] == "query" and not param.get("required"):
            param["allowEmptyValue"] = True
    body = operation.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema", {})
    required = set(body.get("required", []))
    for name, schema in list(body.get("properties", {}).items()):
        if name in required or "type" not in schema:
            continue
        nullable = {**schema, "nullable": True}
        if "enum" in schema:
            nullable["enum"] = [*schema["enum"], None]
        body["properties"][name] = nullable


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/auth/login": {"post": _op(
            "sign in (sets the session cookie; no csrf needed)", "200", OBJ,
            errors=("401", "429"),
            body={"type": "object", "required": ["name", "password"], "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 64,
                         "pattern": "\\S"},
                "password": {"type": "string", "minLength": 1, "maxLength": 256,
                             "pattern": "\\S"}}})},
        "/api/auth/logout": {"post": _op("sign out", "200", OBJ, params=[CSRF_PARAM])},
        "/api/auth/me": {"get": _op("the signed-in user and its CSRF token", "200", OBJ,
                                    errors=("401",))},
        "/api/auth/password": {"post": _op(
            "change one's own password (the only change a one-time password allows)", "200",
            OBJ, errors=("401", "403", "429"),
            body={"type": "object", "required": ["current_password", "new_password"],
                  "properties": {"current_password": STR, "new_password": STR}})},
        "/api/users": {
            "get": _op("list users (admin)", "200", _list_of("users")),
            "post": _op("create a user (admin)", "201", OBJ, errors=("401", "403", "409"),
                        body={"type": "object", "required": ["name", "role"], "properties": {
                            "name": STR, "role": STR,
                            "departments": {"type": "array", "items": STR}}}),
        },
        "/api/orders": {
            "get": _op("list orders visible to the user", "200", _list_of("orders"),
                       errors=("400", "401", "403"),
                       params=[_query("status", {"type": "string",
                                                 "enum": [s.value for s in OrderStatus]}),
                               _query("department", STR), _query("caller_number", STR),
                               _query("limit", LIMIT)]),
            "post": _op("open an order (and dispatch it when department_code is given)", "201",
                        ORDER, body=NEW_ORDER),
        },
        "/api/orders/late": {"get": _op(
            "pending orders past their due date", "200", _list_of("orders"),
            params=[_query("include_warning", STR)])},
        "/api/orders/referrals": {"get": _op(
            "where callers are sent when not accepted", "200", _list_of("referrals"))},
        "/api/orders/{order_id}": {"get": _op(
            "an order with its history", "200", ORDER, errors=("401", "403", "404"),
            params=[ID])},
        "/api/orders/{order_id}/transitions": {"post": _op(
            "move an order by a named transition", "200", ORDER,
            errors=("401", "403", "404", "409"), body=MOVE, params=[ID])},
        "/api/voicemails": {"get": _op(
            "voicemails visible to the user", "200", _list_of("voicemails"),
            errors=("400", "401", "403"),
            params=[_query("unhandled", STR), _query("limit", LIMIT)])},
        "/api/voicemails/{voicemail_id}": {"get": _op(
            "one voicemail", "200", OBJ, errors=("401", "403", "404"), params=[VM_ID])},
        "/api/voicemails/{voicemail_id}/audio": {"get": _op(
            "the recording (playback is audited)", "200", {"type": "string", "format": "binary"},
            errors=("401", "403", "404"), params=[VM_ID], content_type="audio/wav")},
        "/api/voicemails/{voicemail_id}/handled": {"post": _op(
            "mark handled with a reply", "200", OBJ, errors=("401", "403", "404", "409"),
            body={"type": "object", "required": ["reply"], "properties": {"reply": STR}},
            params=[VM_ID])},
        "/api/kb/search": {"get": _op(
            "search the knowledge base", "200", _list_of("entries"), errors=("400", "401", "403"),
            params=[_query("q", STR), _query("department", STR),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100})])},
        "/api/calls/{call_id}/transfer": {"post": _op(
            "transfer the live call to a department's liaison", "200", OBJ,
            errors=("401", "403", "404", "409", "503"),
            body={"type": "object", "required": ["department_code"],
                  "properties": {"department_code": STR}},
            params=[_path("call_id", STR)])},
        "/api/audit": {"get": _op(
            "the audit log (supervisor, admin)", "200", _list_of("entries"),
            errors=("400", "401", "403"),
            params=[_query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    _query("action", STR)])},
        **_manage_paths(),
        **_calendar_paths(),
        **_stats_paths(),
        **_seat_paths(),
        **workspace_paths(),
        **integration_paths(),
        **intake_paths(),
        **quality_paths(),
    }  # fmt: skip
    for item in paths.values():
        for operation in item.values():
            _absent_is_empty(operation)
    paths["/api/stats/report"]["get"]["responses"]["200"]["content"].update(
        {"text/csv": {"schema": STR}, "application/pdf": {"schema": BINARY}}
    )
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hotline agent desk API", "version": "1.0.0", "description": BEARER_NOTE},
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {"code": STR, "message": STR, "details": OBJ},
                        }
                    },
                },
                "Order": {
                    "type": "object",
                    "required": ["id", "number", "status", "order_type", "urgency", "due_date"],
                    "properties": {
                        "id": {"type": "integer"},
                        "number": {"type": "string", "pattern": "^[0-9]{10}$"},
                        "status": {"type": "string", "enum": [s.value for s in OrderStatus]},
                        "order_type": {"type": "string", "enum": [t.value for t in OrderType]},
                        "urgency": {"type": "string", "enum": [u.value for u in Urgency]},
                        "due_date": {"type": "string", "format": "date"},
                    },
                },
            }
        },
    }


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(document())


def routes() -> list[web.RouteDef]:
    return [web.get("/api/openapi.json", openapi_json)]
