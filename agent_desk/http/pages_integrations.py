"""The admin's page of machine access: API clients with their last use, departments'
webhooks, and the delivery log with replay (its script calls api_integrations)."""

from __future__ import annotations

from aiohttp import web

from agent_desk.auth import Role
from agent_desk.desk import DESK
from agent_desk.http.pages import HOME, PASSWORD_PAGE, render
from agent_desk.integrations.clients import client_to_json
from agent_desk.integrations.events import ALL_EVENTS
from agent_desk.integrations.webhooks import delivery_to_json, endpoint_to_json
from agent_desk.permissions import current_principal


async def integrations_page(request: web.Request) -> web.Response:
    principal = await current_principal(request)
    if principal is None or principal.api_client_id is not None:
        raise web.HTTPFound("/desk/login")
    if principal.must_change_password:
        raise web.HTTPFound(PASSWORD_PAGE)
    if principal.role is not Role.ADMIN:
        raise web.HTTPFound(HOME[principal.role])
    desk = request.app[DESK]
    now = desk.api_clients.now()
    names = {t.code: t.name for t in desk.directory.targets()}
    return render(
        request, "integrations.html", principal, page="integrations",
        clients=[client_to_json(c, now) for c in await desk.api_clients.list()],
        webhooks=[endpoint_to_json(e) for e in await desk.webhooks.endpoints()],
        deliveries=[delivery_to_json(d, a) for d, a in await desk.webhooks.deliveries(limit=50)],
        event_types=sorted(ALL_EVENTS), names=names,
        departments=sorted(names.items(), key=lambda item: item[1]),
    )  # fmt: skip


def routes() -> list[web.RouteDef]:
    return [web.get("/desk/integrations", integrations_page)]
