"""What keeps the public form from being flooded: a proof of work (and a rate limit,
`agent_desk.intake.rate_limit`, counted in the database for every process).

`ProofOfWork` hands out challenges signed with a
key shared by every desk process (`agent_desk.shared_keys`), so it keeps no state until
one is spent; the browser must find a nonce whose SHA-256 of `challenge:nonce` starts with
`bits` zero bits (about 2**bits hashes, a fraction of a second in a phone's browser, a
real cost to a script posting thousands). A challenge is good for one submission within
`ttl_s`, in whichever process it arrives: spending one bumps its row of the rate counts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.intake.rate_limit import bump
from agent_desk.shared_keys import shared_key
from base.clock import Clock

KEY_NAME = "report-challenge"
SPENT_PREFIX = "spent|"


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str, bits: int) -> str:
    """The nonce a browser finds (for tests and scripts of our own)."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


class ProofOfWork:
    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, bits: int,
        ttl_s: float = 600.0,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._clock = clock
        self.bits = bits
        self._ttl = ttl_s
        self._key: bytes | None = None

    async def challenge(self) -> str:
        issued = f"{int(self._clock.now().timestamp())}.{secrets.token_hex(8)}"
        return f"{issued}.{await self._sign(issued)}"

    async def check(self, challenge: str, nonce: str) -> str | None:
        """None when the work is good (and spends the challenge), else why not."""
        issued, _, mac = challenge.rpartition(".")
        stamp = issued.partition(".")[0]
        if (not issued or not stamp.isascii() or not stamp.isdigit()
                or not hmac.compare_digest(mac, await self._sign(issued))):  # fmt: skip
            return "challenge-invalid"
        now = self._clock.now().timestamp()
        if now - int(stamp) > self._ttl:
            return "challenge-expired"
        if not (nonce.isascii() and nonce.isdigit() and len(nonce) <= 20):
            return "work-invalid"
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) < self.bits:
            return "work-invalid"
        async with self._sessions.begin() as session:
            uses = await bump(session, f"{SPENT_PREFIX}{challenge}", now=now, window_s=self._ttl)
        return "challenge-used" if uses > 1 else None

    async def _sign(self, text: str) -> str:
        if self._key is None:
            self._key = await shared_key(self._sessions, KEY_NAME)
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]
