"""What the call flow needs from packages it does not own, as protocols.

The composition root passes in the implementations: the agent desk answers order
progress; routing queues callers for operators. Until a real implementation exists,
the defaults below keep the call flow whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OrderProgress:
    """What the IVR reads to a caller who asks for an order's progress (* number #)."""

    found: bool
    disclosed: bool  # False when the order exists but was filed from another number
    text: str  # the sentence to read out, in Chinese


class OrderProgressSource(Protocol):
    """Where the IVR looks up a work order's status for the caller who filed it."""

    async def progress(self, *, order_number: str, caller_number: str) -> OrderProgress: ...


class NoOrders:
    """The answer until work orders exist: no such order."""

    async def progress(self, *, order_number: str, caller_number: str) -> OrderProgress:
        return OrderProgress(
            found=False, disclosed=False, text=f"没有查到编号为{order_number}的工单。"
        )


class CallControl(Protocol):
    """What the desk may ask of the controller about a live call."""

    async def transfer_to_department(self, *, call_id: str, department_code: str) -> None: ...

    async def originate_callback(self, *, from_endpoint: str, to_number: str, note: str) -> str: ...
