"""Voicemail transcripts: the whole message through the full vocabulary, for the desk.

Full-vocabulary decoding costs about 0.4× real time (20 times a grammar's cost), so it is
meant for a background task after the call, never for the call path.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ivr.speech.audio import SpeechAudioError
from ivr.speech.recognizer import SpeechRecognizer

logger = logging.getLogger(__name__)


async def transcribe_voicemail(recognizer: SpeechRecognizer | None, wav_path: Path) -> str | None:
    """The message's text ("" when nothing was understood); None without a model.

    An unreadable file is logged and yields None: a missing transcript must not lose
    the voicemail itself.
    """
    if recognizer is None:
        return None
    try:
        recognition = await recognizer.recognize(wav_path, grammar=None)
    except (OSError, SpeechAudioError) as exc:
        logger.warning("cannot transcribe voicemail %s: %s", wav_path, exc)
        return None
    return recognition.text
