"""What happens after a voicemail is kept, and the desk's view of live calls.

A new voicemail joins (or opens) a work order with its reply deadline, gets a transcript
when a speech model is configured, and is announced on the desk's live feed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import Desk, VoicemailOrders
from ivr.speech import SpeechRecognizer, transcribe_voicemail
from voicemail import Voicemail, VoicemailInfo

logger = logging.getLogger(__name__)


class VoicemailFollowUp:
    """A `VoicemailListener`: the order for the message, then its transcript."""

    def __init__(
        self,
        *,
        desk: Desk,
        sessions: async_sessionmaker[AsyncSession],
        recognizer: SpeechRecognizer | None = None,
    ) -> None:
        self._orders = VoicemailOrders(
            sessions=sessions, orders=desk.orders, directory=desk.directory, notifier=desk.notifier
        )
        self._sessions = sessions
        self._recognizer = recognizer

    async def voicemail_saved(self, voicemail: VoicemailInfo) -> None:
        order = await self._orders.order_for_voicemail(voicemail.id)
        logger.info("voicemail %d filed on order %s", voicemail.id, order.number)
        if self._recognizer is None or voicemail.empty or not voicemail.audio_path:
            return
        text = await transcribe_voicemail(self._recognizer, Path(voicemail.audio_path))
        if text is None:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(Voicemail).where(Voicemail.id == voicemail.id).values(transcript=text)
            )
