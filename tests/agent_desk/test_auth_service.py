"""Accounts, argon2 sign-in, throttling, idle timeout, sign-out."""

from __future__ import annotations

import pytest

from agent_desk.auth import AuthService, Role
from agent_desk.errors import OrderInputInvalid, SignInFailed, SignInLocked, UserExists
from tests.agent_desk.conftest import SteppedClock


async def test_sign_in_gives_a_session_that_resolves_to_the_user(auth: AuthService) -> None:
    await auth.add_user("li1", Role.LIAISON, departments=["a", "b"], password="s3cret-pass")
    signed = await auth.sign_in("li1", "s3cret-pass", ip="127.0.0.1")
    principal = await auth.resolve(signed.cookie)
    assert principal is not None
    assert (principal.name, principal.role, principal.departments) == (
        "li1", Role.LIAISON, frozenset({"a", "b"}),
    )  # fmt: skip
    assert principal.csrf_token == signed.principal.csrf_token


async def test_password_is_stored_as_argon2(auth: AuthService) -> None:
    user, _ = await auth.add_user("op1", Role.OPERATOR, password="pw-12345678")
    assert user.password_hash.startswith("$argon2id$")


async def test_five_failures_lock_that_name_from_that_address(
    auth: AuthService, clock: SteppedClock
) -> None:
    await auth.add_user("op1", Role.OPERATOR, password="right-pass")
    for _ in range(5):
        with pytest.raises(SignInFailed):
            await auth.sign_in("op1", "wrong", ip="10.0.0.1")
    with pytest.raises(SignInLocked):
        await auth.sign_in("op1", "right-pass", ip="10.0.0.1")
    # Another address is not locked out by someone else's guessing.
    await auth.sign_in("op1", "right-pass", ip="10.0.0.2")
    clock.advance(minutes=16)
    await auth.sign_in("op1", "right-pass", ip="10.0.0.1")


async def test_idle_session_expires_after_thirty_minutes(
    auth: AuthService, clock: SteppedClock
) -> None:
    await auth.add_user("op1", Role.OPERATOR, password="right-pass")
    signed = await auth.sign_in("op1", "right-pass", ip="x")
    clock.advance(minutes=29)
    assert await auth.resolve(signed.cookie) is not None  # activity keeps it alive
    clock.advance(minutes=29)
    assert await auth.resolve(signed.cookie) is not None
    clock.advance(minutes=31)
    assert await auth.resolve(signed.cookie) is None


async def test_sign_out_ends_the_session(auth: AuthService) -> None:
    await auth.add_user("op1", Role.OPERATOR, password="right-pass")
    signed = await auth.sign_in("op1", "right-pass", ip="x")
    await auth.sign_out(signed.principal)
    assert await auth.resolve(signed.cookie) is None


async def test_ensure_admin_creates_one_admin_once(auth: AuthService) -> None:
    password = await auth.ensure_admin()
    assert password is not None
    assert len(password) >= 12
    assert await auth.ensure_admin() is None
    await auth.sign_in("admin", password, ip="x")


async def test_duplicate_name_and_liaison_without_department_are_refused(auth: AuthService) -> None:
    await auth.add_user("op1", Role.OPERATOR)
    with pytest.raises(UserExists):
        await auth.add_user("op1", Role.OPERATOR)
    with pytest.raises(OrderInputInvalid):
        await auth.add_user("li9", Role.LIAISON)
