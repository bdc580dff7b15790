"""Render one utterance with pyttsx3 in a process of its own: `python pyttsx3_once.py …`.

pyttsx3 2.99 drives libespeak-ng asynchronously, and an engine reused for a second file
is unreliable: measured here, `runAndWait` returned before the utterance was saved on
2–60 % of later renders, and a late callback could write one prompt's audio into the
next prompt's file. The first utterance of a fresh process was always exact, so the
fallback engine runs each render in a new process (about 0.1 s) — pyttsx3 is only used
when the espeak-ng command is missing.

Usage: text on stdin; arguments VOICE RATE OUT.wav; exit status 0 when OUT.wav is written.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import Any

_FINISH_TIMEOUT_S = 30.0


def render_once(speech: str, voice: str, rate: int, out: Path) -> None:
    """Synthesise `speech` into `out` (22,050 Hz mono WAV) with a fresh pyttsx3 engine."""
    import pyttsx3

    engine: Any = pyttsx3.init("espeak")
    voice_id = next(
        (
            v.id
            for v in engine.getProperty("voices")
            if voice in (v.id, v.id.rsplit("/", 1)[-1], *v.languages)
        ),
        None,
    )
    if voice_id is None:
        raise RuntimeError(f"pyttsx3 has no voice {voice!r}")
    finished = threading.Event()
    outcome: dict[str, bool] = {}

    def on_finished(name: str | None, completed: bool) -> None:
        outcome["completed"] = completed
        finished.set()

    engine.connect("finished-utterance", on_finished)
    engine.setProperty("voice", voice_id)
    engine.setProperty("rate", rate)
    # pyttsx3 prints "Audio saved to …" on stdout; keep stdout for nothing else.
    with contextlib.redirect_stdout(sys.stderr):
        engine.save_to_file(speech, str(out))
        engine.runAndWait()
    # The "finished" notification comes after the file is closed, possibly from
    # espeak-ng's own thread after runAndWait has returned.
    if not finished.wait(_FINISH_TIMEOUT_S) or not outcome.get("completed"):
        raise RuntimeError("pyttsx3 did not finish the utterance")
    if not out.is_file():
        raise RuntimeError("pyttsx3 wrote no file")
    _wait_until_written(out)


def _wait_until_written(out: Path) -> None:
    """Return once the file has stopped growing: under load espeak-ng's thread may still
    be writing it after the finished notification, and the process must not exit first."""
    deadline = time.monotonic() + _FINISH_TIMEOUT_S
    size, steady = -1, 0
    while steady < 3 and time.monotonic() < deadline:
        current = out.stat().st_size
        steady = steady + 1 if current == size else 0
        size = current
        time.sleep(0.05)


def main(argv: list[str]) -> int:
    """Entry point: VOICE RATE OUT.wav, text on stdin."""
    voice, rate, out = argv[0], int(argv[1]), Path(argv[2])
    try:
        render_once(sys.stdin.read(), voice, rate, out)
    except Exception as exc:  # any failure is reported to the parent as text
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
