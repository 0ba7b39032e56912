"""``GET /metrics`` for operators: the Prometheus text format (prometheus-client), off unless
``BROWSERCHECK_METRICS`` is on.

What is counted holds nothing personal: routes are the URL rules (``/r/<code>``, never a code
or a token), verdicts and statuses are small fixed sets. ``browsercheck serve`` runs several
worker processes, so it points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder in the instance
folder before any worker starts (:func:`prepare_multiprocess_dir`): every worker writes its
counts there and ``/metrics`` adds them up, whichever worker answers the scrape.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request

from .beacon import PATH as BEACON_ROUTE

ENV_VAR = "PROMETHEUS_MULTIPROC_DIR"
#: Latency buckets in seconds: the ingest target is p99 < 50 ms, the header timeout 10 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)

bp = Blueprint("metrics", __name__)


def prepare_multiprocess_dir(instance: Path) -> None:
    """Empty ``instance/prometheus`` and name it in the environment, before prometheus-client
    is imported in this process and before the workers are started (they inherit it)."""
    folder = instance / "prometheus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[ENV_VAR] = str(folder)


class Metrics:
    """The app's counters and histograms, in a registry of its own (tests build many apps)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.reports = Counter(
            "browsercheck_reports_created", "Reports stored, by verdict.", ["verdict"], registry=r
        )
        self.requests = Counter(
            "browsercheck_http_requests",
            "Answered requests by route (URL rule) and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "browsercheck_http_request_duration_seconds",
            "Time in the app per request, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.rate_limited = Counter(
            "browsercheck_rate_limited", "Requests answered 429 (rate limits).", registry=r
        )
        self.shed = Counter(
            "browsercheck_shed", "Requests answered 503 overloaded (past capacity).", registry=r
        )
        self.database_errors = Counter(
            "browsercheck_database_errors",
            "Requests answered 503 database_unavailable.",
            registry=r,
        )
        self.batch_size = Histogram(
            "browsercheck_groupcommit_batch_size",
            "Reports committed per group-commit transaction.",
            buckets=BATCH_BUCKETS,
            registry=r,
        )

    def exposition(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector

        if os.environ.get(ENV_VAR):  # every worker's counts, from their files
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return bytes(generate_latest(registry))
        return bytes(generate_latest(self.registry))


def metrics() -> Metrics | None:
    """The app's metrics, or None when they are off."""
    found: Metrics | None = current_app.extensions.get("browsercheck.metrics")
    return found


@bp.get("/metrics")
def exposition() -> Response:
    """Counts and latencies in the Prometheus text format (nothing personal)."""
    from prometheus_client import CONTENT_TYPE_LATEST

    found = metrics()
    assert found is not None  # the blueprint is registered only with metrics on
    response = Response(found.exposition(), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """With METRICS on: the endpoint, per-request counts and the hooks of the other parts
    (the InFlightLimit middleware, whose 503s never reach Flask, and the group commit)."""
    if not app.config.get("METRICS"):
        return
    found = Metrics()
    app.extensions["browsercheck.metrics"] = found
    app.register_blueprint(bp)
    app.extensions["browsercheck.in_flight"].on_shed = found.shed.inc
    app.extensions["browsercheck.store"].observe_batches(found.batch_size.observe)
    fast = app.extensions.get("browsercheck.beacon_fast_path")
    if fast is not None:  # the beacons it answers never reach the hooks below

        def _beacon(status: int, seconds: float) -> None:
            found.requests.labels(BEACON_ROUTE, "POST", str(status)).inc()
            found.latency.labels(BEACON_ROUTE).observe(seconds)
            if status == 429:
                found.rate_limited.inc()

        fast.on_answered = _beacon

    @app.before_request
    def _started() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        found.requests.labels(route, request.method, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            found.latency.labels(route).observe(time.perf_counter() - started)
        if response.status_code == 429:
            found.rate_limited.inc()
        if g.get("database_unavailable"):
            found.database_errors.inc()
        verdict = g.get("created_verdict")
        if verdict is not None:
            found.reports.labels(verdict).inc()
        return response
