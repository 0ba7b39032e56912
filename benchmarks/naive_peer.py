"""The naive durable peer of benchmarks/ingest.py: what a user would write instead of us.

Flask + the standard library's sqlite3: one INSERT and one COMMIT per report, WAL,
synchronous=FULL (every acknowledged report survives a power cut, as ours), a connection per
thread, no diagnosis, no policy, no text report. Served by the same ``webapp.serving.run_server``
as the app; the database is ``peer.db`` in ``BROWSERCHECK_INSTANCE_PATH``.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from pathlib import Path

from flask import Flask, Response, jsonify, request

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL,"
    " user_agent TEXT, payload TEXT NOT NULL, created_at TEXT DEFAULT CURRENT_TIMESTAMP)"
)


def database_path() -> Path:
    return Path(os.environ.get("BROWSERCHECK_INSTANCE_PATH", "instance")) / "peer.db"


def create_app() -> Flask:
    app = Flask(__name__)
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(SCHEMA)
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(path, timeout=30)
            local.conn.execute("PRAGMA synchronous=FULL")
        conn: sqlite3.Connection = local.conn
        return conn

    @app.post("/api/v1/reports")
    def create() -> tuple[Response, int]:
        payload = json.loads(request.get_data(cache=False))
        code = secrets.token_hex(4).upper()
        conn = connection()
        conn.execute(
            "INSERT INTO reports (code, user_agent, payload) VALUES (?, ?, ?)",
            (code, request.headers.get("User-Agent", ""), json.dumps(payload)),
        )
        conn.commit()
        return jsonify({"code": code, "view_url": f"/r/{code}"}), 201

    @app.get("/api/v1/build")
    def build() -> Response:  # what tests' LiveServer polls until the server is up
        return jsonify({"build": "peer"})

    return app


def stored(instance: Path) -> int:
    """Reports in the peer's database under ``instance``."""
    with sqlite3.connect(instance / "peer.db") as conn:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
