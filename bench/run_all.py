"""Run every benchmark in bench/ one after the other and print their figures.

make bench                      # all of them
.venv/bin/python bench/run_all.py lookup calls   # some of them
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Arguments a benchmark gets under `make bench` (its defaults otherwise).
ARGUMENTS = {"bench_calls": ["--database", "both", "--sweep"]}  # 500 to 5,000 calls, both databases


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    failed: list[str] = []
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        started = time.perf_counter()
        command = [sys.executable, str(script), *ARGUMENTS.get(script.stem, [])]
        result = subprocess.run(command, cwd=HERE.parent, check=False)
        print(f"({script.stem}: {time.perf_counter() - started:.0f} s, exit {result.returncode})\n")
        if result.returncode != 0:
            failed.append(script.stem)
    if failed:
        print("targets missed or errors in: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
