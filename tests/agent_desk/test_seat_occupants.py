"""Who sits at which seat: one table for the console and the seat-state rules, races decided by
its unique constraints, and the migration that folded the console's table into it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.auth import AuthService, Role
from agent_desk.seat_occupants import SeatOccupants, SeatSitting, SeatTaken
from agent_desk.timeutil import china
from base.database import create_engine, create_session_factory
from hotline.migrate import downgrade, upgrade_async
from tests.agent_desk.conftest import PASSWORD, START, DeskHarness, SteppedClock, fast_passwords

# The two tables as revision 0021 left them.
OCCUPANTS_0021 = sa.table("desk_seat_occupants", sa.column("seat_id", sa.String()),
                          sa.column("user_id", sa.Integer()),
                          sa.column("since", sa.DateTime(timezone=True)))  # fmt: skip
SEAT_USERS_0021 = sa.table("desk_seat_users", sa.column("seat_id", sa.String()),
                           sa.column("user_name", sa.String()),
                           sa.column("site", sa.String()),
                           sa.column("since", sa.DateTime(timezone=True)))  # fmt: skip


async def _operators(auth: AuthService, count: int) -> list[int]:
    return [(await auth.add_user(f"op-{n}", Role.OPERATOR, password=PASSWORD))[0].id
            for n in range(count)]  # fmt: skip


@pytest.mark.parametrize("way", ["move", "claim"])
async def test_of_sign_ins_racing_for_one_seat_exactly_one_wins(
    sessions: async_sessionmaker[AsyncSession], auth: AuthService, way: str
) -> None:
    occupants = SeatOccupants(sessions)
    users = await _operators(auth, 6)
    sit = occupants.move if way == "move" else occupants.claim
    results = await asyncio.gather(*(sit("lj-01", user, at=START) for user in users),
                                   return_exceptions=True)  # fmt: skip
    refused = [r for r in results if isinstance(r, SeatTaken)]
    assert len(refused) == len(users) - 1, results
    assert {r.details["seat"] for r in refused} == {"lj-01"}
    winner = users[next(i for i, r in enumerate(results) if not isinstance(r, BaseException))]
    assert await occupants.everyone() == {"lj-01": winner}
    assert await occupants.seat_of(winner) == "lj-01"


async def test_one_user_racing_into_two_seats_ends_up_in_one(
    sessions: async_sessionmaker[AsyncSession], auth: AuthService
) -> None:
    occupants = SeatOccupants(sessions)
    (user,) = await _operators(auth, 1)
    claims = await asyncio.gather(occupants.claim("lj-01", user, at=START),
                                  occupants.claim("lj-02", user, at=START),
                                  return_exceptions=True)  # fmt: skip
    assert sum(isinstance(r, SeatTaken) for r in claims) == 1, claims
    await occupants.leave(user, at=START)
    await asyncio.gather(occupants.move("lj-03", user, at=START),
                         occupants.move("lj-04", user, at=START),
                         return_exceptions=True)  # fmt: skip
    seated = await occupants.everyone()
    assert list(seated.values()) == [user]
    assert set(seated) <= {"lj-03", "lj-04"}


async def test_a_user_moving_to_a_second_seat_leaves_the_first(
    sessions: async_sessionmaker[AsyncSession], auth: AuthService
) -> None:
    occupants = SeatOccupants(sessions)
    first, second = await _operators(auth, 2)
    assert await occupants.move("lj-01", first, at=START) is None
    assert await occupants.move("lj-01", first, at=START) == "lj-01"  # already there
    assert await occupants.move("lj-02", first, at=START) == "lj-01"
    assert await occupants.everyone() == {"lj-02": first}
    # Taking a second seat without leaving the first (the seat-state route) is refused.
    with pytest.raises(SeatTaken):
        await occupants.claim("lj-03", first, at=START)
    with pytest.raises(SeatTaken, match="taken by op-0"):
        await occupants.move("lj-02", second, at=START)
    assert await occupants.leave(first, at=START) == "lj-02"
    assert await occupants.leave(first, at=START) is None
    assert await occupants.move("lj-02", second, at=START) is None
    assert await occupants.occupant("lj-02") == second


async def test_every_sitting_is_kept_with_when_it_began_and_ended(
    sessions: async_sessionmaker[AsyncSession], auth: AuthService
) -> None:
    occupants = SeatOccupants(sessions)
    first, second = await _operators(auth, 2)
    minute = timedelta(minutes=1)
    await occupants.claim("lj-01", first, at=START)
    await occupants.move("lj-02", first, at=START + minute)  # moves: two sittings
    await occupants.move("lj-01", second, at=START + 2 * minute)
    await occupants.release("lj-01", at=START + 3 * minute)  # a supervisor signs it out
    await occupants.leave(first, at=START + 4 * minute)
    await occupants.claim("lj-03", second, at=START + 5 * minute)  # still sitting
    async with sessions() as session:
        rows = (await session.execute(
            sa.select(SeatSitting.user_id, SeatSitting.seat_id, SeatSitting.started,
                      SeatSitting.ended).order_by(SeatSitting.id)
        )).all()  # fmt: skip
    minutes = [(u, seat, (china(a) - START) / minute,
                None if b is None else (china(b) - START) / minute)
               for u, seat, a, b in rows]  # fmt: skip
    assert minutes == [
        (first, "lj-01", 0, 1), (first, "lj-02", 1, 4),
        (second, "lj-01", 2, 3), (second, "lj-03", 5, None),
    ]  # fmt: skip


async def test_a_seat_taken_at_the_console_is_the_one_the_seat_rules_know(
    harness: DeskHarness,
) -> None:
    await harness.desk.auth.add_user("op2", Role.OPERATOR, password=PASSWORD)
    sat = await harness.call("POST", "/api/my-seat", as_user="op1", json={"seat_id": "lj-04"})
    assert sat.status == 200, await sat.text()
    other = await harness.call("POST", "/api/seats/lj-04/state", as_user="op2",
                               json={"state": "break"})  # fmt: skip
    assert (other.status, (await other.json())["error"]["code"]) == (403, "seat-not-yours")
    seats = await (await harness.call("GET", "/api/seats", as_user="op1")).json()
    lj04 = next(s for site in seats["sites"] for s in site["seats"] if s["id"] == "lj-04")
    assert (lj04["occupied"], lj04["mine"]) == (True, True)
    assert harness.desk.seats is not None
    entry = await harness.desk.seats.callbacks.add(caller="13900000077", site="linjiang",
                                                   hotline_number="12345", call_id="c-1",
                                                   reason="abandoned")  # fmt: skip
    assert entry is not None
    called = await harness.call("POST", f"/api/callbacks/{entry.id}/call", as_user="op1")
    assert called.status == 202, await called.text()
    assert harness.call_control.callbacks == [("PJSIP/seat-lj-04", "13900000077")]
    # ...and a seat taken through the seat-state route is the console's seat too.
    taken = await harness.call("POST", "/api/seats/lj-05/state", as_user="op2",
                               json={"state": "available"})  # fmt: skip
    assert taken.status == 200
    mine = await (await harness.call("GET", "/api/my-seat", as_user="op2")).json()
    assert mine["seat"]["id"] == "lj-05"
    assert "lj-05" not in [seat["id"] for seat in mine["free"]]
    refused = await harness.call("POST", "/api/my-seat", as_user="op1", json={"seat_id": "lj-05"})
    assert (refused.status, (await refused.json())["error"]["code"]) == (409, "seat-taken")
    # A supervisor signing the seat out frees it for the console as well.
    off = await harness.call("POST", "/api/seats/lj-05/state", as_user="sup1",
                             json={"state": "offline"})  # fmt: skip
    assert off.status == 200
    assert (await (await harness.call("GET", "/api/my-seat", as_user="op2")).json())["seat"] is None


async def test_the_migration_moves_console_seats_the_newest_winning(
    empty_database_url: str, clock: SteppedClock
) -> None:
    await upgrade_async(empty_database_url, "0021")
    engine = create_engine(empty_database_url)
    sessions = create_session_factory(engine)
    auth = AuthService(sessions=sessions, clock=clock, passwords=fast_passwords())
    ids = {name: (await auth.add_user(name, Role.OPERATOR, password=PASSWORD))[0].id
           for name in ("alice", "bob", "carol", "dave")}  # fmt: skip
    earlier, later = START, START + timedelta(minutes=5)
    async with sessions.begin() as session:
        await session.execute(sa.insert(OCCUPANTS_0021), [
            {"seat_id": "lj-02", "user_id": ids["bob"], "since": earlier},  # carol sat later
            {"seat_id": "lj-03", "user_id": ids["dave"], "since": later},  # dave's newest seat
        ])  # fmt: skip
        await session.execute(sa.insert(SEAT_USERS_0021), [
            {"seat_id": seat, "user_name": name, "site": "linjiang", "since": since}
            for seat, name, since in (("lj-01", "alice", earlier),  # only the console's
                                      ("lj-02", "carol", later), ("lj-04", "dave", earlier),
                                      ("lj-05", "gone", later))  # no such account
        ])  # fmt: skip
    await engine.dispose()
    await upgrade_async(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        seated = await SeatOccupants(create_session_factory(engine)).everyone()
        assert seated == {"lj-01": ids["alice"], "lj-02": ids["carol"], "lj-03": ids["dave"]}
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: sa.inspect(c).get_table_names())
        assert "desk_seat_users" not in tables
    finally:
        await engine.dispose()
    await asyncio.to_thread(downgrade, empty_database_url, "0021")
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.text("SELECT * FROM desk_seat_users"))).all()
            kept = await connection.execute(sa.text("SELECT seat_id FROM desk_seat_occupants"))
            assert (rows, sorted(kept.scalars())) == ([], ["lj-01", "lj-02", "lj-03"])
    finally:
        await engine.dispose()
