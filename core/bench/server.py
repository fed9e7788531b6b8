"""Serving a WSGI app for ``thidua bench``: gunicorn (sync workers) on a free loopback port, in
a process group of its own, stopped when the block ends."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class ServerError(RuntimeError):
    """The server did not answer in time; the message holds the end of its log."""


@dataclass(frozen=True)
class Served:
    host: str
    port: int


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def serve(app_spec: str, *, env: Mapping[str, str], workdir: Path, workers: int = 2,
          ready_path: str = "/", timeout: float = 90.0) -> Iterator[Served]:
    """``gunicorn app_spec`` with ``workers`` sync workers on 127.0.0.1, its environment being
    ours plus ``env``, run from ``workdir`` (so no ``gunicorn.conf.py`` applies and both the
    product and the baseline are served alike). Waits until ``ready_path`` answers below 500.

    :raises ServerError: it exited or did not answer within ``timeout`` seconds.
    """
    port = free_port()
    log_path = workdir / f"gunicorn-{port}.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120", app_spec]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=workdir, env={**os.environ, **env}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(port, ready_path):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise ServerError(f"{app_spec} did not start on port {port}:\n{tail}")
            time.sleep(0.2)
        yield Served("127.0.0.1", port)
    finally:
        if process.poll() is None:
            # TERM to gunicorn's master only: it stops its own workers.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
