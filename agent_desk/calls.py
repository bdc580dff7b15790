"""A caller's recent calls as the console shows them: when, the IVR path, where it ended."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.orders.scope import Scope, Visibility, scope_where
from agent_desk.timeutil import china
from ivr.call_records import CallRecord


def call_to_json(call: CallRecord) -> dict[str, object]:
    return {
        "id": call.id,
        "call_id": call.call_id,
        "hotline_number": call.hotline_number,
        "caller_number": call.caller_number,
        "started_at": china(call.started_at).isoformat(),
        "ended_at": china(call.ended_at).isoformat() if call.ended_at else None,
        "outcome": call.outcome,
        "reason": call.reason,
        "department_code": call.department_code,
        "platform": call.platform,
        "voicemail_id": call.voicemail_id,
        "talk_s": call.talk_s,
        "steps": list(call.steps or []),
    }


class CallHistory:
    """Reads `call_records` by caller number, newest first."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def recent(
        self, caller_number: str, *, limit: int = 10, visibility: Visibility = None
    ) -> list[CallRecord]:
        """The caller's calls the viewer's platforms hold (a call has no department scope:
        it is the hotline's, not a unit's)."""
        platforms = Scope(platforms=visibility.platforms) if visibility is not None else None
        async with self._sessions() as session:
            rows = await session.scalars(
                select(CallRecord)
                .where(CallRecord.caller_number == caller_number)
                .where(scope_where(platforms, None, CallRecord.platform))
                .order_by(CallRecord.started_at.desc(), CallRecord.id.desc())
                .limit(limit)
            )
            return list(rows.all())
