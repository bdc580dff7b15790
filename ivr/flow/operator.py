"""The operator hand-off used until routing's queue is wired in: the general mailbox."""

from __future__ import annotations

from ivr.flow.context import RunningCall
from ivr.flow.voicemail import leave_voicemail


class GeneralMailboxOperator:
    """No operator seats: the caller leaves a message in the hotline's general mailbox."""

    async def hand_off(self, flow: RunningCall) -> str:
        flow.voicemail_reason = "operator_unavailable"
        flow.voicemail_mailbox = None
        await leave_voicemail(flow)
        return flow.log.outcome if flow.log.outcome == "voicemail" else "abandoned"
