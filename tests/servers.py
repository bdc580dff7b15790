"""Real servers for the tests: PostgreSQL and redis-server from Debian, on loopback.

Each starts in a temporary directory on a free port and is stopped when the test
session ends. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return found[-1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresCluster:
    """A throw-away PostgreSQL cluster that a fault test can stop and start again."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
        self.data = self.workdir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self.port = free_port()
        subprocess.run(
            _as_postgres([_postgres_bin("initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "-E", "UTF8", "--no-locale"]),
            check=True, capture_output=True,
        )  # fmt: skip

    @property
    def url(self) -> str:
        """An asyncpg SQLAlchemy URL of the `postgres` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off -c full_page_writes=off"
        )
        subprocess.run(
            _as_postgres([_postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                          "-l", str(self.workdir / "log"), "start"]),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres([_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                          "stop"]),
            capture_output=True,
        )  # fmt: skip

    def remove(self) -> None:
        """Stop the server and delete its files. The deleting goes on in the background:
        a session's hundreds of databases take tens of seconds to delete, and the suite
        would wait for them at its very end."""
        self.stop("immediate")
        subprocess.run(["sh", "-c", f"rm -rf {shlex.quote(str(self.workdir))} &"], check=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster; yields an asyncpg SQLAlchemy URL."""
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.remove()


def create_postgres_database(admin_url: str, name: str, *, template: str = "") -> str:
    """A fresh database on the server of `admin_url` (a copy of `template`); returns its URL."""
    host_port = admin_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    subprocess.run(
        [_postgres_bin("psql"), "-h", host, "-p", port, "-U", "postgres", "-d", "postgres",
         "-q", "-c", f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")],
        check=True, capture_output=True,
    )  # fmt: skip
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def redis_server() -> Iterator[tuple[str, subprocess.Popen[bytes], int]]:
    """A redis-server on loopback with no persistence; yields (url, process, port)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="hotline-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0", process, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of `size` mounted on `folder` (root only), for disk-full tests."""
    import pytest  # only the tests that mount one need it

    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> None:
    """Write zeros into `folder` until its file system says no more."""
    with (folder / "filler").open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
