"""Webhooks post to public addresses only (no SSRF): refused when added, and again when
delivered, unless the host is in HOTLINE_WEBHOOK_ALLOWED_HOSTS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import unused_port
from sqlalchemy import select

from agent_desk.integrations.dispatcher import WebhookDispatcher
from agent_desk.integrations.models import WebhookAttempt, WebhookDelivery
from agent_desk.integrations.url_policy import GuardedResolver, UrlPolicy, WebhookUrlForbidden
from agent_desk.integrations.webhooks import Webhooks
from agent_desk.orders import DeadlinePolicy, DeadlineTable
from base.workdays import WorkingCalendar
from tests.agent_desk.conftest import DEPT_A, DeskHarness


@pytest.mark.parametrize(
    ("url", "reason"),
    [("ftp://example.com/hook", "scheme"), ("file:///etc/passwd", "scheme"),
     ("gopher://example.com:70/x", "scheme"), ("http:///hook", "no-host"),
     ("http://example.com:port/hook", "malformed"),
     ("https://user:secret@example.com/hook", "credentials"),
     ("http://user@example.com/hook", "credentials"),
     ("http://127.0.0.1:8080/hook", "loopback"), ("http://127.9.9.9/hook", "loopback"),
     ("http://[::1]/hook", "loopback"), ("http://[::ffff:127.0.0.1]/hook", "loopback"),
     ("http://localhost:8080/hook", "loopback"),  # a name: resolved when added
     ("http://169.254.169.254/latest/meta-data/", "metadata"),
     ("http://169.254.10.1/hook", "link-local"), ("http://[fe80::1]/hook", "link-local"),
     ("http://10.1.2.3/hook", "private"), ("http://172.16.0.9/hook", "private"),
     ("http://192.168.1.20/hook", "private"), ("http://[fd12:3456::1]/hook", "private"),
     ("http://224.0.0.251/hook", "multicast"), ("http://[ff02::1]/hook", "multicast"),
     ("http://0.0.0.0/hook", "unspecified"), ("http://[::]/hook", "unspecified"),
     ("http://100.64.0.1/hook", "reserved")],
)  # fmt: skip
async def test_a_forbidden_webhook_url_is_refused_with_its_reason(
    harness: DeskHarness, url: str, reason: str
) -> None:
    response = await harness.call("POST", "/api/webhooks", as_user="admin1", json={
        "department_code": DEPT_A, "url": url, "events": ["order.changed"]})  # fmt: skip
    body = await response.json()
    assert response.status == 400, body
    assert body["error"]["code"] == "webhook-url-forbidden"
    assert body["error"]["details"]["reason"] == reason
    assert await harness.desk.webhooks.endpoints() == []


async def test_a_public_address_and_an_allowed_host_are_accepted(harness: DeskHarness) -> None:
    public = await harness.desk.webhooks.add_endpoint(
        department_code=DEPT_A, url="https://93.184.215.14/hook", events=["order.changed"],
        actor="test")  # fmt: skip
    assert public[0].url == "https://93.184.215.14/hook"
    allowed = Webhooks(sessions=harness.sessions, clock=harness.clock,
                       deadlines=DeadlinePolicy(table=DeadlineTable(), calendar=WorkingCalendar()),
                       url_policy=UrlPolicy.from_setting(" 127.0.0.1 , Hooks.LAN"))  # fmt: skip
    for url in ("http://127.0.0.1:9/hook", "http://hooks.lan/hook", "http://HOOKS.lan./x"):
        endpoint, _ = await allowed.add_endpoint(
            department_code=DEPT_A, url=url, events=["order.changed"], actor="test"
        )
        assert endpoint.active
    with pytest.raises(WebhookUrlForbidden):  # only the hosts named
        await allowed.add_endpoint(department_code=DEPT_A, url="http://127.0.0.2/hook",
                                   events=["order.changed"], actor="test")  # fmt: skip


class Receiver:
    """A webhook receiver on the loopback that counts what it is sent."""

    def __init__(self) -> None:
        self.posts = 0
        self.port = unused_port()

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.posts += 1
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hook", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", found.port).start()
    try:
        yield found
    finally:
        await runner.cleanup()


async def _attempts(harness: DeskHarness) -> list[WebhookAttempt]:
    async with harness.sessions() as session:
        return list(await session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)))


async def test_a_name_resolving_to_the_loopback_is_not_sent_at_delivery(
    harness: DeskHarness, receiver: Receiver
) -> None:
    """Added when `localhost` was allowed (or resolved elsewhere); the desk now delivering
    has no allow-list: the delivery is logged as failed with the reason, nothing is sent."""
    url = f"http://localhost:{receiver.port}/hook"
    then = Webhooks(sessions=harness.sessions, clock=harness.clock,
                    deadlines=DeadlinePolicy(table=DeadlineTable(), calendar=WorkingCalendar()),
                    url_policy=UrlPolicy.from_setting("localhost"))  # fmt: skip
    await then.add_endpoint(department_code=DEPT_A, url=url, events=["order.dispatched"],
                            actor="test")  # fmt: skip
    created = await harness.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "help", "subject": "路灯不亮", "department_code": DEPT_A})  # fmt: skip
    assert created.status == 201
    async with aiohttp.ClientSession() as http:
        dispatcher = WebhookDispatcher(sessions=harness.sessions, clock=harness.clock,
                                       webhooks=harness.desk.webhooks, http=http)  # fmt: skip
        assert await dispatcher.deliver_due() == 1
    assert receiver.posts == 0
    (attempt,) = await _attempts(harness)
    assert attempt.status_code is None
    assert attempt.error.startswith("webhook-url-forbidden: localhost is a loopback address")
    async with harness.sessions() as session:
        delivery = (await session.scalars(select(WebhookDelivery))).one()
    assert (delivery.status, delivery.last_error) == ("pending", attempt.error)
    # The same delivery, replayed by a desk that allows the host: it arrives.
    await harness.desk.webhooks.replay(delivery.id, actor="admin1")
    async with aiohttp.ClientSession() as http:
        dispatcher = WebhookDispatcher(sessions=harness.sessions, clock=harness.clock,
                                       webhooks=then, http=http)  # fmt: skip
        assert await dispatcher.deliver_due() == 1
    assert receiver.posts == 1


async def test_the_delivery_connection_only_reaches_checked_addresses(receiver: Receiver) -> None:
    """The dispatcher's HTTP session resolves through GuardedResolver: a name that
    resolves to a forbidden address (DNS rebinding after the check) is not connected to."""
    url = f"http://localhost:{receiver.port}/hook"
    for policy, reaches in ((UrlPolicy(), False), (UrlPolicy.from_setting("localhost"), True)):
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy))
        async with aiohttp.ClientSession(connector=connector) as http:
            if reaches:
                async with http.post(url, data=b"{}") as response:
                    assert response.status == 200
            else:
                with pytest.raises(aiohttp.ClientConnectorError, match="webhook-url-forbidden"):
                    await http.post(url, data=b"{}")
    assert receiver.posts == 1
