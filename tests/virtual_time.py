"""An event loop whose time stands still while anything can run and jumps when nothing can.

`loop.time()` advances only when the loop would otherwise wait: if no callback is ready,
no socket has data (asked without waiting, then after a short real grace so that the
kernel's loopback delivery and other threads can land) and no executor job is running,
the loop moves its clock straight to the next timer. Every asyncio timer — sleeps,
timeouts, aiohttp's — then runs on simulated time, and work costs no simulated time at
all, so a script gives the same events, in the same order and at the same instants,
on a quiet machine and on one whose cores are busy.

A thread at work holds the clock too: the loop jumps only while every other thread of
the process stands in a known wait (a condition, a queue, an executor's idle worker), so
a database call on aiosqlite's thread or an fsync on the journal's takes no virtual time.
A request to a server in another process (Redis, PostgreSQL) holds the clock too, until
its reply comes: a connection this loop opened to a port it does not serve itself is
awaiting a reply from the moment it writes until its socket has data, or for at most
REPLY_WAIT_S real seconds (a server that never answers lets the client's timeout fire).
Without this the loop would jump over a busy server's millisecond to the next timer —
a read timeout, or a call hung up, before the reply.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import selectors
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import aiosqlite.core

_T = TypeVar("_T")

# Real seconds to wait for loopback data before deciding the loop is idle (threads need
# no grace: the loop knows whether each one has work).
IDLE_GRACE_S = 0.0002
# While a thread is at work the loop waits in real time, looking again this often: a
# thread that has just handed the loop its result may stand a moment longer in
# call_soon_threadsafe (waiting for the GIL) and then wake nobody when it leaves.
BUSY_POLL_S = 0.002
# Real seconds a request to another process may hold the clock waiting for its reply.
REPLY_WAIT_S = 2.0
# Where a thread's innermost Python frame stands when it waits for work (file, function).
_WAITS = {
    ("threading.py", "wait"),
    ("threading.py", "_wait_for_tstate_lock"),
    ("queue.py", "get"),
    ("thread.py", "_worker"),  # concurrent.futures: blocked on its SimpleQueue
    ("selectors.py", "select"),
    ("gateway_base.py", "read"),  # pytest-xdist's worker reading its next order (execnet)
    ("unix_events.py", "_do_waitpid"),  # asyncio's child watcher, waiting for a child to exit
}


def _line_of(function: Callable[..., object], text: str) -> int:
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


# aiosqlite's connection thread takes its jobs from a SimpleQueue (C code, no frame of
# its own): it waits when it stands on that line and the queue is empty.
_AIOSQLITE_GET = (
    aiosqlite.core._connection_worker_thread.__code__,
    _line_of(aiosqlite.core._connection_worker_thread, "tx.get()"),
)


def _waiting(frame: FrameType) -> bool:
    code = frame.f_code
    if (code, frame.f_lineno) == _AIOSQLITE_GET:
        return bool(frame.f_locals["tx"].empty())
    return (code.co_filename.rsplit("/", 1)[-1], code.co_name) in _WAITS


def _others_waiting(own: int) -> bool:
    """Whether every thread but `own` stands in one of the known waits."""
    return all(_waiting(frame) for ident, frame in sys._current_frames().items() if ident != own)


class _IdleJumpingSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = self._heard(super().select(0))
        if events or timeout == 0 or self.loop is None:
            return events
        if timeout is None or not self._idle():
            # Nothing scheduled, a thread at work or a reply due: wait in real time, the
            # clock held.
            return self._heard(
                super().select(None if timeout is None else min(timeout, BUSY_POLL_S))
            )
        events = self._heard(super().select(IDLE_GRACE_S))
        if not events and self._idle():
            # A thread may have handed the loop a callback just before it went back to
            # its wait: look once more before the clock moves.
            events = self._heard(super().select(0))
            if not events:
                self.loop.advance(timeout)
        return events

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        key = super().unregister(fileobj)
        if self.loop is not None:
            self.loop.awaiting_reply.pop(key.fd, None)
        return key

    def _heard(
        self, events: list[tuple[selectors.SelectorKey, int]]
    ) -> list[tuple[selectors.SelectorKey, int]]:
        """Data on a socket awaiting a reply: the reply has come."""
        if self.loop is not None and self.loop.awaiting_reply:
            for key, mask in events:
                if mask & selectors.EVENT_READ:
                    self.loop.awaiting_reply.pop(key.fd, None)
        return events

    def _idle(self) -> bool:
        assert self.loop is not None
        return (
            not self.loop.busy_threads
            and not self.loop.reply_due()
            and _others_waiting(self.loop.thread)
        )


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector loop on virtual time (see the module's docstring)."""

    def __init__(self) -> None:
        selector = _IdleJumpingSelector()
        super().__init__(selector)
        self._now = time.monotonic()
        self.busy_threads = 0
        self.thread = threading.get_ident()
        # Sockets to other processes that wrote a request: fd -> real instant it went out.
        self.awaiting_reply: dict[int, float] = {}
        self._served_ports: set[int] = set()
        selector.loop = self

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)

    def reply_due(self) -> bool:
        """Whether a request to another process is still within its wait for a reply."""
        now = time.monotonic()
        return any(now - sent < REPLY_WAIT_S for sent in self.awaiting_reply.values())

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., _T], *args: Any
    ) -> asyncio.Future[_T]:
        self.busy_threads += 1
        future = super().run_in_executor(executor, func, *args)
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _: asyncio.Future[Any]) -> None:
        self.busy_threads -= 1

    # -- sockets to other processes ---------------------------------------------------
    def _start_serving(self, protocol_factory: Any, sock: socket.socket, *args: Any,
                       **kwargs: Any) -> None:  # fmt: skip
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            self._served_ports.add(sock.getsockname()[1])
        super()._start_serving(protocol_factory, sock, *args, **kwargs)  # type: ignore[misc]

    def _make_socket_transport(
        self, sock: socket.socket, protocol: asyncio.BaseProtocol, waiter: Any = None, *,
        extra: Any = None, server: Any = None,
    ) -> asyncio.Transport:  # fmt: skip
        transport: asyncio.Transport = super()._make_socket_transport(  # type: ignore[misc]
            sock, protocol, waiter, extra=extra, server=server
        )
        if server is None and self._to_another_process(sock):
            self._track_requests(transport, sock.fileno())
        return transport

    def _to_another_process(self, sock: socket.socket) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return sock.family == socket.AF_UNIX
        try:
            return sock.getpeername()[1] not in self._served_ports
        except OSError:
            return False

    def _track_requests(self, transport: asyncio.Transport, fd: int) -> None:
        """Each write awaits a reply (Redis and PostgreSQL answer every request)."""
        write, writelines = transport.write, transport.writelines

        def tracked_write(data: Any) -> None:
            self.awaiting_reply.setdefault(fd, time.monotonic())
            write(data)

        def tracked_writelines(lines: Any) -> None:
            self.awaiting_reply.setdefault(fd, time.monotonic())
            writelines(lines)

        transport.write = tracked_write  # type: ignore[method-assign]
        transport.writelines = tracked_writelines  # type: ignore[method-assign,assignment]
