"""A small closed-loop load generator: N client threads with keep-alive connections on loopback."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    cookie: str = ""
    # Who the cookie logs in, for the in-process query count (None: the coordinator when there is a cookie).
    viewer: Any = None


@dataclass
class Measurement:
    key: str
    label: str
    path: str
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and set(self.statuses) == {200}

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        # Nearest-rank percentile: the value below which p% of the requests fall.
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]

    def summary(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "path": self.path,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "median_ms": round(statistics.median(self.latencies_ms), 2) if self.latencies_ms else None,
            "p95_ms": round(self.percentile(95), 2) if self.latencies_ms else None,
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else None,
            "mean_response_bytes": round(self.bytes / self.requests) if self.requests else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors[:5],
        }


class _Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, cookie: str) -> tuple[int, int]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            headers = {"Accept": "text/html", "Accept-Language": "it"}
            if cookie:
                headers["Cookie"] = cookie
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server may close an idle keep-alive connection between two requests: retry once.
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, len(body)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run(
    endpoint: Endpoint,
    *,
    host: str,
    port: int,
    concurrency: int,
    requests: int,
    warmup: int,
    max_seconds: float,
) -> Measurement:
    """Send `warmup` then `requests` GETs from `concurrency` threads; stop early after `max_seconds`."""
    result = Measurement(endpoint.key, endpoint.label, endpoint.path)
    lock = threading.Lock()
    counters = {"issued": 0}
    deadline = [0.0]

    def take(limit: int) -> bool:
        with lock:
            if counters["issued"] >= limit or (deadline[0] and time.perf_counter() > deadline[0]):
                return False
            counters["issued"] += 1
            return True

    def worker(client: _Client, limit: int, record: bool) -> None:
        while take(limit):
            started = time.perf_counter()
            try:
                status, size = client.get(endpoint.path, endpoint.cookie)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the others
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    result.statuses[0] = result.statuses.get(0, 0) + 1
                client.close()
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if record:
                with lock:
                    result.latencies_ms.append(elapsed)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    result.bytes += size

    clients = [_Client(host, port) for _ in range(concurrency)]

    def phase(limit: int, record: bool) -> float:
        counters["issued"] = 0
        threads = [threading.Thread(target=worker, args=(c, limit, record)) for c in clients]
        started = time.perf_counter()
        deadline[0] = started + max_seconds
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    # One probe first: a page that fails is reported once, not hammered (and logged) hundreds of times.
    try:
        status, _size = clients[0].get(endpoint.path, endpoint.cookie)
    except Exception as exc:  # noqa: BLE001
        result.errors.append(f"{type(exc).__name__}: {exc}")
        result.statuses[0] = 1
        return result
    if status != 200:
        result.statuses[status] = 1
        result.errors.append(f"the probe request answered {status}: not measured")
        clients[0].close()
        return result
    phase(warmup, record=False)
    result.seconds = phase(requests, record=True)
    result.requests = len(result.latencies_ms)
    for client in clients:
        client.close()
    return result
