"""Roles and the signed-in principal the rest of the desk reasons about."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"  # 话务员
    LIAISON = "liaison"  # 联络员: bound to departments
    SUPERVISOR = "supervisor"  # 督办/班长
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is making a request: their user, role and (for liaisons) departments."""

    user_id: int
    name: str
    role: Role
    departments: frozenset[str]
    session_id: str = ""
    csrf_token: str = ""
    must_change_password: bool = False  # a one-time password: only changing it is allowed
    platform: str | None = None  # the platform they work for; None: every platform
    platforms: frozenset[str] | None = None  # it and the platforms below it (what they see)
    # Set for a department's system calling with a bearer token (agent_desk.integrations):
    # its client id and scopes ("read", "write"); no session, no CSRF token.
    api_client_id: int | None = None
    scopes: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.user_id,
            "name": self.name,
            "role": self.role.value,
            "departments": sorted(self.departments),
            "must_change_password": self.must_change_password,
            "platform": self.platform,
        }
