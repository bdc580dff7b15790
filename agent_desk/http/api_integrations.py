"""Admin JSON of machine access: API clients (create, rotate, revoke), departments'
webhooks, and the delivery log with replay. Tokens and secrets are in the creating
answer only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from agent_desk.desk import DESK, Desk
from agent_desk.http.common import int_field, json_body, path_id, query_text, text_field
from agent_desk.integrations.clients import client_to_json
from agent_desk.integrations.webhooks import (
    DEAD,
    DELIVERED,
    DUE_STATUSES,
    delivery_to_json,
    endpoint_to_json,
)
from agent_desk.permissions import Action, authorize
from base.errors import InvalidInput
from base.web import query_int

DELIVERY_STATUSES = frozenset({*DUE_STATUSES, DELIVERED, DEAD})


def _department(desk: Desk, body: dict[str, Any]) -> str:
    code = text_field(body, "department_code", required=True, max_length=128) or ""
    if desk.directory.get(code) is None:
        raise InvalidInput(f"no department with code {code!r}")
    return code


async def list_clients(request: web.Request) -> web.Response:
    await authorize(request, Action.INTEGRATIONS_MANAGE)
    desk = request.app[DESK]
    now = desk.api_clients.now()
    clients = await desk.api_clients.list()
    return web.json_response({"clients": [client_to_json(c, now) for c in clients]})


async def create_client(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.INTEGRATIONS_MANAGE)
    desk = request.app[DESK]
    body = await json_body(request)
    name = text_field(body, "name", required=True, max_length=64) or ""
    department = _department(desk, body)
    scope = text_field(body, "scope", max_length=8) or "read"
    issued = await desk.api_clients.create(name, department_code=department, scope=scope,
                                           actor=principal.name)  # fmt: skip
    client = client_to_json(issued.client, desk.api_clients.now())
    return web.json_response({"client": client, "token": issued.token}, status=201)


async def rotate_client(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.INTEGRATIONS_MANAGE)
    desk = request.app[DESK]
    client_id = path_id(request, "client_id")
    body = await json_body(request)
    minutes = int_field(body, "overlap_minutes", low=0, high=7 * 24 * 60)
    overlap = timedelta(minutes=60 if minutes is None else minutes)
    issued = await desk.api_clients.rotate(client_id, actor=principal.name, overlap=overlap)
    client = client_to_json(issued.client, desk.api_clients.now())
    return web.json_response({"client": client, "token": issued.token})


async def revoke_client(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.INTEGRATIONS_MANAGE)
    desk = request.app[DESK]
    client = await desk.api_clients.revoke(path_id(request, "client_id"), actor=principal.name)
    return web.json_response({"client": client_to_json(client, desk.api_clients.now())})


async def list_webhooks(request: web.Request) -> web.Response:
    await authorize(request, Action.INTEGRATIONS_MANAGE)
    endpoints = await request.app[DESK].webhooks.endpoints()
    return web.json_response({"webhooks": [endpoint_to_json(e) for e in endpoints]})


async def add_webhook(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.INTEGRATIONS_MANAGE)
    desk = request.app[DESK]
    body = await json_body(request)
    department = _department(desk, body)
    url = text_field(body, "url", required=True, max_length=500) or ""
    events = body.get("events")
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise InvalidInput("events must be a list of event types")
    endpoint, secret = await desk.webhooks.add_endpoint(
        department_code=department, url=url, events=events, actor=principal.name
    )
    return web.json_response({"webhook": endpoint_to_json(endpoint), "secret": secret},
                             status=201)  # fmt: skip


async def deactivate_webhook(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.INTEGRATIONS_MANAGE)
    endpoint = await request.app[DESK].webhooks.deactivate(
        path_id(request, "webhook_id"), actor=principal.name
    )
    return web.json_response({"webhook": endpoint_to_json(endpoint)})


async def list_deliveries(request: web.Request) -> web.Response:
    await authorize(request, Action.INTEGRATIONS_MANAGE)
    status = query_text(request, "status")
    if status is not None and status not in DELIVERY_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(sorted(DELIVERY_STATUSES))}")
    log = await request.app[DESK].webhooks.deliveries(
        status=status, limit=query_int(request, "limit", 100, low=1, high=500)
    )
    return web.json_response({"deliveries": [delivery_to_json(d, a) for d, a in log]})


async def replay_delivery(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.INTEGRATIONS_MANAGE)
    desk = request.app[DESK]
    delivery = await desk.webhooks.replay(path_id(request, "delivery_id"), actor=principal.name)
    desk.notifier.publish_outbox()  # wake the dispatcher: the replay goes out at once
    return web.json_response({"delivery": delivery_to_json(delivery, [])})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/api-clients", list_clients),
        web.post("/api/api-clients", create_client),
        web.post("/api/api-clients/{client_id}/rotate", rotate_client),
        web.post("/api/api-clients/{client_id}/revoke", revoke_client),
        web.get("/api/webhooks", list_webhooks),
        web.post("/api/webhooks", add_webhook),
        web.post("/api/webhooks/{webhook_id}/deactivate", deactivate_webhook),
        web.get("/api/webhook-deliveries", list_deliveries),
        web.post("/api/webhook-deliveries/{delivery_id}/replay", replay_delivery),
    ]
