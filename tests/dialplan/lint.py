"""Running asterisklint on rendered files, each check in its own interpreter.

asterisklint keeps the messages it raised in class-level state (MessageDefManager), so
checks run in a subprocess: one file's findings never leak into another's verdict.
`dialplan-check` is its extensions.conf checker; pjsip.conf, ari.conf and http.conf go
through its generic config-file parser (syntax, layout, stray lines) — asterisklint has
no checker that knows those files' options.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_DIALPLAN_CHECK = """
import os, sys
from asterisklint.main import main
sys.exit(main(sys.argv[1:], os.environ))
"""
_CONFIG_CHECK = """
import sys
from asterisklint import FileConfigParser
from asterisklint.defines import MessageDefManager
parser = FileConfigParser()
parser.include(sys.argv[1])
for _ in parser:
    pass
sys.exit(1 if MessageDefManager.raised else 0)
"""


@dataclass(frozen=True)
class LintResult:
    ok: bool
    output: str


def asterisklint(path: Path) -> LintResult:
    """Lint one rendered file the way its kind allows."""
    if path.name == "extensions.conf":
        # what the `asterisklint` script runs, with this interpreter
        command = [sys.executable, "-c", _DIALPLAN_CHECK, "dialplan-check", path.name]
    else:
        command = [sys.executable, "-c", _CONFIG_CHECK, path.name]
    done = subprocess.run(
        command, cwd=path.parent, capture_output=True, text=True, timeout=60, check=False
    )
    return LintResult(ok=done.returncode == 0, output=done.stdout + done.stderr)
