"""Hotline's composition root and base layer.

The base layer (`clock`, `config`, `database`, `errors`) is what every feature package may
use; the top layer (`bootstrap`, `cli`, `http`) reads configuration, builds every
component, passes dependencies in and provides the `hotline` command. Nothing outside
this package constructs shared objects.
"""

import time

# When the process began importing the hotline: `hotline ivr` reports how long it took
# to be ready (imports, database, HTTP, ARI connection) against this.
STARTED_AT = time.monotonic()
