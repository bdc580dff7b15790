"""Sign-in under attack: parallel guesses, name probing, weak and one-time passwords."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.auth import AuthService, Passwords, Role
from agent_desk.auth.policy import PasswordRejected, check_password
from agent_desk.errors import SignInFailed, SignInLocked
from tests.agent_desk.conftest import PASSWORD, DeskHarness, SteppedClock, fast_passwords


class CountingPasswords(Passwords):
    """The real argon2 checks, counted: how many guesses reached a hash."""

    def __init__(self) -> None:
        fast = fast_passwords()
        super().__init__(fast._hasher)
        self.checked: list[str] = []

    async def verify(self, stored: str, password: str) -> bool:
        self.checked.append(stored)
        return await super().verify(stored, password)


async def test_hundred_parallel_wrong_sign_ins_check_at_most_five(harness: DeskHarness) -> None:
    async def guess(n: int) -> int:
        body = {"name": "op1", "password": f"wrong-guess-{n}"}
        async with harness.client.post("/api/auth/login", json=body) as response:
            return response.status

    statuses = Counter(await asyncio.gather(*(guess(n) for n in range(100))))
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[401] <= 5, statuses
    assert statuses[429] >= 95, statuses
    failed = await audit.recent(harness.sessions, action="sign-in.failed", limit=500)
    assert len(failed) == statuses[401]  # only the first five were checked at all
    right = await harness.client.post("/api/auth/login", json={"name": "op1", "password": PASSWORD})
    assert right.status == 429  # the right password does not get through the lock either


async def test_parallel_guesses_of_one_service_check_at_most_five(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    passwords = CountingPasswords()
    auth = AuthService(sessions=sessions, clock=clock, passwords=passwords)
    await auth.add_user("op1", Role.OPERATOR, password="right-password-1")

    async def guess(n: int) -> str:
        try:
            await auth.sign_in("op1", f"guess-{n}", ip="10.0.0.9")
        except SignInFailed:
            return "failed"
        except SignInLocked:
            return "locked"
        return "in"

    outcomes = Counter(await asyncio.gather(*(guess(n) for n in range(100))))
    assert outcomes == {"failed": 5, "locked": 95}
    assert len(passwords.checked) == 5
    clock.advance(minutes=16)  # the window ends
    await auth.sign_in("op1", "right-password-1", ip="10.0.0.9")


async def test_one_address_spraying_many_names_is_throttled(auth: AuthService) -> None:
    outcomes = Counter()
    for n in range(30):
        try:
            await auth.sign_in(f"user{n}", "password-spray-1", ip="10.1.1.1")
        except SignInFailed:
            outcomes["failed"] += 1
        except SignInLocked:
            outcomes["locked"] += 1
    assert outcomes == {"failed": 20, "locked": 10}


async def test_good_sign_ins_do_not_use_up_the_address(auth: AuthService) -> None:
    await auth.add_user("op1", Role.OPERATOR, password="right-password-1")
    for _ in range(40):
        await auth.sign_in("op1", "right-password-1", ip="10.2.2.2")


async def test_unknown_names_are_checked_against_a_dummy_hash(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    passwords = CountingPasswords()
    auth = AuthService(sessions=sessions, clock=clock, passwords=passwords)
    user, _ = await auth.add_user("op1", Role.OPERATOR, password="right-password-1")
    for name in ("op1", "nobody", "op1"):
        with pytest.raises(SignInFailed):
            await auth.sign_in(name, "not-the-password", ip="10.3.3.3")
    real, dummy, again = passwords.checked
    assert real == again == user.password_hash
    assert dummy != real
    # The dummy costs what a real hash costs: same algorithm and parameters.
    assert dummy.split("$")[:4] == real.split("$")[:4]


@pytest.mark.parametrize(
    ("password", "rule"),
    [("short-1", "length"), ("li_zhang", "length"), ("zhangsan99", "user-name"),
     ("99nasgnahz", "user-name"), ("Password123", "common"), ("1qaz2wsx3edc", "common"),
     ("aaaaaaaaaaaa", "common")],
)  # fmt: skip
def test_password_policy_names_the_rule_broken(password: str, rule: str) -> None:
    with pytest.raises(PasswordRejected) as raised:
        check_password(password, user_name="zhangsan99")
    assert raised.value.details["rule"] == rule


def test_a_good_password_passes_the_policy() -> None:
    check_password("lantern-river-42", user_name="zhangsan99")


async def test_weak_given_password_is_refused_when_adding_a_user(auth: AuthService) -> None:
    with pytest.raises(PasswordRejected):
        await auth.add_user("op7", Role.OPERATOR, password="a")


async def _new_operator(harness: DeskHarness) -> str:
    created = await harness.call("POST", "/api/users", as_user="admin1",
                                 json={"name": "op_new", "role": "operator"})  # fmt: skip
    assert created.status == 201
    one_time: str = (await created.json())["one_time_password"]
    return one_time


async def test_a_one_time_password_opens_only_the_password_change(harness: DeskHarness) -> None:
    one_time = await _new_operator(harness)
    harness.client.session.cookie_jar.clear()
    signed = await harness.client.post("/api/auth/login",
                                       json={"name": "op_new", "password": one_time})  # fmt: skip
    assert signed.status == 200
    body = await signed.json()
    assert body["user"]["must_change_password"] is True
    headers = {"X-CSRF-Token": body["csrf_token"]}
    blocked = await harness.client.get("/api/orders")
    assert blocked.status == 403
    assert (await blocked.json())["error"]["code"] == "password-change-required"
    page = await harness.client.get("/desk/console", allow_redirects=False)
    assert (page.status, page.headers["Location"]) == (302, "/desk/password")
    assert (await harness.client.get("/desk/password")).status == 200
    assert (await harness.client.get("/api/auth/me")).status == 200
    weak = await harness.client.post("/api/auth/password", headers=headers,
                                     json={"current_password": one_time,
                                           "new_password": "op_new"})  # fmt: skip
    assert (await weak.json())["error"]["code"] == "password-rejected"
    changed = await harness.client.post("/api/auth/password", headers=headers,
                                        json={"current_password": one_time,
                                              "new_password": "lantern-river-42"})  # fmt: skip
    assert changed.status == 200, await changed.text()
    assert (await changed.json())["user"]["must_change_password"] is False
    assert (await harness.client.get("/api/orders")).status == 200  # the same session goes on
    harness.client.session.cookie_jar.clear()
    old = await harness.client.post("/api/auth/login",
                                    json={"name": "op_new", "password": one_time})  # fmt: skip
    assert old.status == 401


async def test_own_password_change_needs_the_current_one_and_ends_other_sessions(
    harness: DeskHarness,
) -> None:
    other = await harness.desk.auth.sign_in("op1", PASSWORD, ip="10.9.9.9")
    harness.client.session.cookie_jar.clear()
    token = await harness.sign_in("op1")
    headers = {"X-CSRF-Token": token}
    wrong = await harness.client.post("/api/auth/password", headers=headers,
                                      json={"current_password": "not-it-at-all",
                                            "new_password": "lantern-river-42"})  # fmt: skip
    assert wrong.status == 403
    assert (await wrong.json())["error"]["code"] == "password-current-wrong"
    no_csrf = await harness.client.post("/api/auth/password",
                                        json={"current_password": PASSWORD,
                                              "new_password": "lantern-river-42"})  # fmt: skip
    assert (await no_csrf.json())["error"]["code"] == "csrf-token-invalid"
    changed = await harness.client.post("/api/auth/password", headers=headers,
                                        json={"current_password": PASSWORD,
                                              "new_password": "lantern-river-42"})  # fmt: skip
    assert changed.status == 200
    assert await harness.desk.auth.resolve(other.cookie) is None
    assert (await harness.client.get("/api/auth/me")).status == 200
    entries = await audit.recent(harness.sessions, action="user.password-change")
    assert [e.actor for e in entries] == ["op1"]


async def test_a_reset_password_must_be_changed_at_next_sign_in(harness: DeskHarness) -> None:
    ids = {p.name: p.user_id for p in await harness.desk.auth.users()}
    reset = await harness.call("POST", f"/api/users/{ids['li_a']}/password", as_user="admin1")
    one_time = (await reset.json())["one_time_password"]
    harness.client.session.cookie_jar.clear()
    signed = await harness.client.post("/api/auth/login",
                                       json={"name": "li_a", "password": one_time})  # fmt: skip
    assert (await signed.json())["user"]["must_change_password"] is True
    assert (await harness.client.get("/api/voicemails")).status == 403
