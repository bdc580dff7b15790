"""`hotline ivr` starts fast: what is needed only later is imported only later.

A real Asterisk answers calls sent to Stasis() before the controller connects with a
failure (the dialplan's fallback holds them): every second of start-up counts.
"""

from __future__ import annotations

import subprocess
import sys

# Heavy modules the controller needs only for some requests: charts and PDF reports
# (matplotlib, ~0.6 s), speech when a Vosk model is configured (vosk and requests).
LAZY = ("matplotlib", "vosk")


def test_the_command_and_the_controller_do_not_import_charts_or_speech() -> None:
    probe = (
        "import sys, hotline.cli, hotline.runtime; "
        f"print(','.join(m for m in {LAZY!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == ""
