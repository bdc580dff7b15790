"""The states of a call and the log line of each transition (`Transition: A -> why -> B`)."""

from __future__ import annotations

import logging
from enum import Enum

logger = logging.getLogger(__name__)


class CallState(Enum):
    """Where a call is in the IVR."""

    GREETING = "greeting"
    LOOKUP = "lookup"
    CHOOSE = "choose"
    ANNOUNCE = "announce"
    TRANSFER = "transfer"
    VOICEMAIL = "voicemail"
    OPERATOR = "operator"
    EMERGENCY = "emergency"
    ORDER_STATUS = "order_status"
    RESUME_BRIDGE = "resume_bridge"  # crash recovery: a bridged call taken over
    RESUME_RECORDING = "resume_recording"  # crash recovery: a voicemail being recorded
    ENDED = "ended"


def log_transition(channel_id: str, before: CallState, reason: str, after: CallState) -> None:
    logger.info("%s: Transition: %s -> %s -> %s", channel_id, before.value, reason, after.value)
