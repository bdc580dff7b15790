"""Schemathesis against /api/openapi.json, signed in as an administrator: every check
(`--checks all`: server errors, status codes, content types, response schemas, negative
and positive data) in every phase, stateful included, with a fixed seed so CI sees the
same cases; `HOTLINE_FUZZ_SEED` (make fuzz-api) explores with another one."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.agent_desk.conftest import DeskHarness

SCHEMATHESIS = Path(sys.executable).with_name("st")
CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = os.environ.get("HOTLINE_FUZZ_SEED", "20261124")
EXAMPLES = os.environ.get("HOTLINE_FUZZ_EXAMPLES", "30")


# A fixed count of requests: on a busy machine they take longer, not more.
@pytest.mark.timeout(420)
async def test_no_server_errors_under_generated_requests(
    harness: DeskHarness, database_url: str
) -> None:
    token = await harness.sign_in("admin1")
    cookie = next(c for c in harness.client.session.cookie_jar if c.key == "hotline_desk")
    base = str(harness.client.make_url("")).rstrip("/")
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{base}/api/openapi.json",
        "--url", base,
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", EXAMPLES,
        "--seed", SEED,
        # Would end the session or change its password half-way; tested on their own.
        "--exclude-path", "/api/auth/logout",
        "--exclude-path", "/api/auth/password",
        "--exclude-path", "/api/stats/live/stream",  # never ends by itself
        "-H", f"Cookie: hotline_desk={cookie.value}",
        "-H", f"X-CSRF-Token: {token}",
        "--no-color",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=360)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    assert "passed" in text.lower()
