"""Hotline's composition root: reads configuration, builds every component, passes
dependencies in and provides the `hotline` command. Nothing else constructs shared
objects, and nothing below imports this package.
"""

import time

# When the process began importing the hotline: `hotline ivr` reports how long it took
# to be ready (imports, database, HTTP, ARI connection) against this.
STARTED_AT = time.monotonic()
