"""`hotline call NUMBER …`: place one call on a simulator and print its call record.

It uses the running simulator (from `hotline up`) when one answers on HOTLINE_SIM_PORT,
otherwise it starts a private one with the controller, on a fast simulated clock.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from base.clock import CHINA_TZ, ScaledClock
from base.config import Settings
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError, print_json
from hotline.routing_wiring import sites_file
from hotline.runtime import run_embedded
from ivr.flow.call_log import CallRecorder
from routing import load_sites

PRIVATE_SPEED = 40.0
BEHAVIOURS = ("answer", "busy", "noanswer", "unavailable", "congestion")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("call", help="place one call on a simulator and print its record")
    parser.add_argument("number", help="the hotline number dialled, e.g. 114, 12345, 96128")
    parser.add_argument("--from", dest="caller", default="13800000001", help="caller id")
    parser.add_argument("--keys", default="", help="keys to press: digits, #, *, ',' = 1 s pause")
    parser.add_argument("--say", type=Path, help="a WAV file the caller speaks")
    parser.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="ENDPOINT=BEHAVIOUR",
        help="answer, answer:SECONDS, busy, noanswer, unavailable, congestion",
    )
    parser.add_argument(
        "--seats",
        action="append",
        default=[],
        metavar="SITE=N",
        help="sign in N seats of SITE (the others stay offline); unnamed sites: all seats",
    )
    parser.add_argument("--at", help="simulated date and time, ISO 8601 (default: now)")
    parser.add_argument("--hangup-after", type=float, default=300.0, help="caller hangs up (s)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_call)


def parse_endpoints(items: list[str]) -> dict[str, str]:
    endpoints: dict[str, str] = {}
    for item in items:
        endpoint, sep, behaviour = item.partition("=")
        if not sep or "/" not in endpoint or behaviour.partition(":")[0] not in BEHAVIOURS:
            raise CommandError(
                f"--endpoint {item!r}: expected TECH/resource=BEHAVIOUR", exit_code=2
            )
        endpoints[endpoint] = behaviour
    return endpoints


def parse_seats(items: list[str]) -> dict[str, int]:
    plan: dict[str, int] = {}
    for item in items:
        site, sep, count = item.partition("=")
        if not sep or not site or not count.isdigit():
            raise CommandError(f"--seats {item!r}: expected SITE=N, e.g. linjiang=2", exit_code=2)
        plan[site] = int(count)
    return plan


def parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at {text!r} is not an ISO date and time", exit_code=2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


def build_script(keys: str, say: Path | None) -> list[dict[str, Any]]:
    if keys.strip(",").strip("0123456789#*,"):
        raise CommandError(f"--keys {keys!r}: only digits, #, * and ',' are allowed", exit_code=2)
    script: list[dict[str, Any]] = []
    if say is not None:
        if not say.is_file():
            raise CommandError(f"--say {say}: no such file", exit_code=2)
        script.append({"at": 1.0, "say": str(say.resolve())})
    if keys:
        script.append({"at": 1.0, "dtmf": keys})
    return script


def _call(args: argparse.Namespace, settings: Settings) -> int:
    if "HOTLINE_LOG_LEVEL" not in os.environ:
        logging.getLogger().setLevel(logging.WARNING)  # keep the output to the record
    endpoints = parse_endpoints(args.endpoint)
    args.seat_plan = parse_seats(args.seats)
    known = {site.id for site in load_sites(sites_file(settings)).sites}
    if unknown := sorted(set(args.seat_plan) - known):
        raise CommandError(
            f"--seats: no site {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            exit_code=2,
        )
    at = parse_at(args.at)
    script = build_script(args.keys, args.say)
    record = asyncio.run(_place(settings, args, endpoints, at, script))
    if args.json:
        print_json(record)
    else:
        print(_describe(record))
    return 0 if record["outcome"] != "failed" else 1


async def _place(
    settings: Settings,
    args: argparse.Namespace,
    endpoints: dict[str, str],
    at: datetime | None,
    script: list[dict[str, Any]],
) -> dict[str, Any]:
    sim_url = f"http://127.0.0.1:{settings.sim_port}"
    if await _running(sim_url):
        if args.seat_plan:
            raise CommandError(
                "--seats needs a private simulator: a running `hotline up` keeps its own seats",
                exit_code=2,
            )
        return await _place_on_running(settings, sim_url, args, endpoints, at, script)
    clock = ScaledClock(start=at, speed=PRIVATE_SPEED)
    async with (
        build_components(settings, clock=clock) as components,
        run_embedded(
            components, clock=clock, sim_port=0, http_port=0, seat_plan=args.seat_plan
        ) as running,
    ):
        assert running.simulator is not None
        sim = running.simulator.simulator
        for endpoint, behaviour in endpoints.items():
            sim.set_endpoint(endpoint, behaviour)
        call = sim.place_call(
            args.number, caller=args.caller, script=script, hangup_after=args.hangup_after
        )
        return await _wait_for_record(components.call_recorder, call.channel_id)


async def _running(sim_url: str) -> bool:
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as http,
            http.get(f"{sim_url}/sim/clock") as response,
        ):
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def _place_on_running(
    settings: Settings,
    sim_url: str,
    args: argparse.Namespace,
    endpoints: dict[str, str],
    at: datetime | None,
    script: list[dict[str, Any]],
) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        for endpoint, behaviour in endpoints.items():
            encoded = endpoint.replace("/", "%2F")
            async with http.put(
                f"{sim_url}/sim/endpoints/{encoded}", json={"behaviour": behaviour}
            ):
                pass
        if at is not None:
            async with http.put(f"{sim_url}/sim/clock", json={"now": at.isoformat()}):
                pass
        body = {"number": args.number, "caller": args.caller, "script": script,
                "hangup_after": args.hangup_after}  # fmt: skip
        async with http.post(f"{sim_url}/sim/calls", json=body) as response:
            if response.status != 201:
                raise CommandError(f"the simulator refused the call: {await response.text()}")
            placed = await response.json()
    async with build_components(settings, load_directory=False) as components:
        return await _wait_for_record(components.call_recorder, str(placed["channel_id"]))


async def _wait_for_record(recorder: CallRecorder, channel_id: str) -> dict[str, Any]:
    async with asyncio.timeout(600):
        while True:
            record = await recorder.by_channel(channel_id)
            if record is not None:
                return record
            await asyncio.sleep(0.1)


def _describe(record: dict[str, Any]) -> str:
    lines = [
        f"outcome: {record['outcome']}" + (f" ({record['reason']})" if record["reason"] else "")
    ]
    if record["department"]:
        lines.append(f"department: {record['department']}")
    for dial in record["dials"]:
        lines.append(f"dialled {dial['endpoint']}: {dial['dialstatus']}")
    if record["voicemail"]:
        lines.append(f"voicemail: {record['voicemail']}")
    if record.get("seat"):
        overflow = f", overflowed to {record['overflow_to']}" if record.get("overflow_to") else ""
        lines.append(f"operator seat: {record['seat']} after {record['queue_wait_s']} s{overflow}")
    lines.append("path: " + " → ".join(str(s["step"]) for s in record["steps"]))
    return "\n".join(lines)
