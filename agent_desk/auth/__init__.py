"""Desk users and roles: accounts, argon2 passwords, sessions, throttled sign-in."""

from agent_desk.auth.passwords import Passwords, one_time_password
from agent_desk.auth.roles import Principal, Role
from agent_desk.auth.service import AuthPolicy, AuthService, SignedIn

__all__ = [
    "AuthPolicy",
    "AuthService",
    "Passwords",
    "Principal",
    "Role",
    "SignedIn",
    "one_time_password",
]
