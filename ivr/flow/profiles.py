"""Per-number call profiles: what each hotline offers and what silence means.

114 and 96128 are switchboards: lookup and transfer first, silence gets one more
chance. 12345 is intake: GB/T 33358 advises no menu tree and an answer within 15 s, so
one short sentence offers the lookup and silence or 0 goes straight to an operator.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.prompts import Hotline, PromptCatalog


@dataclass(frozen=True, slots=True)
class HotlineProfile:
    """How one dialled number behaves."""

    number: str
    catalog: PromptCatalog
    silence_to_operator: bool
    first_timeout_s: float = 6.0
    inter_digit_timeout_s: float = 3.0
    max_choices: int = 5


def profile_for(number: str) -> HotlineProfile:
    """The profile of a dialled number; unknown numbers behave as the 114 switchboard."""
    if number == Hotline.CITIZEN_12345.value:
        return HotlineProfile(
            number=number, catalog=PromptCatalog(Hotline.CITIZEN_12345), silence_to_operator=True
        )
    if number == Hotline.INFORMATION_96128.value:
        return HotlineProfile(
            number=number,
            catalog=PromptCatalog(Hotline.INFORMATION_96128),
            silence_to_operator=False,
        )
    return HotlineProfile(
        number=number, catalog=PromptCatalog(Hotline.SWITCHBOARD_114), silence_to_operator=False
    )
