"""Sign-in throttling by atomic counters: an attempt is counted before it is checked.

Three counters per attempt, each in its own row of `desk_sign_in_attempts`:
- the name from this address (5 per window: the classic lockout, local to one address),
- the address across names (20: password spraying),
- the name across addresses (20: guessing from many addresses; higher than the pair so
  one stranger cannot lock a user out from everywhere with five guesses).

One upsert per key both creates and bumps the row and returns the new count; the
database serialises them, so of 100 parallel attempts exactly those numbered up to the
limit go on to the password check and the rest are refused unchecked. A good password
gives its attempt back (and clears the name-from-address row), so users who sign in
correctly never use up their address's allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.auth.models import SignInAttempts
from base.window_counter import bump_window

KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    per_name_and_address: int = 5
    per_address: int = 20
    per_name: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Reservation:
    """The keys one attempt was counted under, and whether any was over its limit."""

    pair: str
    address: str
    name: str
    over_limit: bool


def keys(name: str, ip: str) -> tuple[str, str, str]:
    return (f"pair|{name}|{ip}"[:KEY_LENGTH], f"addr|{ip}"[:KEY_LENGTH],
            f"name|{name}"[:KEY_LENGTH])  # fmt: skip


async def _bump(session: AsyncSession, key: str, now: float, window: float) -> int:
    """Count one attempt under `key`, starting a new window when the last one ended."""
    return await bump_window(
        session, key=SignInAttempts.key, count=SignInAttempts.attempts,
        ends=SignInAttempts.window_ends, value=key, now=now, window_s=window,
    )  # fmt: skip


async def reserve(
    session: AsyncSession, policy: ThrottlePolicy, *, name: str, ip: str, now: float
) -> Reservation:
    """Count this attempt under its three keys (the caller commits at once)."""
    pair, address, by_name = keys(name, ip)
    window = policy.window.total_seconds()
    counts = [await _bump(session, key, now, window) for key in (pair, address, by_name)]
    limits = (policy.per_name_and_address, policy.per_address, policy.per_name)
    over = any(count > limit for count, limit in zip(counts, limits, strict=True))
    return Reservation(pair=pair, address=address, name=by_name, over_limit=over)


async def give_back(session: AsyncSession, reservation: Reservation) -> None:
    """A good password: forget the pair's failures and uncount the attempt elsewhere."""
    await session.execute(delete(SignInAttempts).where(SignInAttempts.key == reservation.pair))
    await session.execute(
        update(SignInAttempts)
        .where(SignInAttempts.key.in_([reservation.address, reservation.name]))
        .where(SignInAttempts.attempts > 0)
        .values(attempts=SignInAttempts.attempts - 1)
    )
