"""A small, bounded load generator: a few threads, each with its own keep-alive HTTP connection,
sending one request again and again for a fixed time. Latencies are measured per request from
sending to the last byte read."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    """``requests`` answered with the expected status in ``seconds``; ``errors`` others (or
    failures to connect); throughput in requests per second, latencies in milliseconds."""

    requests: int
    errors: int
    seconds: float
    per_second: float
    median_ms: float
    p95_ms: float


def drive(host: str, port: int, path: str, *, headers: Mapping[str, str] | None = None,
          seconds: float = 5.0, clients: int = 4, expect: int = 200, warmup: int = 2) -> LoadResult:
    """``GET path`` from ``clients`` threads for ``seconds`` (after ``warmup`` requests each,
    not counted). A response with another status than ``expect`` counts as an error."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    stop_at = [0.0]
    send = dict(headers or {})

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        mine: list[float] = []
        failed = 0

        def one() -> tuple[float, bool]:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=send)
                response = connection.getresponse()
                response.read()
                ok = response.status == expect
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            return (time.perf_counter() - started) * 1000, ok

        for _ in range(warmup):
            one()
        start_line.wait()
        while time.perf_counter() < stop_at[0]:
            elapsed, ok = one()
            if ok:
                mine.append(elapsed)
            else:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600  # set for real once every client is warm
    start_line.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    if not latencies:
        return LoadResult(0, errors[0], took, 0.0, 0.0, 0.0)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else latencies[0]
    return LoadResult(len(latencies), errors[0], round(took, 2), round(len(latencies) / took, 1),
                      round(statistics.median(latencies), 1), round(p95, 1))
