"""Load shedding: past its capacity a worker answers 503 with Retry-After at once.

Without it, requests beyond what the CPUs and the database keep up with wait in the server's
queues until clients time out, and every client gets slow together. With it, each worker
process works on at most ``MAX_IN_FLIGHT`` requests; one more is refused in microseconds, the
client is told when to come back, and the server recovers by itself as soon as load drops.
The limit is per process (a gunicorn worker or waitress), so the server's capacity is
``WORKERS x MAX_IN_FLIGHT`` requests in progress.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Paths never shed: a liveness probe must tell "busy" from "dead", and an operator needs the
#: metrics most while the server is busy.
EXEMPT_PATHS = frozenset({"/healthz", "/metrics"})


class InFlightLimit:
    """WSGI middleware admitting at most ``limit`` requests at once (``limit <= 0``: no limit).

    A slot is held until the response has been sent (the WSGI iterable is closed), so a slow
    client reading a large answer counts as load too."""

    def __init__(self, app: WSGIApp, limit: int, retry_after: int = 1) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = retry_after
        self._slots = threading.BoundedSemaphore(max(limit, 1))
        self.shed_count = 0  # requests refused since start; read by tests and logs
        self.on_shed: Callable[[], object] | None = None  # webapp/metrics.py counts them

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.limit <= 0 or environ.get("PATH_INFO") in EXEMPT_PATHS:
            return self.app(environ, start_response)
        if not self._slots.acquire(blocking=False):
            self.shed_count += 1
            if self.on_shed is not None:
                self.on_shed()
            return self._overloaded(start_response)
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._slots.release()
            raise
        return _ReleaseWhenDone(result, self._slots.release)

    def _overloaded(self, start_response: Callable[..., Any]) -> list[bytes]:
        seconds = self.retry_after
        body = json.dumps(
            {
                "error": {
                    "code": "overloaded",
                    "message": (
                        f"Сервер перевантажений, повторіть за {seconds} с. / "
                        f"The server is busy, try again in {seconds} s."
                    ),
                    "field": None,
                }
            },
            ensure_ascii=False,
        ).encode("utf-8")
        start_response(
            "503 Service Unavailable",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(seconds)),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


class _ReleaseWhenDone:
    """The app's response iterable, releasing the slot once: when the body has been iterated
    to the end (what test clients do) or when the server closes it (what WSGI servers do)."""

    def __init__(self, result: Iterable[bytes], release: Callable[[], None]) -> None:
        self._result = result
        self._release: Callable[[], None] | None = release

    def _done(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._result
        finally:
            self._done()

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._done()


def init_app(app: Any) -> None:
    """Wrap ``app``'s WSGI callable: at most ``MAX_IN_FLIGHT`` requests in progress per process
    (kept as ``app.extensions["browsercheck.in_flight"]``: the metrics count what it sheds)."""
    limit = InFlightLimit(app.wsgi_app, app.config["MAX_IN_FLIGHT"], app.config["RETRY_AFTER"])
    app.wsgi_app = limit
    app.extensions["browsercheck.in_flight"] = limit
