"""Speech input for the controller, when a Vosk model is configured (HOTLINE_VOSK_MODEL)."""

from __future__ import annotations

import logging
from pathlib import Path

from directory import DirectoryService
from ivr.flow.speech_input import SpeechInput
from ivr.speech import SpeechModelError, SpeechRecognizer

logger = logging.getLogger(__name__)


async def build_speech(model_dir: str, directory: DirectoryService) -> SpeechInput | None:
    """Load the model and a grammar of the directory, rebuilt on every directory reload.

    A model that cannot be loaded leaves the hotline on the keypad, with an error logged.
    """
    try:
        recognizer = await SpeechRecognizer.load(Path(model_dir))
    except SpeechModelError as exc:
        logger.error("speech disabled: %s", exc)
        return None
    grammar = recognizer.grammar(targets=directory.targets(), cities=directory.cities())
    speech = SpeechInput(recognizer=recognizer, grammar=grammar)
    directory.add_reload_listener(lambda targets, cities: speech.rebuild(targets, cities=cities))
    logger.info("speech input on: %d phrases in the grammar", len(grammar.phrases))
    return speech
