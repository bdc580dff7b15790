"""Speech input for the IVR: Vosk recognition with a directory grammar, intents, transcripts.

The IVR captures an utterance with `capture_utterance` (a short ARI recording), recognises
it with `SpeechRecognizer.recognize` against a `SpeechGrammar` built from the directory,
and turns the result into an `Intent` with `SpeechRouter`; a recognition below the
confidence threshold gives no intent, and the caller is offered the keypad instead.
"""

from ivr.speech.audio import TELEPHONE_RATE, Pcm, SpeechAudioError, read_wav, resample
from ivr.speech.capture import CaptureFailed, RecordingWatch, capture_utterance
from ivr.speech.grammar import (
    MANDARIN_COMMANDS,
    UNKNOWN_WORD,
    CommandWords,
    GrammarTarget,
    SpeechGrammar,
    Vocabulary,
    join_words,
)
from ivr.speech.intents import Intent, IntentKind, SpeechRouter
from ivr.speech.recognizer import (
    DEFAULT_THRESHOLD,
    Recognition,
    RecognizedWord,
    SpeechModelError,
    SpeechRecognizer,
)
from ivr.speech.transcripts import transcribe_voicemail

__all__ = [
    "DEFAULT_THRESHOLD",
    "MANDARIN_COMMANDS",
    "TELEPHONE_RATE",
    "UNKNOWN_WORD",
    "CaptureFailed",
    "CommandWords",
    "GrammarTarget",
    "Intent",
    "IntentKind",
    "Pcm",
    "Recognition",
    "RecognizedWord",
    "RecordingWatch",
    "SpeechAudioError",
    "SpeechGrammar",
    "SpeechModelError",
    "SpeechRecognizer",
    "SpeechRouter",
    "Vocabulary",
    "capture_utterance",
    "join_words",
    "read_wav",
    "resample",
    "transcribe_voicemail",
]
