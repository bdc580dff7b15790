"""`make test-stress`: the simulator's tests, many times in a row, while every core is busy.

A spinner process per core keeps the machine loaded (as a newcomer's busy laptop
would be); the simulator and trace tests must pass every round. Prints each round's
result and exits non-zero on the first failure.

    python -m tests.stress [--rounds 20] [--spinners N] [pytest args...]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time

DEFAULT_TESTS = ["tests/ivr/simulator"]


def _spin() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--spinners", type=int, default=os.cpu_count() or 2)
    parser.add_argument("pytest_args", nargs="*", default=DEFAULT_TESTS)
    args = parser.parse_args()
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.spinners)]
    for spinner in spinners:
        spinner.start()
    started = time.monotonic()
    try:
        for round_no in range(1, args.rounds + 1):
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    *args.pytest_args,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(
                f"round {round_no}/{args.rounds} with {args.spinners} busy cores: {last}",
                flush=True,
            )
            if result.returncode != 0:
                print(result.stdout[-6000:], result.stderr[-2000:], sep="\n")
                return 1
    finally:
        for spinner in spinners:
            spinner.terminate()
    print(f"all {args.rounds} rounds passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
