"""Running the call controller: against a real Asterisk, or embedded with the simulator.

Both paths build the same controller; only where ARI lives and which clock runs differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from agent_desk import Desk, OrderProgressReader
from agent_desk.mailboxes import DeskMailboxes
from agent_desk.seats import SeatDesk
from agent_desk.stats.http import LIVE_SOURCE, STATS_TARGETS
from agent_desk.stats.live import LiveCallSource
from agent_desk.stats.targets import parse_targets
from base.clock import Clock
from hotline.access_log import RedactingAccessLogger
from hotline.bootstrap import Components, applying_journal
from hotline.desk_wiring import LiveCallControl, VoicemailFollowUp, notifications
from hotline.http import build_http_app, desk_for
from hotline.metrics_wiring import LiveReadings
from hotline.routing_wiring import (
    ALL_SEATS,
    Routing,
    home_site_id,
    operator_routing,
    own_store,
    platforms_for,
    routing_services,
)
from hotline.speech_wiring import build_speech
from ivr.ari import AriClient
from ivr.callbacks import CallbackDialer
from ivr.checkpoints import Checkpointer
from ivr.controller import Controller
from ivr.flow.context import FlowServices, OperatorHandoff, Voice
from ivr.flow.mailbox_prompts import MailboxPrompts
from ivr.flow.quality import CONSENT_PROMPT
from ivr.flow.speech_input import SpeechInput
from ivr.flow.survey import parse_survey_after
from ivr.metrics import build_metrics, metrics_routes
from ivr.ports import OrderProgressSource
from ivr.prompts import Hotline, PromptCatalog, PromptRenderer, PromptRenderError, prompt_routes
from ivr.simulator import RunningSimulator, start_simulator
from ivr.takeover import ControllerWatch
from ivr.voicemail_media import VoicemailAudioLinks, VoicemailTokens, voicemail_media_routes

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunningHotline:
    """What is running: the controller, the HTTP server's URL, the simulator if embedded."""

    controller: Controller
    http_url: str
    simulator: RunningSimulator | None
    renderer: PromptRenderer
    routing: Routing | None = None  # None when a hand-off other than the queue was passed
    desk: Desk | None = None
    call_control: CallbackDialer | None = None


@asynccontextmanager
async def serve_http(
    components: Components,
    renderer: PromptRenderer,
    *,
    host: str,
    port: int,
    desk: Desk | None = None,
    extra_routes: Sequence[web.RouteDef] = (),
    live: LiveCallSource | None = None,
) -> AsyncIterator[str]:
    """The HTTP API, desk and prompt files; yields the URL it listens on."""
    app = build_http_app(components, desk)
    app[STATS_TARGETS] = parse_targets(components.settings.stats_targets)
    if live is not None:
        app[LIVE_SOURCE] = live
    app.add_routes([*prompt_routes(renderer), *extra_routes])
    runner = web.AppRunner(app, handle_signals=False, access_log_class=RedactingAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    try:
        yield f"http://{bound_host}:{bound_port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def run_controller(
    components: Components,
    *,
    ari_url: str,
    clock: Clock,
    simulator: RunningSimulator | None = None,
    operator: OperatorHandoff | None = None,
    orders: OrderProgressSource | None = None,
    http_port: int | None = None,
    on_latency: Callable[[float], None] | None = None,
    routing: Routing | None = None,
    seat_plan: Mapping[str, int] | None = None,
    speech: SpeechInput | None = None,
) -> AsyncIterator[RunningHotline]:
    """Serve HTTP, connect to ARI and take calls until the block exits.

    Callers asking for an operator go to `operator`, else to routing's queue: `routing`
    when given (shared by several controllers), else built from the settings with the
    seats of `seat_plan` signed in (see hotline.routing_wiring).
    """
    settings = components.settings
    owns_speech = speech is None and bool(settings.vosk_model)
    if owns_speech:
        speech = await build_speech(settings.vosk_model, components.directory)
    renderer = PromptRenderer(
        data_dir=settings.data_dir,
        cache_dir=Path(settings.prompt_cache_dir) if settings.prompt_cache_dir else None,
    )
    port = settings.http_port if http_port is None else http_port
    desk = desk_for(components)
    readings = LiveReadings(clock)
    metrics = build_metrics(
        calls=readings.calls,
        reconnects=readings.reconnects,
        queue_lengths=readings.queue_lengths,
        seats=readings.seats,
        journal=components.journal.depth,
    )
    if speech is not None:
        speech.on_recognition = metrics.observe_recognition
    tokens = VoicemailTokens.with_random_key(clock)
    async with (
        serve_http(
            components,
            renderer,
            host=settings.http_host,
            port=port,
            desk=desk,
            extra_routes=[
                *metrics_routes(metrics, token=settings.metrics_token),
                *voicemail_media_routes(tokens, components.voicemail),
            ],
            live=readings,
        ) as http_url,
        AriClient(
            base_url=ari_url,
            username=settings.ari_user,
            password=settings.ari_password,
            app=settings.ari_app,
            on_request=metrics.on_ari_request,
        ) as ari,
        operator_routing(
            settings, clock=clock, sessions=components.sessions, operator=operator,
            routing=routing, seat_plan=seat_plan, journal=components.journal,
        ) as (handoff, live_routing),
        notifications(components) as notifier,
        # exits before the notifier: the journal's last follow-ups still reach it
        contextlib.AsyncExitStack() as stack,
    ):  # fmt: skip
        follow_up = VoicemailFollowUp(
            desk=desk,
            sessions=components.sessions,
            recognizer=speech.recognizer if speech is not None else None,
            notifier=notifier,
        )
        components.voicemail.add_intake(follow_up.orders.intake)
        components.voicemail.add_listener(follow_up)
        await stack.enter_async_context(applying_journal(components))
        checkpoint_store = live_routing.store if live_routing is not None else None
        if checkpoint_store is None and settings.redis_url:
            checkpoint_store = await stack.enter_async_context(own_store(settings, clock))
        checkpointer = Checkpointer(checkpoint_store) if checkpoint_store is not None else None
        services = FlowServices(
            clock=clock,
            directory=components.directory,
            voicemail=components.voicemail,
            recorder=components.call_recorder,
            voice=Voice(renderer=renderer, base_url=settings.public_url or http_url),
            orders=orders or OrderProgressReader(orders=desk.orders),
            operator=handoff,
            site=home_site_id(settings),
            platforms=platforms_for(settings),
            dial_timeout_s=settings.dial_timeout_s,
            reply_days=settings.voicemail_reply_days,
            on_latency=on_latency,
            speech=speech,
            checkpointer=checkpointer,
            mailboxes=DeskMailboxes.for_desk(desk),
            mailbox_number=settings.voicemail_access_number,
            voicemail_audio=VoicemailAudioLinks(
                tokens=tokens, base_url=settings.public_url or http_url
            ),
            outbound_trunk=settings.outbound_trunk,
            order_numbers=follow_up.orders,
            survey_after=parse_survey_after(settings.survey_after),
            quality=components.quality if settings.quality_recording else None,
            quality_consent=settings.quality_consent_prompt,
        )
        controller = Controller(ari=ari, services=services)
        readings.attach(controller, live_routing)
        task = asyncio.create_task(controller.run(), name="ari-controller")
        prerender = asyncio.create_task(_prerender(renderer), name="prompt-prerender")
        watch = (
            asyncio.create_task(
                ControllerWatch(store=checkpoint_store, controller=controller).run(),
                name="controller-watch",
            )
            if checkpoint_store is not None and settings.redis_url
            else None
        )
        try:
            await asyncio.wait_for(controller.wait_connected(), timeout=30)
            logger.info("controller connected to %s", ari_url)
            async with routing_services(
                live_routing, ari=ari, dispatcher=controller.dispatcher, clock=clock
            ) as call_control:
                desk.call_control = LiveCallControl(controller=controller, dialer=call_control)
                if live_routing is not None:
                    desk.seats = SeatDesk(
                        presence=live_routing.presence,
                        callbacks=live_routing.callbacks,
                        sites=live_routing.sites,
                        store=live_routing.store,
                    )
                yield RunningHotline(
                    controller=controller, http_url=http_url, simulator=simulator,
                    renderer=renderer, routing=live_routing, call_control=call_control, desk=desk,
                )  # fmt: skip
        finally:
            prerender.cancel()
            if watch is not None:
                watch.cancel()
            await controller.stop()
            if checkpointer is not None:
                await checkpointer.close()
            if speech is not None and owns_speech:
                await speech.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await renderer.aclose()


async def _prerender(renderer: PromptRenderer) -> None:
    """Render every fixed phrase ahead, so no caller waits for speech synthesis."""
    texts = {text for hotline in Hotline for text in PromptCatalog(hotline).fixed().values()}
    texts.update(MailboxPrompts().fixed().values())
    texts.add(CONSENT_PROMPT)
    try:
        await renderer.render_many(sorted(texts))
        logger.info("%d fixed prompts ready", len(texts))
    except PromptRenderError as exc:
        logger.error("cannot render prompts: %s", exc)


@asynccontextmanager
async def run_embedded(
    components: Components,
    *,
    clock: Clock,
    sim_port: int,
    http_port: int | None = None,
    operator: OperatorHandoff | None = None,
    seat_plan: Mapping[str, int] | None = ALL_SEATS,
    speech: SpeechInput | None = None,
) -> AsyncIterator[RunningHotline]:
    """The embedded default: the PBX simulator on loopback plus the controller.

    Seats are signed in by `seat_plan` (all of them by default) so callers reach someone;
    the simulator's seat endpoints answer with its default behaviour.
    """
    settings = components.settings
    simulator = await start_simulator(
        host="127.0.0.1",
        port=sim_port,
        clock=clock,
        recordings_dir=settings.data_dir / "asterisk" / "recording",
        users={settings.ari_user: settings.ari_password},
    )
    try:
        async with run_controller(
            components, ari_url=simulator.url, clock=clock, simulator=simulator,
            http_port=http_port, operator=operator, seat_plan=seat_plan, speech=speech,
        ) as running:  # fmt: skip
            yield running
    finally:
        await simulator.stop()
