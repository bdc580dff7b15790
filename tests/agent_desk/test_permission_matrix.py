"""Every documented route × every role × an own and another department's object.

The routes come from the OpenAPI document (`agent_desk.http.openapi.document`): a route
added there without a row in RULES fails `test_every_documented_route_has_a_rule`. Each
call asserts the exact status — the documented success code for roles allowed, 401
anonymous, 403 a role not allowed, 404 another department's object for a liaison — and
that a liaison's answer carries nothing of the other department.

With platforms (`test_platform_matrix`): users bound to a county, another county, the city
and another city, each against an order and a voicemail of every platform — what is below
their platform answers, anything else is 404 and absent from every list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from agent_desk import audit
from agent_desk.auth import Role
from agent_desk.http.openapi import document
from agent_desk.http.pages_supervision import supervision_desk
from agent_desk.orders import OrderDraft, OrderType, Step, Transition, Urgency
from base.config import Settings
from routing import DEFAULT_SITES_FILE, Platform, PlatformTree, load_sites, platform_tree
from tests.agent_desk.conftest import DEPT_A, DEPT_B, PASSWORD, USERS, DeskHarness

STAFF = frozenset({"op1", "sup1", "admin1"})
UNIT = frozenset({"li_a", "li_b", "sup1", "admin1"})
LIAISON_OF = {"li_a": DEPT_A, "li_b": DEPT_B}  # everyone else: DEPT_A is "own"
OVERSIGHT = frozenset({"sup1", "admin1"})
EVERYONE = frozenset(USERS)
ADMIN = frozenset({"admin1"})
FOREIGN = "secret-of-other-department"  # in the other department's objects: never shown
NEW_PASSWORD = "lantern-river-42"


@pytest.fixture
def desk_settings() -> Settings:
    """The matrix's webhooks post to a receiver on 127.0.0.1 (never up): allowed here."""
    return Settings(webhook_allowed_hosts="127.0.0.1")


@dataclass(frozen=True)
class Ref:
    """A body field that takes the id of the object made for the call (`_objects`)."""

    name: str


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    body: dict[str, Any] | list[Any] | None = None  # Ref values: filled per call
    query: str = ""
    scoped: bool = False  # the path names a department's object: other department → 404
    public: bool = False  # no sign-in needed
    status: int | None = None  # every role, signed in or not, gets this status


RULES: dict[tuple[str, str], Rule] = {
    ("post", "/api/auth/login"): Rule(EVERYONE, {"name": "op1", "password": PASSWORD},
                                      public=True),
    ("post", "/api/auth/logout"): Rule(EVERYONE),
    ("get", "/api/auth/me"): Rule(EVERYONE),
    ("post", "/api/auth/password"): Rule(EVERYONE, {"current_password": PASSWORD,
                                                    "new_password": NEW_PASSWORD}),
    ("get", "/api/users"): Rule(ADMIN),
    ("post", "/api/users"): Rule(ADMIN, {"name": "new_user", "role": "operator"}),
    ("get", "/api/users/{user_id}"): Rule(ADMIN),
    ("patch", "/api/users/{user_id}"): Rule(ADMIN, {"phone": "13800000001"}),
    ("post", "/api/users/{user_id}/password"): Rule(ADMIN),
    ("get", "/api/orders"): Rule(EVERYONE),
    ("post", "/api/orders"): Rule(STAFF, {"order_type": "help", "subject": "new"}),
    ("get", "/api/orders/late"): Rule(EVERYONE),
    ("get", "/api/orders/referrals"): Rule(EVERYONE),
    ("get", "/api/orders/{order_id}"): Rule(EVERYONE, scoped=True),
    ("post", "/api/orders/{order_id}/transitions"): Rule(UNIT, {"transition": "start"},
                                                         scoped=True),
    ("get", "/api/voicemails"): Rule(EVERYONE),
    ("get", "/api/voicemails/{voicemail_id}"): Rule(EVERYONE, scoped=True),
    ("get", "/api/voicemails/{voicemail_id}/audio"): Rule(EVERYONE, scoped=True),
    ("post", "/api/voicemails/{voicemail_id}/handled"): Rule(UNIT, {"reply": "done"},
                                                             scoped=True),
    ("get", "/api/kb/search"): Rule(EVERYONE),
    ("post", "/api/kb/entries"): Rule(UNIT, {"question": "新问题", "answer": "答"},
                                      scoped=True),
    ("get", "/api/kb/entries/{entry_id}"): Rule(UNIT, scoped=True),
    ("put", "/api/kb/entries/{entry_id}"): Rule(UNIT, {"question": "改", "answer": "改答"},
                                                scoped=True),
    ("delete", "/api/kb/entries/{entry_id}"): Rule(UNIT, scoped=True),
    ("get", "/api/departments"): Rule(UNIT),
    ("get", "/api/departments/{code}"): Rule(UNIT, scoped=True),
    ("put", "/api/departments/{code}"): Rule(UNIT, {"address": "政务路9号"}, scoped=True),
    ("get", "/api/calls"): Rule(STAFF, query="?caller=13900000009"),
    ("post", "/api/calls/{call_id}/transfer"): Rule(STAFF, {"department_code": DEPT_A}),
    ("get", "/api/audit"): Rule(OVERSIGHT),
    ("get", "/api/quality/recordings"): Rule(OVERSIGHT, query="?call_id=c1"),
    ("get", "/api/quality/recordings/{recording_id}/audio"): Rule(OVERSIGHT),
    ("post", "/api/quality/recordings/{recording_id}/score"): Rule(OVERSIGHT,
                                                                   {"score": 90, "notes": "好"}),
    ("get", "/api/calendar/years/{year}"): Rule(OVERSIGHT),
    ("put", "/api/calendar/days/{day}"): Rule(ADMIN, {"kind": "holiday", "name": "测试"}),
    ("delete", "/api/calendar/days/{day}"): Rule(ADMIN),
    ("post", "/api/calendar/import"): Rule(ADMIN, {"csv": "date,kind,name\n2027-01-01,holiday,"}),
    ("get", "/api/stats/kpis"): Rule(OVERSIGHT),
    ("get", "/api/stats/supervision"): Rule(OVERSIGHT),
    ("get", "/api/stats/seats"): Rule(OVERSIGHT),
    ("get", "/api/stats/operators"): Rule(OVERSIGHT),
    ("get", "/api/stats/report"): Rule(OVERSIGHT, query="?period=2026-11"),
    ("get", "/api/stats/live"): Rule(OVERSIGHT),
    ("get", "/api/stats/live/stream"): Rule(OVERSIGHT),
    ("get", "/api/seats"): Rule(STAFF),
    ("post", "/api/seats/{seat_id}/state"): Rule(STAFF, {"state": "available"}),
    ("get", "/api/callbacks"): Rule(STAFF),
    ("get", "/api/inbox"): Rule(EVERYONE),
    ("get", "/api/orders/page"): Rule(EVERYONE),
    ("get", "/api/my-seat"): Rule(STAFF),
    ("get", "/api/my-seat/callbacks"): Rule(STAFF),
    ("get", "/api/my-seat/events"): Rule(STAFF),
    # The seat-state call (document order: before these) sat the user at lj-01 from the
    # seat board; sitting there again from the console is theirs, then a break, then leave.
    ("post", "/api/my-seat"): Rule(STAFF, {"seat_id": "lj-01"}),
    ("post", "/api/my-seat/state"): Rule(STAFF, {"state": "break"}),
    ("post", "/api/my-seat/leave"): Rule(STAFF),
    # 督办: the oversight opens and reviews (any department's), the unit answers its own.
    ("post", "/api/supervision"): Rule(OVERSIGHT, {"order_id": Ref("order_id"),
                                                   "reason": "请办理", "due_date": "2026-12-31"}),
    ("post", "/api/supervision/{item_id}/answer"): Rule(
        frozenset({"li_a", "li_b", "admin1"}), {"answer": "已办理"}, scoped=True),
    ("post", "/api/supervision/{item_id}/close"): Rule(OVERSIGHT, {"review": "好"}, scoped=True),
    ("post", "/api/supervision/{item_id}/send-back"): Rule(OVERSIGHT, {"review": "请补充"},
                                                           scoped=True),
    # 202: the seat-state call just before (document order) sat the user at lj-01.
    ("post", "/api/callbacks/{entry_id}/call"): Rule(STAFF),
    ("get", "/api/api-clients"): Rule(ADMIN),
    ("post", "/api/api-clients"): Rule(ADMIN, {"name": "unit-system", "department_code": DEPT_A,
                                               "scope": "write"}),
    ("post", "/api/api-clients/{client_id}/rotate"): Rule(ADMIN, {"overlap_minutes": 0}),
    ("post", "/api/api-clients/{client_id}/revoke"): Rule(ADMIN),
    ("get", "/api/webhooks"): Rule(ADMIN),
    ("post", "/api/webhooks"): Rule(ADMIN, {"department_code": DEPT_A,
                                            "url": "http://127.0.0.1:9/hook",
                                            "events": ["order.changed"]}),
    ("post", "/api/webhooks/{webhook_id}/deactivate"): Rule(ADMIN),
    ("get", "/api/webhook-deliveries"): Rule(ADMIN),
    ("post", "/api/webhook-deliveries/{delivery_id}/replay"): Rule(ADMIN),
    # The SMS gateway's push: a desk session is no credential, only the body's signature
    # (none here) is; tests/agent_desk/test_intake_sms.py signs it.
    ("post", "/api/intake/sms"): Rule(EVERYONE, [{"phone_number": "13800000000",
                                                  "content": "路灯坏了"}],
                                      public=True, status=401),
}  # fmt: skip
# Run last: they end the session or change the password the other calls sign in with.
LAST = [("post", "/api/auth/logout"), ("post", "/api/auth/password")]


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (method, path, operation)
        for path, item in document()["paths"].items()
        for method, operation in item.items()
    ]
    return sorted(found, key=lambda op: LAST.index(op[:2]) + 1 if op[:2] in LAST else 0)


def success_status(method: str, path: str, operation: dict[str, Any]) -> int:
    return min(int(code) for code in operation["responses"] if code.startswith("2"))


def test_every_documented_route_has_a_rule() -> None:
    documented = {(method, path) for method, path, _ in operations()}
    assert documented == set(RULES)


async def _objects(
    h: DeskHarness, tmp_path: Path, department: str, marker: str, *, items: bool = False
) -> dict[str, str]:
    """A fresh order, voicemail, KB entry and callback of `department`, an API client and
    a webhook of it, and the webhook's delivery of the order's dispatch; with `items`,
    two supervision items on the order, one open and one answered."""
    audio = tmp_path / f"vm-{marker}.wav"
    audio.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    webhook, _ = await h.desk.webhooks.add_endpoint(
        department_code=department, url="http://127.0.0.1:9/hook",
        events=["order.dispatched"], actor="test")  # fmt: skip
    client = await h.desk.api_clients.create(
        f"{marker}-{webhook.id}", department_code=department, scope="read", actor="test"
    )
    created = await h.call("POST", "/api/orders", as_user="op1",
                           json={"order_type": "help", "subject": marker, "description": marker,
                                 "department_code": department})  # fmt: skip
    assert created.status == 201
    order_id = (await created.json())["id"]
    entry = await h.desk.kb.import_csv(
        f"department_code,question,answer\n{department},{marker}问题{order_id},{marker}\n"
    )
    assert entry.created == 1
    found = await h.desk.kb.search(f"{marker}问题{order_id}")
    assert h.desk.seats is not None
    callback = await h.desk.seats.callbacks.add(
        caller=f"1390000{order_id:04d}", site="linjiang", hotline_number="12345",
        call_id=f"c-{order_id}", reason="abandoned")  # fmt: skip
    assert callback is not None
    voicemail = await h.add_voicemail(department, audio=audio)
    recording = await h.add_quality_recording(f"c-{order_id}", audio=audio)
    deliveries = await h.desk.webhooks.deliveries(limit=1)
    assert deliveries
    assert deliveries[0][0].order_id == order_id
    made: dict[str, str] = {}
    if items:
        service = supervision_desk(h.desk)
        due = date(2026, 12, 31)
        opened = await service.open(order_id, reason=f"{marker} 督办", due=due, actor="sup1",
                                    visibility=None)  # fmt: skip
        answered = await service.open(order_id, reason=f"{marker} 督办", due=due, actor="sup1",
                                      visibility=None)  # fmt: skip
        await service.answer(answered.id, text=f"{marker} 答", actor="li", visibility=None)
        made = {"open_item_id": str(opened.id), "answered_item_id": str(answered.id)}
    return {**made,"order_id": str(order_id), "voicemail_id": str(voicemail),
            "recording_id": str(recording),
            "entry_id": str(found[0].id), "code": department,
            "callback_id": str(callback.id), "client_id": str(client.client.id),
            "webhook_id": str(webhook.id),
            "delivery_id": str(deliveries[0][0].id)}  # fmt: skip


class ObjectSets:
    """The objects a call of the matrix is made on, with others in `hidden_in` to hide.

    A method that changes things gets fresh ones (a DELETE or a transition must not meet
    an object an earlier call used); the GETs change nothing, so they share one set per
    department, which saves most of the matrix's time."""

    def __init__(self, harness: DeskHarness, tmp_path: Path, *, hidden_in: str) -> None:
        self._harness = harness
        self._tmp_path = tmp_path
        self._hidden_in = hidden_in
        self._shared: dict[tuple[str, bool], dict[str, str]] = {}

    async def for_call(
        self, method: str, department: str, variant: str, *, items: bool
    ) -> dict[str, str]:
        key = (department, items)
        if method == "get" and key in self._shared:
            return self._shared[key]
        marker = "own-object" if variant == "own" else FOREIGN
        ids = await _objects(self._harness, self._tmp_path, department, marker, items=items)
        await _objects(self._harness, self._tmp_path, self._hidden_in, FOREIGN, items=items)
        if method == "get":
            self._shared[key] = ids
        return ids


def _path(template: str, ids: dict[str, str], victim: int) -> str:
    values = {**ids, "user_id": str(victim), "seat_id": "lj-01", "call_id": "c1",
              "item_id": "1", "year": "2027", "day": "2027-02-06"}  # fmt: skip
    if template.startswith("/api/callbacks/"):
        values["entry_id"] = ids["callback_id"]
    if template.startswith("/api/supervision/"):  # answer an open item, review an answered one
        kind = "open" if template.endswith("/answer") else "answered"
        values["item_id"] = ids[f"{kind}_item_id"]
    return template.format(**values)


def _body(rule: Rule, ids: dict[str, str]) -> dict[str, Any] | list[Any] | None:
    if not isinstance(rule.body, dict):
        return rule.body
    return {k: int(ids[v.name]) if isinstance(v, Ref) else v for k, v in rule.body.items()}


def _needs_items(template: str) -> bool:
    return template.startswith("/api/supervision/")


@pytest.mark.parametrize("role", ["anonymous", *USERS])
async def test_route_role_department_matrix(
    harness: DeskHarness, tmp_path: Path, role: str, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the permission matrix does not depend on the database")
    victim, _ = await harness.desk.auth.add_user("victim", Role.OPERATOR, password=PASSWORD)
    own = LIAISON_OF.get(role, DEPT_A)
    other = DEPT_B if own == DEPT_A else DEPT_A
    failures: list[str] = []
    objects = ObjectSets(harness, tmp_path, hidden_in=other)
    for method, template, operation in operations():
        rule = RULES[(method, template)]
        items = _needs_items(template)
        for variant, department in (("own", own), ("other", other)):
            if variant == "other" and not rule.scoped:
                continue
            ids = await objects.for_call(method, department, variant, items=items)
            path = _path(template, ids, victim.id) + rule.query
            body = _body(rule, ids)
            if template == "/api/kb/entries" and body is not None:
                body["department_code"] = department
            expected = _expected(role, rule, variant, method, template, operation)
            response, text = await _request(harness, role, method, path, body)
            if response != expected:
                failures.append(f"{role} {method.upper()} {path} ({variant}): "
                                f"{response}, expected {expected}: {text[:200]}")  # fmt: skip
            if role in LIAISON_OF and FOREIGN in text:
                failures.append(f"{role} {method.upper()} {path}: shows the other department")
    assert not failures, "\n".join(failures)


def _expected(role: str, rule: Rule, variant: str, method: str, template: str,
              operation: dict[str, Any]) -> int:  # fmt: skip
    if rule.status is not None:
        return rule.status
    if role == "anonymous" and not rule.public:
        return 401
    if role != "anonymous" and role not in rule.allowed and not rule.public:
        return 403
    if rule.scoped and variant == "other" and role in LIAISON_OF:
        return 404
    if role == "anonymous" and (method, template) == ("post", "/api/auth/login"):
        return 200
    return success_status(method, template, operation)


async def _request(
    harness: DeskHarness,
    role: str,
    method: str,
    path: str,
    body: dict[str, Any] | list[Any] | None,
) -> tuple[int, str]:
    if role == "anonymous":
        harness.client.session.cookie_jar.clear()
        response = await harness.client.request(method, path, json=body)
    else:
        response = await harness.call(method, path, as_user=role, json=body)
    async with response:
        if response.content_type == "text/event-stream":
            return response.status, ""
        return response.status, await response.text()


# Public routes have no session to ride on; the login and the signed SMS push are those.
UNSAFE = [(m, p) for m, p, _ in operations() if m != "get" and not RULES[(m, p)].public]


@pytest.mark.parametrize("token", ["", "wrong-token"])
async def test_every_unsafe_route_needs_the_csrf_token(
    harness: DeskHarness, tmp_path: Path, token: str, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("CSRF checks do not depend on the database")
    victim, _ = await harness.desk.auth.add_user("victim", Role.OPERATOR, password=PASSWORD)
    ids = await _objects(harness, tmp_path, DEPT_A, "own-object", items=True)
    before = len(await audit.recent(harness.sessions, limit=1000))
    await harness.sign_in("admin1")
    headers = {"X-CSRF-Token": token} if token else {}
    for method, template in UNSAFE:
        rule = RULES[(method, template)]
        path = _path(template, ids, victim.id) + rule.query
        async with harness.client.request(method, path, json=_body(rule, ids),
                                          headers=headers) as response:  # fmt: skip
            assert response.status == 403, f"{method} {path}: {response.status}"
            assert (await response.json())["error"]["code"] == "csrf-token-invalid"
    assert len(await audit.recent(harness.sessions, limit=1000)) == before + 1  # the sign-in
    assert (await harness.client.get("/api/auth/me")).status == 200  # logout did not happen


# The column of departments' systems: a token of DEPT_A on every documented route. A
# route outside the allow-list refuses it: 403 through `authorize`, 401 where the route
# reads only the session cookie (the statistics) — never the route's success.
REFUSED = frozenset({401, 403})
MACHINE_ALLOWED = frozenset({
    ("get", "/api/orders"), ("get", "/api/orders/page"), ("get", "/api/orders/late"),
    ("get", "/api/orders/referrals"), ("get", "/api/orders/{order_id}"),
    ("post", "/api/orders/{order_id}/transitions"),
})  # fmt: skip


@pytest.mark.parametrize("scope", ["read", "write"])
async def test_api_client_column(
    harness: DeskHarness, tmp_path: Path, scope: str, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the permission matrix does not depend on the database")
    victim, _ = await harness.desk.auth.add_user("victim", Role.OPERATOR, password=PASSWORD)
    issued = await harness.desk.api_clients.create(
        "unit-column", department_code=DEPT_A, scope=scope, actor="test"
    )
    headers = {"Authorization": f"Bearer {issued.token}"}
    failures: list[str] = []
    objects = ObjectSets(harness, tmp_path, hidden_in=DEPT_B)
    for method, template, operation in operations():
        rule = RULES[(method, template)]
        items = _needs_items(template)
        for variant, department in (("own", DEPT_A), ("other", DEPT_B)):
            if variant == "other" and not rule.scoped:
                continue
            ids = await objects.for_call(method, department, variant, items=items)
            path = _path(template, ids, victim.id) + rule.query
            allowed = (method, template) in MACHINE_ALLOWED and (
                scope == "write" or method == "get"
            )
            if rule.status is not None:
                expected = rule.status
            elif rule.public:
                expected = success_status(method, template, operation)
            elif not allowed:
                expected = 403
            elif variant == "other":
                expected = 404
            else:
                expected = success_status(method, template, operation)
            harness.client.session.cookie_jar.clear()
            async with harness.client.request(method, path, json=_body(rule, ids),
                                              headers=headers) as response:  # fmt: skip
                text = "" if response.content_type == "text/event-stream" else await response.text()
                status = response.status
            if status != expected and not (expected == 403 and status in REFUSED):
                failures.append(f"{scope} token {method.upper()} {path} ({variant}): "
                                f"{status}, expected {expected}: {text[:200]}")  # fmt: skip
            if FOREIGN in text and not rule.public:
                failures.append(f"{scope} token {method.upper()} {path}: shows another department")
    assert not failures, "\n".join(failures)


# --- platforms: the same routes with users bound to a platform ------------------------------

BAIHE = Platform(id="baihe", name="临江市白河县", parent="linjiang", hotline_numbers=("83412345",))


@pytest.fixture
def platforms() -> PlatformTree:
    """The sample tree (临江市 over 清河县) with a second county, 白河县, under the city."""
    sample = platform_tree(load_sites(DEFAULT_SITES_FILE), default="linjiang")
    return PlatformTree((*sample.platforms, BAIHE), default="linjiang")


QH_DEPT = "qinghe.gongan"
PLATFORM_DEPARTMENT = {"linjiang": DEPT_A, "qinghe": QH_DEPT, "baihe": None,
                       "qingshan": "qingshan.gongan"}  # fmt: skip
PLATFORM_USERS = {
    "op_qh": (Role.OPERATOR, (), "qinghe"),
    "li_qh": (Role.LIAISON, (QH_DEPT,), "qinghe"),
    "sup_qh": (Role.SUPERVISOR, (), "qinghe"),
    "op_bh": (Role.OPERATOR, (), "baihe"),
    "op_lj": (Role.OPERATOR, (), "linjiang"),
    "sup_lj": (Role.SUPERVISOR, (), "linjiang"),
    "sup_qs": (Role.SUPERVISOR, (), "qingshan"),
    "sup1": (Role.SUPERVISOR, (), None),  # bound to no platform: sees every one
}


def _sees(user: str, platform: str, tree: PlatformTree) -> bool:
    role, departments, own = PLATFORM_USERS[user]
    if own is not None and platform not in tree.subtree(own):
        return False
    return role is not Role.LIAISON or PLATFORM_DEPARTMENT[platform] in departments


async def _platform_objects(h: DeskHarness) -> dict[str, tuple[int, int]]:
    """An order (dispatched to the platform's department, if it has one) and a voicemail of
    every platform: platform → (order id, voicemail id)."""
    made = {}
    for platform, department in PLATFORM_DEPARTMENT.items():
        draft = OrderDraft(order_type=OrderType.HELP, urgency=Urgency.NORMAL,
                           subject=f"order-of-{platform}", platform=platform)  # fmt: skip
        order = await h.desk.orders.create(draft, actor="op1")
        if department is not None:
            step = Step(Transition.DISPATCH, actor="op1", at=h.clock.now(),
                        department_code=department)  # fmt: skip
            await h.desk.orders.move(order.id, step, visibility=None)
        voicemail = await h.add_voicemail(department or "general", platform=platform,
                                          caller=f"1390000{order.id:04d}")  # fmt: skip
        made[platform] = (order.id, voicemail)
    return made


async def _json(h: DeskHarness, user: str, path: str) -> tuple[int, Any]:
    async with await h.call("GET", path, as_user=user) as response:
        return response.status, await response.json()


@pytest.mark.parametrize("user", sorted(PLATFORM_USERS))
async def test_platform_matrix(
    harness: DeskHarness, platforms: PlatformTree, user: str, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the permission matrix does not depend on the database")
    for name, (role, departments, platform) in PLATFORM_USERS.items():
        if name not in USERS:
            await harness.desk.auth.add_user(name, role, departments=departments,
                                             password=PASSWORD, platform=platform)  # fmt: skip
    made = await _platform_objects(harness)
    expected = {p for p in made if _sees(user, p, platforms)}
    failures: list[str] = []
    for platform, (order_id, voicemail_id) in made.items():
        want = 200 if platform in expected else 404
        for path in (f"/api/orders/{order_id}", f"/api/voicemails/{voicemail_id}"):
            status, _ = await _json(harness, user, path)
            if status != want:
                failures.append(f"{user} GET {path} ({platform}): {status}, expected {want}")
        if platform not in expected:  # a move on what one cannot see: 404 before 403
            async with await harness.call(
                "POST", f"/api/orders/{order_id}/transitions", as_user=user,
                json={"transition": "supervise", "reason": "probe"},
            ) as response:  # fmt: skip
                if response.status != 404:
                    failures.append(f"{user} moved the order of {platform}: {response.status}")
    _, orders = await _json(harness, user, "/api/orders")
    listed = {o["subject"].removeprefix("order-of-") for o in orders["orders"]}
    _, page = await _json(harness, user, "/api/orders/page")
    paged = {o["subject"].removeprefix("order-of-") for o in page["orders"]}
    _, voicemails = await _json(harness, user, "/api/voicemails")
    by_id = {vm: p for p, (_, vm) in made.items()}
    heard = {by_id[v["id"]] for v in voicemails["voicemails"]}
    for what, seen in (("orders", listed), ("order page", paged), ("voicemails", heard)):
        if seen != expected:
            failures.append(f"{user} lists {what} of {sorted(seen)}, expected {sorted(expected)}")
    assert not failures, "\n".join(failures)


async def test_platform_bound_supervisors_read_only_their_statistics(
    harness: DeskHarness, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the permission matrix does not depend on the database")
    for name in ("sup_qh", "sup_lj", "sup_qs"):
        role, _, platform = PLATFORM_USERS[name]
        await harness.desk.auth.add_user(name, role, password=PASSWORD, platform=platform)
    allowed = {("sup_qh", "qinghe"): 200, ("sup_qh", "linjiang"): 403,
               ("sup_lj", "linjiang"): 200, ("sup_lj", "qinghe"): 200,
               ("sup_lj", "qingshan"): 403, ("sup_qs", "qinghe"): 403,
               ("sup1", "qinghe"): 200, ("sup1", "nowhere"): 400}  # fmt: skip
    for (user, platform), want in allowed.items():
        status, _ = await _json(harness, user, f"/api/stats/kpis?platform={platform}")
        assert status == want, (user, platform, status)
    # the figures not yet split by platform are the whole hotline's: unbound users only
    for path in ("/api/stats/seats", "/api/stats/operators", "/api/stats/supervision",
                 "/api/stats/live",
                 "/api/stats/report?period=2026-11"):  # fmt: skip
        for user, want in (("sup_qh", 403), ("sup_lj", 403), ("sup1", 200)):
            status, _ = await _json(harness, user, path)
            assert status == want, (user, path, status)
