"""Run a WSGI app factory under gunicorn (POSIX) or waitress (elsewhere).

``browsercheck serve`` uses ``run_server("webapp:create_app", ...)``; the benchmarks serve their
bare baseline app through the very same function, so both sides run the same server software
with the same settings.

Under gunicorn each worker process calls the factory after the fork (no preloading): every
worker has its own database pool and nothing holding sockets or threads crosses a fork.
gunicorn's threaded worker (``gthread``) keeps idle keep-alive connections out of the thread
pool, so ``threads`` bounds the requests in progress, not the connections.
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Callable
from typing import Any

SERVERS = ("auto", "gunicorn", "waitress")


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
    """gunicorn where it runs (POSIX: it forks), waitress elsewhere."""
    if os.name != "posix":
        return "waitress"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "waitress"
    return "gunicorn"


def run_server(
    factory: str,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    server: str = "auto",
    timeout: int = 30,
) -> None:
    """Serve the app ``factory`` builds until stopped (SIGTERM / Ctrl+C)."""
    if server not in SERVERS:
        raise ValueError(f"server must be one of {', '.join(SERVERS)}")
    if server == "auto":
        server = default_server()
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
