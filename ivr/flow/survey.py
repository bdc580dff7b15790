"""The after-call survey: a caller still on the line rates the service with 1 to 5.

Offered after the moments each hotline number is configured for — a transfer whose
other side hung up, an operator call, a voicemail — and only to a caller who stayed on
the line. A key 1-5 is the rating (on the call record; the desk copies it onto the
call's order); no key, or another key, is no rating rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping

from base.config import ConfigError
from ivr.flow.context import RunningCall

TRANSFER = "transfer"
OPERATOR = "operator"
VOICEMAIL = "voicemail"
MOMENTS = frozenset({TRANSFER, OPERATOR, VOICEMAIL})
RATINGS = "12345"
ANSWER_WITHIN_S = 6.0


class SurveyConfigError(ConfigError):
    """The survey setting names an unknown moment or is not `number=moment,…;…`."""


def parse_survey_after(text: str) -> dict[str, frozenset[str]]:
    """`12345=transfer,operator;114=operator` → {"12345": {...}, "114": {...}}."""
    offered: dict[str, frozenset[str]] = {}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        number, sep, moments = part.partition("=")
        if not sep or not number.strip().isdigit():
            raise SurveyConfigError(f"survey_after: {part!r} is not number=moment,moment")
        chosen = frozenset(m.strip() for m in moments.split(",") if m.strip())
        unknown = chosen - MOMENTS
        if unknown:
            known = ", ".join(sorted(MOMENTS))
            raise SurveyConfigError(
                f"survey_after: unknown moment {', '.join(sorted(unknown))} (known: {known})"
            )
        offered[number.strip()] = chosen
    return offered


def is_offered(survey_after: Mapping[str, frozenset[str]], number: str, moment: str) -> bool:
    return moment in survey_after.get(number, frozenset())


async def offer_survey(flow: RunningCall, moment: str) -> None:
    """Ask for a rating if this number offers one after `moment`; CallerHungUp propagates."""
    if not is_offered(flow.services.survey_after, flow.profile.number, moment):
        return
    catalog = flow.profile.catalog
    flow.session.clear_digits()  # keys pressed while talking are not a rating
    key = await flow.ask(
        catalog.text("survey"), max_digits=1, stop_on="", first_timeout_s=ANSWER_WITHIN_S
    )
    if key and key in RATINGS:
        flow.log.survey_rating = int(key)
        flow.step("survey", after=moment, rating=int(key))
        await flow.say(catalog.text("survey_thanks"))
    else:
        flow.step("survey", after=moment, rating=None)
