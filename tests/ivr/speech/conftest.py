"""Fixtures for the speech tests: the Korean model (loaded once) and a recogniser per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import vosk

from ivr.speech import SpeechGrammar, SpeechRecognizer
from tests.ivr.speech.korean import COMMANDS, DEPARTMENTS, KOREAN_MODEL


@pytest.fixture(scope="session")
def korean_model() -> vosk.Model:
    # Loading takes about a second and 500 MB; one model serves every test.
    vosk.SetLogLevel(-1)
    return vosk.Model(str(KOREAN_MODEL))


@pytest.fixture
async def recognizer(korean_model: vosk.Model) -> AsyncIterator[SpeechRecognizer]:
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vosk-test")
    speech = SpeechRecognizer(korean_model, model_dir=KOREAN_MODEL, executor=executor)
    try:
        yield speech
    finally:
        await speech.close()


@pytest.fixture
def grammar(recognizer: SpeechRecognizer) -> SpeechGrammar:
    return recognizer.grammar(targets=DEPARTMENTS, commands=COMMANDS)
