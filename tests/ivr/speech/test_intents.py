"""SpeechRouter: command words win in order emergency > operator > voicemail, else a lookup."""

from __future__ import annotations

import pytest

from directory import MatchTarget
from ivr.speech import (
    Intent,
    IntentKind,
    Recognition,
    RecognizedWord,
    SpeechGrammar,
    SpeechRouter,
    join_words,
)

TARGETS = [MatchTarget("gaj", "公安局", "", ("派出所",), "临江市")]


def heard(*words: str, confidence: float = 0.9, accepted: bool = True) -> Recognition:
    return Recognition(
        text=join_words(words),
        words=tuple(
            RecognizedWord(w, confidence, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(words)
        ),
        confidence=confidence,
        duration_s=2.0,
        elapsed_s=0.04,
        accepted=accepted,
    )


@pytest.fixture
def router() -> SpeechRouter:
    return SpeechRouter(SpeechGrammar(TARGETS))


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        (("转", "人工"), IntentKind.OPERATOR),
        (("人工",), IntentKind.OPERATOR),
        (("留言",), IntentKind.VOICEMAIL),
        (("救命",), IntentKind.EMERGENCY),
        (("着火", "了"), IntentKind.EMERGENCY),
        (("报警", "人工"), IntentKind.EMERGENCY),
        (("人工", "留言"), IntentKind.OPERATOR),
    ],
)
def test_command_words(router: SpeechRouter, words: tuple[str, ...], kind: IntentKind) -> None:
    intent = router.route(heard(*words))
    assert intent is not None
    assert intent.kind is kind


def test_anything_else_is_a_lookup_with_exact_department_hits(router: SpeechRouter) -> None:
    assert router.route(heard("临江", "派出所")) == Intent.lookup("临江派出所", ("gaj",))
    assert router.route(heard("工安局")) == Intent.lookup("工安局")  # a homophone: search decides


def test_unaccepted_recognition_falls_back_to_keypad(router: SpeechRouter) -> None:
    assert router.route(heard("救命", confidence=0.3, accepted=False)) is None
    assert router.route(heard()) is None
