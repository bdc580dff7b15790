"""Fixtures of the agent desk tests: a settable clock and the desk's services on a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from playwright.async_api import Browser, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import build_desk_app
from agent_desk.auth import AuthService, Passwords, Role
from agent_desk.desk import DESK, Desk
from agent_desk.notifier import Notifier
from agent_desk.orders import DeadlinePolicy, DeadlineTable, OrderService
from agent_desk.seats import SeatDesk
from base.clock import CHINA_TZ
from base.config import Settings
from base.workdays import WorkingCalendar
from directory import DirectoryRepository, DirectoryService, import_csv
from ivr.quality_models import QualityRecording
from routing import (
    DEFAULT_SITES_FILE,
    CallbackList,
    InMemoryStore,
    PlatformTree,
    Presence,
    load_sites,
    platform_tree,
)
from voicemail.models import Voicemail

START = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)  # a Tuesday


class SteppedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.current.timestamp()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


def fast_passwords() -> Passwords:
    # Cheap parameters: the tests check behaviour, not the hash's cost.
    return Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def notifier() -> Notifier:
    return Notifier()


@pytest.fixture
def orders(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock, notifier: Notifier
) -> OrderService:
    policy = DeadlinePolicy(table=DeadlineTable(), calendar=WorkingCalendar())
    return OrderService(sessions=sessions, clock=clock, deadlines=policy, notifier=notifier)


@pytest.fixture
def auth(sessions: async_sessionmaker[AsyncSession], clock: SteppedClock) -> AuthService:
    return AuthService(sessions=sessions, clock=clock, passwords=fast_passwords())


# --- the desk as a running HTTP application -------------------------------------------------

SAMPLE_DIRECTORY = (
    Path(__file__).resolve().parents[2] / "directory" / "data" / "sample_directory.csv"
)
PASSWORD = "correct-horse-9"
DEPT_A = "linjiang.gongan"
DEPT_B = "linjiang.gongan-huzheng"


class RecordingCallControl:
    """A call controller stand-in that records what the desk asked of it."""

    def __init__(self) -> None:
        self.transfers: list[tuple[str, str]] = []
        self.callbacks: list[tuple[str, str]] = []  # (from_endpoint, to_number)

    async def transfer_to_department(self, *, call_id: str, department_code: str) -> None:
        self.transfers.append((call_id, department_code))

    async def originate_callback(self, *, from_endpoint: str, to_number: str, note: str) -> str:
        self.callbacks.append((from_endpoint, to_number))
        return f"callback-{len(self.callbacks)}"


@dataclass
class DeskHarness:
    """A running desk app with one user per role and helpers to sign them in."""

    client: TestClient[web.Request, web.Application]
    desk: Desk
    clock: SteppedClock
    call_control: RecordingCallControl
    sessions: async_sessionmaker[AsyncSession]
    tokens: dict[str, str] = field(default_factory=dict)
    voicemails_added: int = 0

    async def sign_in(self, name: str) -> str:
        """Sign `name` in on this client's cookie jar; returns the CSRF token."""
        response = await self.client.post(
            "/api/auth/login", json={"name": name, "password": PASSWORD}
        )
        assert response.status == 200, await response.text()
        token: str = (await response.json())["csrf_token"]
        self.tokens[name] = token
        return token

    async def call(
        self, method: str, path: str, *, as_user: str, json: object | None = None
    ) -> ClientResponse:
        """One request as `as_user` (each user on its own cookie jar)."""
        self.client.session.cookie_jar.clear()
        token = await self.sign_in(as_user)
        headers = {"X-CSRF-Token": token}
        return await self.client.request(method, path, json=json, headers=headers)

    async def add_voicemail(self, department: str, *, caller: str = "13900000009",
                            audio: Path | None = None,
                            platform: str = "linjiang") -> int:  # fmt: skip
        self.voicemails_added += 1
        async with self.sessions() as session:
            voicemail = Voicemail(
                mailbox=department, department_code=department, caller_number=caller,
                platform=platform,
                hotline_number="12345", call_id=f"call-{caller}", recorded_at=self.clock.now(),
                duration_s=4.0, reason="busy", audio_path=str(audio or ""), empty=False,
                reply_due=date(2026, 12, 1), recording_name=f"vm-{self.voicemails_added}",
            )  # fmt: skip
            session.add(voicemail)
            await session.commit()
            return voicemail.id

    async def add_quality_recording(self, call_id: str, *, audio: Path) -> int:
        """A kept 质检 recording of `call_id` (as the journal's writer stores one)."""
        now = self.clock.now()
        async with self.sessions() as session:
            row = QualityRecording(
                call_id=call_id, kind="transfer", recording_name=f"quality/{call_id}-transfer",
                audio_path=str(audio), duration_s=12.0, started_at=now,
                retention_until=now + timedelta(days=180),
            )  # fmt: skip
            session.add(row)
            await session.commit()
            return row.id


USERS = {
    "op1": (Role.OPERATOR, ()),
    "li_a": (Role.LIAISON, (DEPT_A,)),
    "li_b": (Role.LIAISON, (DEPT_B,)),
    "sup1": (Role.SUPERVISOR, ()),
    "admin1": (Role.ADMIN, ()),
}


@pytest.fixture
def platforms() -> PlatformTree:
    """The sample's platform tree (临江市 with 清河县 under it); a module may override it."""
    return platform_tree(load_sites(DEFAULT_SITES_FILE), default="linjiang")


@pytest.fixture
def desk_settings() -> Settings:
    """The desk's settings (the defaults); a module may override it."""
    return Settings()


@pytest.fixture
async def harness(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock, platforms: PlatformTree,
    desk_settings: Settings,
) -> AsyncIterator[DeskHarness]:  # fmt: skip
    repository = DirectoryRepository(sessions)
    await import_csv(SAMPLE_DIRECTORY, repository)
    calendar = WorkingCalendar()
    directory = DirectoryService(repository=repository, calendar=calendar, home_city="临江市")
    await directory.reload()
    call_control = RecordingCallControl()
    app = build_desk_app(
        sessions=sessions, directory=directory, clock=clock, calendar=calendar,
        settings=desk_settings, call_control=call_control, passwords=fast_passwords(),
        platforms=platforms,
    )  # fmt: skip
    desk = app[DESK]
    sites = load_sites(DEFAULT_SITES_FILE)
    store = InMemoryStore(clock=clock)
    presence = Presence(store=store, sites=sites)
    await presence.define_seats()
    desk.seats = SeatDesk(presence=presence, callbacks=CallbackList(sessions=sessions, clock=clock),
                          sites=sites, store=store)  # fmt: skip
    for name, (role, departments) in USERS.items():
        await desk.auth.add_user(name, role, departments=departments, password=PASSWORD)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield DeskHarness(client=client, desk=desk, clock=clock, call_control=call_control,
                          sessions=sessions)  # fmt: skip


# Real headless Chromium from Debian (playwright cannot download its own here).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_PRESENT = Path(CHROMIUM).exists()
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


@pytest.fixture
async def browser(database_url: str) -> AsyncIterator[Browser]:
    """Chromium for browser tests, which run once, on SQLite."""
    if not database_url.startswith("sqlite"):
        pytest.skip("browser tests run once, on SQLite")
    if not CHROMIUM_PRESENT:
        pytest.skip("chromium is not installed")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()
