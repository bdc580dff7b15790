"""Helpers of the intake tests: a desk whose public intake has test settings, an SMTP sink."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiosmtpd.smtp import SMTP, Envelope, Session

from agent_desk.intake import ProofOfWork, PublicIntake, RateLimit
from tests.agent_desk.conftest import DeskHarness

SMS_SECRET = "webhook-secret-for-tests"
POW_BITS = 8  # cheap for the tests; the checks are the same at 16


def configure_intake(
    harness: DeskHarness, *, rate_limit: int = 5, bits: int = POW_BITS
) -> PublicIntake:
    """Give the harness's desk an SMS secret, a proof of work of `bits` and `rate_limit`."""
    current = harness.desk.intake
    assert current is not None
    public = dataclasses.replace(
        current,
        sms_secret=SMS_SECRET,
        proof_of_work=ProofOfWork(sessions=harness.sessions, clock=harness.clock, bits=bits),
        report_limit=RateLimit(
            sessions=harness.sessions,
            clock=harness.clock,
            name="report",
            limit=rate_limit,
            window_s=3600,
        ),
    )
    harness.desk.intake = public
    return public


class CollectingHandler:
    """An SMTP sink's handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 OK"


@asynccontextmanager
async def smtp_sink() -> AsyncIterator[tuple[int, CollectingHandler]]:
    """A real SMTP server (aiosmtpd) on a free loopback port, on this event loop."""
    import asyncio

    handler = CollectingHandler()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, loop=loop), "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], handler
    finally:
        server.close()
        await server.wait_closed()
