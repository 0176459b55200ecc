"""Prometheus metrics of one server: requests, errors, latency, batch sizes and queue depth.

Each app gets its own ``CollectorRegistry`` so that several apps in one process (tests, the
benchmark) never share counters. Exposed at ``GET /metrics`` in the Prometheus text format:

- ``groundup_requests_total{path, status}`` — every answered request;
- ``groundup_errors_total{path, reason}`` — 4xx/5xx by cause (``bad_request``,
  ``payload_too_large``, ``overloaded``, ``internal``);
- ``groundup_request_latency_seconds{path}`` — a histogram, arrival to last byte sent;
- ``groundup_batch_size`` — examples per model call (1 with batching off);
- ``groundup_queue_depth`` — requests waiting for the model now.

Paths outside the API are counted as ``other`` so a scanner cannot grow the label set.
See docs/notes/serving-and-batching.md.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as PROMETHEUS_CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

KNOWN_PATHS = frozenset({"/v1/predict", "/v1/model", "/health", "/ready", "/metrics"})
# 0.5 ms … 2.5 s: loopback answers take ~1 ms unloaded and tens of ms under load
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


class ServeMetrics:
    """The metric families of one app, registered in their own registry.

    The mean batch is ``groundup_batch_size_sum / groundup_batch_size_count``; a latency
    quantile q is read from the histogram buckets (Prometheus ``histogram_quantile``).
    See docs/notes/serving-and-batching.md.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "groundup_requests",
            "Requests answered, by path and HTTP status.",
            ("path", "status"),
            registry=self.registry,
        )
        self.errors = Counter(
            "groundup_errors",
            "Requests answered with an error, by path and reason.",
            ("path", "reason"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "groundup_request_latency_seconds",
            "Time from request arrival to the end of the response.",
            ("path",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "groundup_batch_size",
            "Examples per model call.",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "groundup_queue_depth", "Requests waiting for the model.", registry=self.registry
        )
        self._children: dict[tuple[str, int], tuple[Any, Any, Any]] = {}

    def observe(self, path: str, status: int, seconds: float) -> None:
        """Record one answered request (and an error when ``status`` ≥ 400)."""
        label = path if path in KNOWN_PATHS else "other"
        children = self._children.get((label, status))
        if children is None:  # labels() validates and locks: ~3 µs each, so resolve once
            error = self.errors.labels(label, reason_of(status)) if status >= 400 else None
            children = (self.requests.labels(label, str(status)), self.latency.labels(label), error)
            self._children[label, status] = children
        requests, latency, error = children
        requests.inc()
        latency.observe(seconds)
        if error is not None:
            error.inc()

    def render(self) -> bytes:
        """The registry in the Prometheus text exposition format."""
        return generate_latest(self.registry)


def reason_of(status: int) -> str:
    """A small fixed vocabulary of error causes for the ``reason`` label."""
    if status == 413:
        return "payload_too_large"
    if status == 503:
        return "overloaded"
    if status >= 500:
        return "internal"
    if status == 404 or status == 405:
        return "not_found"
    return "bad_request"


__all__ = ["PROMETHEUS_CONTENT_TYPE", "ServeMetrics", "reason_of"]
