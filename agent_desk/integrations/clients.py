"""API clients: a department's system with a bearer token, scoped to that department.

Tokens are `hlc_` and 43 random URL-safe characters, shown once; the table keeps only
their SHA-256 (a high-entropy token needs no slow hash). Rotation makes a new token and
keeps the old one valid for an overlap the admin picks (default one hour, 0 = at once),
so a department can deploy the new secret without a gap; revocation ends every token of
the client at once. Each use stamps the last-use time and address shown to admins.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.auth import Principal, Role
from agent_desk.integrations.models import ApiClient
from agent_desk.orders import Scope, Visibility
from agent_desk.timeutil import china
from base.clock import Clock
from base.errors import HotlineError, InvalidInput, NotFound

TOKEN_PREFIX = "hlc_"
READ, WRITE = "read", "write"
SCOPE_SETS = {"read": frozenset({READ}), "write": frozenset({READ, WRITE})}
DEFAULT_OVERLAP = timedelta(hours=1)
MAX_OVERLAP = timedelta(days=7)
ACTOR_PREFIX = "api:"  # how a client's calls are named in the audit log and timelines


class ApiClientExists(HotlineError):
    status = 409
    code = "api-client-exists"


class ApiClientNotFound(NotFound):
    code = "api-client-not-found"


class ApiClientRevoked(HotlineError):
    status = 409
    code = "api-client-revoked"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def client_scopes(client: ApiClient) -> frozenset[str]:
    return frozenset(client.scopes.split())


def client_visibility(client: ApiClient) -> Visibility:
    """The orders a client sees: its department's. The hook for platform-scoped clients:
    once orders carry a platform, a client with a platform sees that platform's here."""
    return Scope(departments=frozenset({client.department_code}))


def client_principal(client: ApiClient) -> Principal:
    """A client acts as its unit's liaison (the same life-cycle rules and visibility),
    under its own name, with its scopes; it has no session and no CSRF token."""
    return Principal(
        user_id=0,
        name=f"{ACTOR_PREFIX}{client.name}",
        role=Role.LIAISON,
        departments=frozenset({client.department_code}),
        api_client_id=client.id,
        scopes=client_scopes(client),
    )


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A client with its new token: the token is in this answer only."""

    client: ApiClient
    token: str


def client_to_json(client: ApiClient, now: datetime) -> dict[str, object]:
    overlap = client.previous_valid_until
    previous_valid = overlap is not None and china(overlap) > now
    return {
        "id": client.id,
        "name": client.name,
        "department_code": client.department_code,
        "scopes": sorted(client_scopes(client)),
        "created_at": china(client.created_at).isoformat(),
        "created_by": client.created_by,
        "rotated_at": china(client.rotated_at).isoformat() if client.rotated_at else None,
        "previous_token_valid_until": china(overlap).isoformat()
        if overlap is not None and previous_valid
        else None,
        "revoked_at": china(client.revoked_at).isoformat() if client.revoked_at else None,
        "active": client.revoked_at is None,
        "last_used_at": china(client.last_used_at).isoformat() if client.last_used_at else None,
        "last_used_ip": client.last_used_ip,
    }


class ApiClients:
    """Creates, lists, rotates and revokes clients, and resolves bearer tokens."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def now(self) -> datetime:
        return china(self._clock.now())

    async def create(
        self, name: str, *, department_code: str, scope: str, actor: str
    ) -> IssuedToken:
        name = name.strip()
        if not name or len(name) > 64:
            raise InvalidInput("name must be 1 to 64 characters")
        if scope not in SCOPE_SETS:
            raise InvalidInput("scope must be read or write")
        token = new_token()
        now = self.now()
        async with self._sessions.begin() as session:
            if await session.scalar(select(ApiClient.id).where(ApiClient.name == name)):
                raise ApiClientExists(f"an API client named {name!r} exists")
            client = ApiClient(
                name=name, department_code=department_code,
                scopes=" ".join(sorted(SCOPE_SETS[scope])), token_hash=token_hash(token),
                created_at=now, created_by=actor, last_used_ip="",
            )  # fmt: skip
            session.add(client)
            await session.flush()
            audit.record(session, at=now, actor=actor, action="api-client.create",
                         target=name, detail=f"{department_code} {scope}")  # fmt: skip
        return IssuedToken(client=client, token=token)

    async def list(self) -> list[ApiClient]:
        async with self._sessions() as session:
            return list((await session.scalars(select(ApiClient).order_by(ApiClient.name))).all())

    async def rotate(
        self, client_id: int, *, actor: str, overlap: timedelta = DEFAULT_OVERLAP
    ) -> IssuedToken:
        if not timedelta(0) <= overlap <= MAX_OVERLAP:
            raise InvalidInput("the overlap must be from 0 to 7 days")
        token = new_token()
        now = self.now()
        async with self._sessions.begin() as session:
            client = await self._active(session, client_id)
            client.previous_token_hash = client.token_hash if overlap else None
            client.previous_valid_until = now + overlap if overlap else None
            client.token_hash = token_hash(token)
            client.rotated_at = now
            audit.record(session, at=now, actor=actor, action="api-client.rotate",
                         target=client.name, detail=f"overlap {overlap}")  # fmt: skip
        return IssuedToken(client=client, token=token)

    async def revoke(self, client_id: int, *, actor: str) -> ApiClient:
        now = self.now()
        async with self._sessions.begin() as session:
            client = await self._active(session, client_id)
            client.revoked_at = now
            client.previous_token_hash = None
            client.previous_valid_until = None
            audit.record(session, at=now, actor=actor, action="api-client.revoke",
                         target=client.name)  # fmt: skip
        return client

    async def find(self, name_or_id: str) -> ApiClient:
        async with self._sessions() as session:
            query = select(ApiClient).where(
                ApiClient.id == int(name_or_id) if name_or_id.isdigit() else
                ApiClient.name == name_or_id
            )  # fmt: skip
            client = await session.scalar(query)
        if client is None:
            raise ApiClientNotFound(f"no API client {name_or_id!r}")
        return client

    async def resolve(self, token: str, *, ip: str) -> ApiClient | None:
        """The active client of `token` (current, or previous within its overlap); stamps
        its last use. Checked against the database on every call: revocation is at once."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        hashed = token_hash(token)
        now = self.now()
        async with self._sessions.begin() as session:
            client = await session.scalar(
                select(ApiClient).where(
                    or_(ApiClient.token_hash == hashed, ApiClient.previous_token_hash == hashed)
                )
            )
            if client is None or client.revoked_at is not None:
                return None
            if client.token_hash != hashed:
                until = client.previous_valid_until
                if until is None or china(until) <= now:
                    return None
            client.last_used_at = now
            client.last_used_ip = ip[:64]
        return client

    @staticmethod
    async def _active(session: AsyncSession, client_id: int) -> ApiClient:
        client = await session.get(ApiClient, client_id)
        if client is None:
            raise ApiClientNotFound(f"no API client with id {client_id}")
        if client.revoked_at is not None:
            raise ApiClientRevoked(f"API client {client.name!r} is revoked")
        return client
