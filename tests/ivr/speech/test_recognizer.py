"""The real recognition path in Korean: espeak-ng speech → Vosk with a grammar → intent."""

from __future__ import annotations

import asyncio
import io
import wave
from pathlib import Path

import pytest

from ivr.speech import (
    IntentKind,
    SpeechAudioError,
    SpeechGrammar,
    SpeechModelError,
    SpeechRecognizer,
    SpeechRouter,
    transcribe_voicemail,
)
from tests.ivr.speech.korean import speak


@pytest.mark.parametrize(
    ("phrase", "kind", "codes"),
    [
        ("보건소", IntentKind.LOOKUP, ("health",)),
        ("법원", IntentKind.LOOKUP, ("court",)),
        ("주민센터", IntentKind.LOOKUP, ("community",)),
        ("서울", IntentKind.LOOKUP, ()),
        ("상담원", IntentKind.OPERATOR, ()),
        ("녹음", IntentKind.VOICEMAIL, ()),
        ("화재", IntentKind.EMERGENCY, ()),
    ],
)
async def test_spoken_korean_words_are_recognised_and_routed(
    recognizer: SpeechRecognizer,
    grammar: SpeechGrammar,
    tmp_path: Path,
    phrase: str,
    kind: IntentKind,
    codes: tuple[str, ...],
) -> None:
    recognition = await recognizer.recognize(speak(phrase, tmp_path / "say.wav"), grammar)
    assert recognition.text == phrase
    assert [w.word for w in recognition.words] == [phrase]
    assert recognition.accepted
    assert recognition.confidence >= recognizer.threshold
    word = recognition.words[0]
    assert 0.0 <= word.start < word.end <= recognition.duration_s
    intent = SpeechRouter(grammar).route(recognition)
    assert intent is not None
    assert (intent.kind, intent.department_codes) == (kind, codes)


async def test_bytes_and_other_sample_rates_are_accepted(
    recognizer: SpeechRecognizer, grammar: SpeechGrammar, tmp_path: Path
) -> None:
    wav = speak("법원", tmp_path / "court.wav")
    with wave.open(str(wav), "rb") as source:
        frames = source.readframes(source.getnframes())
    # The same audio as 16 kHz stereo (each sample twice in time, in both channels),
    # handed over as bytes: downmixed and resampled back to 8 kHz.
    upsampled = io.BytesIO()
    with wave.open(upsampled, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"".join(frames[i : i + 2] * 4 for i in range(0, len(frames), 2)))
    recognition = await recognizer.recognize(upsampled.getvalue(), grammar)
    assert recognition.text == "법원"
    assert recognition.duration_s == pytest.approx(len(frames) / 2 / 8000)


async def test_low_confidence_is_not_accepted_and_gives_no_intent(
    recognizer: SpeechRecognizer, grammar: SpeechGrammar, tmp_path: Path
) -> None:
    recognizer.threshold = 1.01  # nothing is that sure
    recognition = await recognizer.recognize(speak("법원", tmp_path / "c.wav"), grammar)
    assert recognition.text == "법원"
    assert not recognition.accepted
    assert SpeechRouter(grammar).route(recognition) is None


async def test_silence_and_empty_recordings_are_not_accepted(
    recognizer: SpeechRecognizer, grammar: SpeechGrammar
) -> None:
    for seconds in (0.0, 1.0):
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(8000)
            wav.writeframes(b"\0\0" * int(8000 * seconds))
        recognition = await recognizer.recognize(out.getvalue(), grammar)
        assert (recognition.text, recognition.accepted, recognition.confidence) == ("", False, 0.0)


async def test_not_a_wav_is_an_audio_error(
    recognizer: SpeechRecognizer, grammar: SpeechGrammar
) -> None:
    with pytest.raises(SpeechAudioError):
        await recognizer.recognize(b"RIFF nonsense", grammar)


async def test_recognitions_run_concurrently_off_the_event_loop(
    recognizer: SpeechRecognizer, grammar: SpeechGrammar, tmp_path: Path
) -> None:
    phrases = ["보건소", "법원", "주민센터", "상담원"]
    files = [speak(p, tmp_path / f"{i}.wav") for i, p in enumerate(phrases)]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    beating = asyncio.create_task(ticker())
    results = await asyncio.gather(*(recognizer.recognize(f, grammar) for f in files))
    beating.cancel()
    assert [r.text for r in results] == phrases
    assert ticks > 0  # the loop kept running while Vosk decoded


async def test_voicemail_transcript_uses_the_full_vocabulary(
    recognizer: SpeechRecognizer, tmp_path: Path
) -> None:
    text = await transcribe_voicemail(recognizer, speak("안녕하세요 법원", tmp_path / "vm.wav"))
    assert isinstance(text, str)
    assert text.strip()  # some words came out of the full vocabulary
    assert await transcribe_voicemail(None, tmp_path / "vm.wav") is None
    assert await transcribe_voicemail(recognizer, tmp_path / "missing.wav") is None


def test_vocabulary_lookup(recognizer: SpeechRecognizer) -> None:
    assert recognizer.knows("병원")
    assert not recognizer.knows("派出所")


async def test_loading_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechModelError, match="not a Vosk model"):
        await SpeechRecognizer.load(tmp_path / "nope", workers=1)
