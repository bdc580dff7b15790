"""Where the event loop's thread spends its time: a sampling look at its stack.

cProfile's cumulative times are meaningless for coroutines (a task's frames are resumed
and suspended thousands of times); sampling the thread's stack every few milliseconds
tells which task holds the loop, and in which of our functions, while the latency is bad.
A sample is taken only when the sampler gets the GIL: the main thread is caught either
where it dropped the GIL (a socket send, epoll) or after the 5 ms switch interval of
running Python. Points that drop the GIL are therefore over-represented; read the shares
of busy time as where to look, not as exact costs.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

ROOT = str(Path(__file__).resolve().parents[1]) + "/"
IDLE = "(idle: waiting in select/epoll)"


def _ours(frame: FrameType) -> bool:
    name = frame.f_code.co_filename
    return name.startswith(ROOT) and "/.venv/" not in name and "/bench/" not in name


def _where(frame: FrameType) -> str:
    code = frame.f_code
    return f"{code.co_filename.removeprefix(ROOT)}:{code.co_firstlineno} {code.co_name}"


class LoopSampler:
    """Samples one thread's stack from a daemon thread until `stop`."""

    def __init__(self, thread_id: int, interval_s: float = 0.002) -> None:
        self._thread_id = thread_id
        self._interval_s = interval_s
        self._stop = threading.Event()
        self.samples = 0
        self.innermost: Counter[str] = Counter()  # the function running, any code
        self.ours: Counter[str] = Counter()  # the innermost of our functions
        self.task: Counter[str] = Counter()  # the outermost of ours: which task it is
        self._thread = threading.Thread(target=self._run, name="loop-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            frame = sys._current_frames().get(self._thread_id)
            if frame is None:
                continue
            self.samples += 1
            code = frame.f_code
            if code.co_name in ("select", "poll") and code.co_filename.endswith("selectors.py"):
                self.innermost[IDLE] += 1
                continue
            self.innermost[_where(frame)] += 1
            inner = outer = None
            walk: FrameType | None = frame
            while walk is not None:
                if _ours(walk):
                    inner = inner or _where(walk)
                    outer = _where(walk)
                walk = walk.f_back
            self.ours[inner or "(library or event-loop code only)"] += 1
            self.task[outer or "(library or event-loop code only)"] += 1

    def lines(self, top: int = 12) -> list[str]:
        total = max(1, self.samples)
        idle = self.innermost[IDLE]
        out = [f"event-loop thread sampled {self.samples} times: {100 * idle / total:.0f} % idle"]
        for title, counts in (
            ("busy in (the task: outermost of our frames)", self.task),
            ("busy in (innermost of our frames)", self.ours),
            ("busy in (innermost frame, any code)", self.innermost),
        ):
            out.append(f"  {title}:")
            ranked = [(k, n) for k, n in counts.most_common(top + 1) if k != IDLE][:top]
            out.extend(f"    {100 * n / total:5.1f} %  {k}" for k, n in ranked)
        return out


def sample_current_thread() -> LoopSampler:
    sampler = LoopSampler(threading.get_ident())
    sampler.start()
    time.sleep(0)
    return sampler
