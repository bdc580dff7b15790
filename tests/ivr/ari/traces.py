"""Access to the ARI traces recorded from Asterisk 22.10.1 (/work/shared/ari-traces)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TRACES_DIR = Path(os.environ.get("HOTLINE_ARI_TRACES", "/work/shared/ari-traces"))


def trace_files() -> list[Path]:
    """Every recorded scenario; skips the test when the traces are not on this machine."""
    files = sorted(TRACES_DIR.glob("*.json"))
    if not files:
        pytest.skip(f"no ARI traces in {TRACES_DIR}")
    return files


def steps(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = data["steps"]
    return result


def events(path: Path) -> Iterator[dict[str, Any]]:
    """The WebSocket events of one scenario, in arrival order."""
    for step in steps(path):
        if step["kind"] == "event":
            yield step["event"]


def trace(name: str) -> Path:
    path = TRACES_DIR / name
    if not path.exists():
        pytest.skip(f"trace {name} missing")
    return path


def replies(path: Path, method: str, path_suffix: str, status: int) -> list[Any]:
    """Bodies of the replies to `method` requests whose path ends with `path_suffix`."""
    return [
        step["body"]
        for step in steps(path)
        if step["kind"] == "request"
        and step["method"] == method
        and step["path"].endswith(path_suffix)
        and step["status"] == status
    ]
