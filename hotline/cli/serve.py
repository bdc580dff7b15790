"""`hotline serve`: the HTTP API alone, on the configured address."""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiohttp import web

from base import event_loop
from base.config import Settings
from base.heap import settle_after_startup
from hotline.access_log import RedactingAccessLogger
from hotline.bootstrap import build_components
from hotline.http import build_http_app

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="serve the HTTP API only")
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    event_loop.run(serve_http(settings), event_loop=settings.event_loop)
    return 0


async def serve_http(settings: Settings) -> None:
    async with build_components(settings) as components:
        runner = web.AppRunner(build_http_app(components), access_log_class=RedactingAccessLogger)
        await runner.setup()
        site = web.TCPSite(runner, settings.http_host, settings.http_port)
        await site.start()
        print(f"hotline HTTP API on http://{settings.http_host}:{settings.http_port}/", flush=True)
        settle_after_startup()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
