"""Run a WSGI app factory under granian (default), gunicorn or waitress.

``browsercheck serve`` uses ``run_server("webapp:create_app", ...)``; the benchmarks serve their
bare baseline app through the very same function, so both sides run the same server software
with the same settings.

granian (a Rust HTTP server) is the default because a collector on the open internet meets
slow clients: its connections are tasks of an async runtime, and a Python thread is taken only
once a request's headers and body have arrived. 300 connections trickling their headers cost
the workers nothing, and each is closed after ``HEADER_TIMEOUT`` seconds without a complete
header block (tests/test_slow_clients.py). gunicorn's gthread worker instead parks such a
connection in a thread: with 300 of them ``/check`` got no answer (benchmarks/ingest.py's
slow-client round measures both).

Every server's worker process calls the factory itself (no preloading): every worker has its
own database pool and nothing holding sockets or threads crosses a fork; ``threads`` (granian's
blocking threads, gunicorn's gthread pool) bounds the requests in progress, not the connections.
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Callable
from typing import Any

SERVERS = ("auto", "granian", "gunicorn", "waitress")

#: Largest request header block granian reads (bytes; 431 above, and above 100 header lines):
#: far above any browser's few KB, far below what would cost memory per connection.
MAX_HEADER_BYTES = 64 * 1024


def load_factory(spec: str) -> Callable[[], Any]:
    """``"package.module:function"`` -> the function."""
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise ValueError(f"expected 'module:function', got {spec!r}")
    factory: Callable[[], Any] = getattr(importlib.import_module(module_name), attr)
    return factory


def build_app(factory: str) -> Any:
    """The app ``factory`` builds, in the process that serves it. Everything made while
    building (Flask, SQLAlchemy, pandas, pyarrow, the policy: 150,000 objects) is then frozen
    out of the garbage collector's scans: it lives as long as the process, and a full
    collection walking it held the GIL for 60-110 ms under load (the ingest benchmark's
    slowest answers)."""
    app = load_factory(factory)()
    gc.freeze()
    return app


def default_server() -> str:
    """granian where it is installed, else gunicorn where it runs (POSIX), else waitress."""
    for name in ("granian", "gunicorn"):
        if name == "gunicorn" and os.name != "posix":
            continue
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        return name
    return "waitress"


def run_server(
    factory: str,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    server: str = "auto",
    timeout: int = 30,
    header_timeout: int = 10,
) -> None:
    """Serve the app ``factory`` builds until stopped (SIGTERM / Ctrl+C). ``header_timeout``:
    seconds a connection may take to send a complete request header block (granian)."""
    if server not in SERVERS:
        raise ValueError(f"server must be one of {', '.join(SERVERS)}")
    if server == "auto":
        server = default_server()
    if server == "granian":
        _run_granian(factory, host, port, workers, threads, header_timeout)
        return
    if server == "waitress":
        from waitress import serve as waitress_serve

        # one process: the threads of all "workers" share it
        waitress_serve(
            build_app(factory),
            host=host,
            port=port,
            threads=max(1, workers) * threads,
            ident="browsercheck",
        )
        return
    _gunicorn_application(
        factory,
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "threads": max(1, threads),
            "worker_class": "gthread",
            "timeout": timeout,
            "graceful_timeout": timeout,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "proc_name": "browsercheck",
            # gunicorn 25+ opens a control socket at one fixed path per user: two servers on one
            # machine (tests, benchmarks, blue/green) would fight over it, and we do not use it
            "control_socket_disable": True,
        },
    ).run()


def _gunicorn_application(factory: str, options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class FactoryApplication(BaseApplication):  # type: ignore[misc]
        """gunicorn with its settings from here instead of a config file or argv."""

        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorn lacks the newer settings
                    self.cfg.set(key, value)

        def load(self) -> Any:  # in each worker, after the fork
            return build_app(factory)

    return FactoryApplication()


def _run_granian(
    factory: str, host: str, port: int, workers: int, threads: int, header_timeout: int
) -> None:
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    Server(
        factory,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=max(1, workers),
        blocking_threads=max(1, threads),
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, header_timeout) * 1000, max_buffer_size=MAX_HEADER_BYTES
        ),
        log_access=False,
        respawn_failed_workers=True,
        process_name=None,
    ).serve(target_loader=build_app)  # build_app(factory) in each worker process
