"""Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>` with the endpoint's secret.

The timestamp travels in `X-Hotline-Timestamp` (Unix seconds) and is part of what is
signed, so a receiver that refuses old timestamps also refuses replayed requests.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hotline-Signature"
TIMESTAMP_HEADER = "X-Hotline-Timestamp"
EVENT_ID_HEADER = "X-Hotline-Event-Id"
EVENT_TYPE_HEADER = "X-Hotline-Event"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header: `sha256=` and the hex digest."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, sent: str) -> bool:
    """What a receiver does (the docs show the same in a few lines)."""
    if not timestamp.isdigit():
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), sent)
