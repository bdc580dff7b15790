"""The password policy: long enough, not the user's name, not a well-known password."""

from __future__ import annotations

from functools import cache
from importlib import resources

from base.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = "common_passwords.txt"


class PasswordRejected(InvalidInput):
    """A new password the policy refuses; the message says which rule."""

    code = "password-rejected"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of well-known passwords, lower-cased (read once per process)."""
    text = resources.files("agent_desk.auth").joinpath(COMMON_PASSWORDS_FILE).read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))


def check_password(password: str, *, user_name: str) -> None:
    """Raise PasswordRejected unless `password` may be the password of `user_name`."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"a password needs at least {MIN_LENGTH} characters",
                               details={"rule": "length"})  # fmt: skip
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"a password has at most {MAX_LENGTH} characters",
                               details={"rule": "length"})  # fmt: skip
    lowered = password.lower()
    name = user_name.strip().lower()
    if name and lowered in (name, name[::-1]):
        raise PasswordRejected("a password must not be the user name",
                               details={"rule": "user-name"})  # fmt: skip
    if lowered in common_passwords() or len(set(lowered)) < 3:
        raise PasswordRejected("this password is too common: choose another",
                               details={"rule": "common"})  # fmt: skip
