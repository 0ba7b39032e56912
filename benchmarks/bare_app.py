"""The ceiling of benchmarks/ingest.py: a bare Flask endpoint that parses the JSON and answers 201.

Served by the same ``webapp.serving.run_server`` (gunicorn, same workers and threads) as the app.
"""

from __future__ import annotations

import json

from flask import Flask, Response, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/api/v1/reports")
    def create() -> tuple[Response, int]:
        payload = json.loads(request.get_data(cache=False))
        return jsonify({"code": "BARE-0000", "fields": len(payload)}), 201

    @app.get("/api/v1/build")
    def build() -> Response:  # what tests' LiveServer polls until the server is up
        return jsonify({"build": "bare"})

    return app
