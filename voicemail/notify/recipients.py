"""Who hears about voicemails: a department's liaisons, and the supervisors for the digest.

The lead backs `RecipientDirectory` with the desk's users; `InMemoryRecipients` serves
tests and the demo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person to notify; an empty `email` or `phone` means "not by that means"."""

    name: str
    email: str = ""
    phone: str = ""


class RecipientDirectory(Protocol):
    async def liaisons(self, department_code: str | None) -> Sequence[Recipient]:
        """The people who answer this department's mailbox (None: the general mailbox)."""
        ...

    async def supervisors(self) -> Sequence[Recipient]:
        """The people who receive the daily digest of overdue replies."""
        ...


class InMemoryRecipients:
    """A fixed `RecipientDirectory`; the general mailbox is under the key "general"."""

    def __init__(
        self,
        liaisons: Mapping[str, Sequence[Recipient]],
        supervisors: Sequence[Recipient] = (),
    ) -> None:
        self._liaisons = {code: tuple(people) for code, people in liaisons.items()}
        self._supervisors = tuple(supervisors)

    async def liaisons(self, department_code: str | None) -> Sequence[Recipient]:
        return self._liaisons.get(department_code or "general", ())

    async def supervisors(self) -> Sequence[Recipient]:
        return self._supervisors
