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


@dataclass(frozen=True)
class Target:
    """Where a driven request goes: a served app's address, the path and the request headers."""

    host: str
    port: int
    path: str
    headers: Mapping[str, str] | None = None


def drive(host: str, port: int, path: str, *, headers: Mapping[str, str] | None = None,
          seconds: float = 5.0, clients: int = 4, expect: int = 200, warmup: int = 2) -> LoadResult:
    """``GET path`` from ``clients`` threads for ``seconds`` (after ``warmup`` requests each,
    not counted). A response with another status than ``expect`` counts as an error."""
    return _summary([_drive(Target(host, port, path, headers), seconds, clients, expect, warmup)])


def drive_paired(product: Target, baseline: Target, *, seconds: float = 5.0, clients: int = 4,
                 expect: int = 200) -> tuple[LoadResult, LoadResult]:
    """(product, baseline): each driven for ``seconds`` in all, the baseline for half of them,
    then the product for all of them, then the baseline for the other half. Both are centred on
    the same moment, so a machine that speeds up or slows down steadily moves both alike, where
    a baseline driven once before every row was compared with rows driven a minute later."""
    half = seconds / 2
    runs = [(baseline, half), (product, seconds), (baseline, half)]
    measured = [_drive(target, span, clients, expect, 2) for target, span in runs]
    return _summary([measured[1]]), _summary([measured[0], measured[2]])


def _summary(runs: list[tuple[list[float], int, float]]) -> LoadResult:
    """One result of one or more runs of the same request: their latencies together, over the
    sum of their times."""
    latencies = [value for run in runs for value in run[0]]
    errors, took = sum(run[1] for run in runs), sum(run[2] for run in runs)
    if not latencies:
        return LoadResult(0, errors, round(took, 2), 0.0, 0.0, 0.0)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else latencies[0]
    return LoadResult(len(latencies), errors, round(took, 2), round(len(latencies) / took, 1),
                      round(statistics.median(latencies), 1), round(p95, 1))


def _drive(target: Target, seconds: float, clients: int, expect: int,
           warmup: int) -> tuple[list[float], int, float]:
    """(latencies in ms of the expected answers, errors, seconds driven) of one run."""
    host, port, path, headers = target.host, target.port, target.path, target.headers
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
    return latencies, errors[0], time.perf_counter() - began
