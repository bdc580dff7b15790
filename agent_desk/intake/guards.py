"""What keeps the public form from being flooded: a proof of work (and a rate limit,
`agent_desk.intake.rate_limit`, counted in the database for every process).

`ProofOfWork` hands out challenges signed with a
per-process key, so it keeps no state until one is spent; the browser must find a nonce
whose SHA-256 of `challenge:nonce` starts with `bits` zero bits (about 2**bits hashes,
a fraction of a second in a phone's browser, a real cost to a script posting thousands).
A challenge is good for one submission within `ttl_s`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from base.clock import Clock


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
    def __init__(self, *, clock: Clock, bits: int, ttl_s: float = 600.0) -> None:
        self._clock = clock
        self.bits = bits
        self._ttl = ttl_s
        self._key = secrets.token_bytes(32)
        self._spent: dict[str, float] = {}

    def challenge(self) -> str:
        issued = f"{int(self._clock.monotonic())}.{secrets.token_hex(8)}"
        return f"{issued}.{self._sign(issued)}"

    def check(self, challenge: str, nonce: str) -> str | None:
        """None when the work is good (and spends the challenge), else why not."""
        issued, _, mac = challenge.rpartition(".")
        stamp = issued.partition(".")[0]
        if not issued or not stamp.isdigit() or not hmac.compare_digest(mac, self._sign(issued)):
            return "challenge-invalid"
        now = self._clock.monotonic()
        if now - int(stamp) > self._ttl:
            return "challenge-expired"
        self._spent = {c: t for c, t in self._spent.items() if now - t <= self._ttl}
        if challenge in self._spent:
            return "challenge-used"
        if not (nonce.isascii() and nonce.isdigit() and len(nonce) <= 20):
            return "work-invalid"
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) < self.bits:
            return "work-invalid"
        self._spent[challenge] = now
        return None

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]
