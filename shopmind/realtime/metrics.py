"""Prometheus-text metrics: per-endpoint request counts and latency histograms, plus a text renderer.

``install_metrics(app)`` adds a pure-ASGI middleware (cheap: one perf_counter pair and a dict update
per request) that labels requests by their route template, so /api/products/{product_id} is one
series however many products there are.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from typing import Any, Iterable

#: latency buckets in seconds
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Histogram:
    """Cumulative-bucket histogram (Prometheus semantics) with a lock-free-enough update."""

    __slots__ = ("buckets", "counts", "sum", "count")

    def __init__(self, buckets: tuple[float, ...] = BUCKETS) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, v: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, v)] += 1
        self.sum += v
        self.count += 1

    def quantile(self, q: float) -> float:
        """Upper bound of the bucket holding quantile ``q`` (nan when empty)."""
        if not self.count:
            return math.nan
        target, run = q * self.count, 0
        for i, c in enumerate(self.counts):
            run += c
            if run >= target:
                return self.buckets[i] if i < len(self.buckets) else math.inf
        return math.inf


def _esc(v: Any) -> str:
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, Any] | None) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_esc(v)}"' for k, v in labels.items()) + "}"


def _num(v: float) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "+Inf" if v > 0 else "-Inf"
        return repr(v)
    return str(v)


class TextWriter:
    """Builds a Prometheus text exposition: each metric family's HELP/TYPE once, its samples together."""

    def __init__(self) -> None:
        self._families: dict[str, list[str]] = {}

    def _family(self, name: str, kind: str, help: str) -> list[str]:
        fam = self._families.get(name)
        if fam is None:
            fam = self._families[name] = [f"# HELP {name} {help}", f"# TYPE {name} {kind}"]
        return fam

    def sample(self, name: str, kind: str, help: str, value: float, labels: dict[str, Any] | None = None) -> None:
        self._family(name, kind, help).append(f"{name}{_labels(labels)} {_num(value)}")

    def histogram(self, name: str, help: str, h: Histogram, labels: dict[str, Any] | None = None) -> None:
        fam = self._family(name, "histogram", help)
        base = dict(labels or {})
        run = 0
        for b, c in zip(list(h.buckets) + [math.inf], h.counts):
            run += c
            fam.append(f"{name}_bucket{_labels({**base, 'le': _num(float(b))})} {run}")
        fam.append(f"{name}_sum{_labels(base)} {_num(h.sum)}")
        fam.append(f"{name}_count{_labels(base)} {h.count}")

    def text(self) -> str:
        return "\n".join(line for fam in self._families.values() for line in fam) + "\n"


class HttpMetrics:
    """Request counts by (method, route, status) and latency histograms by (method, route)."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = {}
        self.latency: dict[tuple[str, str], Histogram] = {}
        self.in_flight = 0
        self.started = time.time()
        self._lock = threading.Lock()

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            k = (method, route, status)
            self.requests[k] = self.requests.get(k, 0) + 1
            h = self.latency.get((method, route))
            if h is None:
                h = self.latency[(method, route)] = Histogram()
            h.observe(seconds)

    def write(self, w: TextWriter) -> None:
        with self._lock:
            reqs = sorted(self.requests.items())
            lat = sorted(self.latency.items())
        for (method, route, status), n in reqs:
            w.sample("shopmind_http_requests_total", "counter", "HTTP requests by method, route and status.", n,
                     {"method": method, "route": route, "status": status})
        for (method, route), h in lat:
            w.histogram("shopmind_http_request_duration_seconds", "HTTP request latency by route (server side).",
                        h, {"method": method, "route": route})
        w.sample("shopmind_http_in_flight", "gauge", "Requests being served now.", self.in_flight)
        w.sample("shopmind_uptime_seconds", "gauge", "Seconds since the metrics were installed.",
                 round(time.time() - self.started, 3))


class MetricsMiddleware:
    """Pure ASGI middleware timing every HTTP request by its route template."""

    def __init__(self, app, metrics: HttpMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        status = [500]

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        self.metrics.in_flight += 1
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.in_flight -= 1
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.record(scope.get("method", "GET"), path, status[0], time.perf_counter() - t0)


def install_metrics(app) -> HttpMetrics:
    """Time every request of ``app`` (call before the app starts); idempotent."""
    existing = getattr(app.state, "http_metrics", None)
    if existing is not None:
        return existing
    metrics = HttpMetrics()
    app.state.http_metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return metrics


def write_counts(w: TextWriter, name: str, help: str, values: Iterable[tuple[dict[str, Any], float]],
                 kind: str = "counter") -> None:
    for labels, v in values:
        w.sample(name, kind, help, v, labels)
