"""The report form's proof of work holds across desk processes: one key, one spend."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.intake import ProofOfWork, solve
from agent_desk.intake.guards import leading_zero_bits
from tests.agent_desk.conftest import SteppedClock

BITS = 8


def _guards(*factories: async_sessionmaker[AsyncSession], clock: SteppedClock) -> list[ProofOfWork]:
    return [ProofOfWork(sessions=f, clock=clock, bits=BITS, ttl_s=600) for f in factories]


async def test_a_challenge_from_one_process_is_good_once_in_any(
    sessions: async_sessionmaker[AsyncSession],
    second_process: async_sessionmaker[AsyncSession],
    clock: SteppedClock,
) -> None:
    one, two = _guards(sessions, second_process, clock=clock)
    challenge = await one.challenge()
    nonce = solve(challenge, BITS)
    assert await two.check(challenge, nonce) is None  # the other process knows the key
    assert await one.check(challenge, nonce) == "challenge-used"  # and both know it is spent
    assert await two.check(challenge, nonce) == "challenge-used"
    fresh = await two.challenge()
    assert await one.check(fresh, solve(fresh, BITS)) is None


async def test_parallel_spends_of_one_challenge_let_one_through(
    sessions: async_sessionmaker[AsyncSession],
    second_process: async_sessionmaker[AsyncSession],
    clock: SteppedClock,
) -> None:
    one, two = _guards(sessions, second_process, clock=clock)
    challenge = await one.challenge()
    nonce = solve(challenge, BITS)
    answers = await asyncio.gather(*((one, two)[i % 2].check(challenge, nonce) for i in range(20)))
    assert answers.count(None) == 1
    assert answers.count("challenge-used") == 19


async def test_forged_expired_and_undone_work_are_refused_without_spending(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    (guard,) = _guards(sessions, clock=clock)
    challenge = await guard.challenge()
    stamp, random, mac = challenge.split(".")
    forged = f"{int(stamp) + 1}.{random}.{mac}"
    assert await guard.check(forged, solve(forged, BITS)) == "challenge-invalid"
    assert await guard.check("١٢٣.ab.cd", "0") == "challenge-invalid"  # Unicode digits
    wrong = next(str(n) for n in range(1000) if str(n) != solve(challenge, BITS)
                 and not _good(challenge, n))  # fmt: skip
    assert await guard.check(challenge, wrong) == "work-invalid"
    assert await guard.check(challenge, solve(challenge, BITS)) is None  # not spent by those
    late = await guard.challenge()
    clock.advance(seconds=601)
    assert await guard.check(late, solve(late, BITS)) == "challenge-expired"


def _good(challenge: str, nonce: int) -> bool:
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    return leading_zero_bits(digest) >= BITS
