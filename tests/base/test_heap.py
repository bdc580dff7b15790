"""Tuning the collector once a process has started: in a child process, since it changes
the interpreter's global collector state."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import gc, json
from base.heap import settle_after_startup
kept = [[i] for i in range(1000)]  # built while starting: survives, so it is frozen
before = gc.get_freeze_count()
settle_after_startup()
print(json.dumps({"before": before, "after": gc.get_freeze_count(),
                  "threshold": gc.get_threshold()}))
"""


def test_what_startup_built_is_frozen_and_young_collections_come_less_often() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    state = json.loads(out)
    assert state["before"] == 0
    assert state["after"] >= 1000  # at least the thousand lists, and the modules' objects
    young, middle, full = state["threshold"]
    assert young > 700  # CPython's default
    assert (middle, full) == (20, 20)
