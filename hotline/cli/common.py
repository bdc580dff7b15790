"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from base.config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


class CommandError(Exception):
    """A failure to report in one line, with the process exit code."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def not_utf8(path: Path, exc: UnicodeDecodeError) -> CommandError:
    return CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})")


def read_text_file(path: Path) -> str:
    """A UTF-8 file's text (a BOM dropped); a missing or non-UTF-8 file is a one-line error."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
