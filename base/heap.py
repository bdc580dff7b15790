"""The garbage collector, tuned once a long-running process has started.

A started hotline holds a large heap that lives as long as the process: modules, the
ORM's metadata, the directory's match tables, pypinyin's dictionaries, rendered prompts.
Left in the collector's care, every full collection walks all of it again; with 2,000
calls up that took the event loop away for over half a second at a time, and every
caller's next command waited. Frozen, it is never walked again. Calls then make young
objects fast, so young collections run less often.
"""

from __future__ import annotations

import gc

# How many new objects before a young collection (CPython's default is 700).
YOUNG_THRESHOLD = 20_000
# Young collections before a middle one, and middle ones before a full one (default 10, 10).
OLDER_THRESHOLDS = (20, 20)


def settle_after_startup() -> None:
    """Collect once, freeze what survived, and collect young objects less often.

    For a process's entry point, once it is serving: what it built while starting is
    kept for good, so it is taken out of every later collection.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
