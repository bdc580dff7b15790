"""The ARI controller: takes calls from the event stream and runs one flow task per call.

It resyncs after every reconnect: channels that vanished while the socket was down
are marked hung up so their flows end and write their records (ARI-NOTES: events are
dropped, never replayed, while the app is disconnected). On every connection it also
recovers calls a dead controller left in Stasis (ivr/recovery.py), for its own
application and for any application it adopted from a controller that died.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from ivr.ari import AriClient, AriError, ChannelDispatcher, EventStream, StasisStart
from ivr.checkpoints import CallCheckpoint
from ivr.flow.call_log import CallLog, log_from_state
from ivr.flow.context import FlowServices
from ivr.flow.flow import CallFlow
from ivr.flow.mailbox import MailboxFlow
from ivr.flow.profiles import profile_for
from ivr.flow.session import CallSession
from ivr.flow.states import CallState
from ivr.recovery import OWN_CHANNEL_ARGS, recover

logger = logging.getLogger(__name__)


class Controller:
    """Owns the event stream, the dispatcher and the running call flows."""

    def __init__(self, *, ari: AriClient, services: FlowServices) -> None:
        self.ari = ari
        self.services = services
        self.dispatcher = ChannelDispatcher(clock=services.clock)
        self.flows: dict[str, CallFlow | MailboxFlow] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stream: EventStream | None = None
        self._stream_created = asyncio.Event()
        self._adopted: dict[str, EventStream] = {}
        self.calls_started = 0
        self.calls_finished = 0

    @property
    def reconnects(self) -> int:
        """WebSocket reconnections so far."""
        return self._stream.reconnects if self._stream is not None else 0

    @property
    def connected(self) -> bool:
        return self._stream is not None and self._stream.connected

    async def run(self) -> None:
        """Connect and serve calls until cancelled."""
        self.dispatcher.on_stasis_start(self.ari.app, self._on_stasis_start)
        self._stream = self.ari.events(
            on_event=self.dispatcher.dispatch,
            on_reconnect=lambda: self._reconnected(self.ari.app),
            clock=None,
        )
        self._stream_created.set()
        first = asyncio.create_task(self._recover_when_connected(self._stream, self.ari.app))
        try:
            await self._stream.run()
        finally:
            first.cancel()
            await self._stream.close()
            for stream in self._adopted.values():
                await stream.close()

    async def adopt(self, app: str) -> None:
        """Serve `app` too: its controller died, its channels wait in Stasis."""
        if app == self.ari.app or app in self._adopted:
            return
        logger.warning("adopting application %s", app)
        self.dispatcher.on_stasis_start(app, self._on_stasis_start)
        stream = self.ari.events(
            app=app,
            on_event=self.dispatcher.dispatch,
            on_reconnect=lambda: self._reconnected(app),
            clock=None,
        )
        self._adopted[app] = stream
        task = asyncio.create_task(stream.run(), name=f"ari-events-{app}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await self._recover_when_connected(stream, app)

    @property
    def apps(self) -> list[str]:
        return [self.ari.app, *self._adopted]

    async def _recover_when_connected(self, stream: EventStream, app: str) -> None:
        await stream.wait_connected()
        await self._recover(app)

    async def _reconnected(self, app: str) -> None:
        await self.resync()
        await self._recover(app)

    async def _recover(self, app: str) -> None:
        try:
            await recover(self, app)
        except AriError as exc:
            logger.warning("recovery of %s failed: %s", app, exc)

    async def wait_connected(self) -> None:
        await self._stream_created.wait()
        assert self._stream is not None
        await self._stream.wait_connected()

    async def stop(self) -> None:
        """Hang up nothing; let running flows finish their records, then close lanes."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5.0)
        for task in set(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.dispatcher.close()

    async def idle(self) -> None:
        """Wait until no call is running (tests and `hotline call`)."""
        while self._tasks:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)

    async def _on_stasis_start(self, event: StasisStart) -> None:
        channel = event.channel
        if event.args and event.args[0] in OWN_CHANNEL_ARGS:
            return
        if channel.id in self.flows:
            return
        number = event.args[0] if event.args else channel.dialplan.exten
        self.start_call(channel_id=channel.id, number=number, caller=channel.caller.number,
                        answered=channel.state == "Up", app=event.application or None)  # fmt: skip

    def _session(self, channel_id: str, app: str | None) -> CallSession:
        return CallSession(
            ari=self.ari,
            dispatcher=self.dispatcher,
            clock=self.services.clock,
            channel_id=channel_id,
            app=app or self.ari.app,
            on_latency=self.services.on_latency,
        )

    def start_call(
        self, *, channel_id: str, number: str, caller: str, answered: bool, app: str | None = None
    ) -> CallFlow | MailboxFlow:
        services = self.services
        now = services.clock.now()
        session = self._session(channel_id, app)
        log = CallLog(
            call_id=uuid.uuid4().hex,
            channel_id=channel_id,
            hotline_number=number,
            caller_number=caller,
            started_at=now,
            site=services.site,
            platform=services.platforms.for_number(number, within=services.site),
            answered_at=now if answered else None,
        )
        flow: CallFlow | MailboxFlow
        if services.mailboxes is not None and number == services.mailbox_number:
            flow = MailboxFlow(
                session=session, services=services, mailboxes=services.mailboxes, log=log
            )
        else:
            flow = CallFlow(
                session=session, services=services, profile=profile_for(number), log=log
            )
        logger.info("%s: call to %s from %s", channel_id, number, caller or "unknown")
        self._launch(flow, answered)
        return flow

    def resume_call(self, checkpoint: CallCheckpoint, state: CallState) -> CallFlow:
        """Continue a checkpointed call (its controller died) from `state`."""
        session = self._session(checkpoint.channel_id, checkpoint.app)
        log = log_from_state(checkpoint.log)
        flow = CallFlow(
            session=session,
            services=self.services,
            profile=profile_for(log.hotline_number),
            log=log,
        )
        flow.restore(checkpoint, state)
        logger.info(
            "%s: resumed in %s (was %s)", checkpoint.channel_id, state.value, checkpoint.state
        )
        self._launch(flow, answered=True)
        return flow

    def _launch(self, flow: CallFlow | MailboxFlow, answered: bool) -> None:
        channel_id = flow.session.channel_id
        self.flows[channel_id] = flow
        self.calls_started += 1
        task = asyncio.create_task(self._run_flow(flow, answered), name=f"call-{channel_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_flow(self, flow: CallFlow | MailboxFlow, answered: bool) -> None:
        try:
            if not answered:
                try:
                    await self.ari.answer(flow.session.channel_id)
                    flow.log.answered_at = self.services.clock.now()
                except AriError as exc:
                    logger.info("%s: cannot answer: %s", flow.session.channel_id, exc)
                    flow.session.mark_hung_up()
            await flow.run()
        finally:
            self.flows.pop(flow.session.channel_id, None)
            self.calls_finished += 1

    async def resync(self) -> None:
        """After a reconnect: end the flows whose channels are gone."""
        try:
            alive = {channel.id for channel in await self.ari.list_channels()}
        except AriError as exc:
            logger.warning("resync failed: %s", exc)
            return
        for channel_id, flow in list(self.flows.items()):
            if channel_id not in alive:
                logger.info("%s: gone after reconnect", channel_id)
            try:
                await flow.session.resync(alive)
            except AriError as exc:
                logger.warning("%s: resync failed: %s", channel_id, exc)
        logger.info("resync: %d calls running, %d channels alive", len(self.flows), len(alive))
