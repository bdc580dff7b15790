"""argon2id password hashes, computed off the event loop (hashing is deliberately slow)."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Pronounceable enough to read out, no look-alikes (0/O, 1/l/I).
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Passwords:
    """Hashes and checks passwords; one hasher per process, built by the composition root."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    async def dummy_hash(self) -> str:
        """A hash of nothing anyone knows, with this hasher's cost: checking a password
        against it takes as long as against a real one, so unknown names answer no faster."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(24))
        return self._dummy

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(check)


def one_time_password(length: int = 14) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
