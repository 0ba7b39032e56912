"""What the hostile-input defences cost per request: rate limiting (flask-limiter) on vs off.

Both apps are built in one run with the same settings otherwise; each prints its median for a
report POST and for the check page, and the ratio "limits on / limits off". Headers, nonces,
validation and the log scrubber are on in both (they cannot be switched off).

    python benchmarks/hostile_overhead.py [--rounds 1500]
"""

from __future__ import annotations

import argparse
import tempfile

from timing import median_us  # benchmarks/ is on sys.path when run as a script

from webapp import create_app

PAYLOAD = {
    "lang": "uk",
    "cookieEnabled": True,
    "languages": ["uk", "en"],
    "screen": {"width": 1920, "height": 1080},
    "context": {"login": "a@example.com"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1500)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        # Limits high enough never to trip: the cost of counting, not of refusing.
        apps = {
            name: create_app(
                {
                    "INSTANCE_PATH": f"{folder}/{i}",
                    "RATELIMIT": limit,
                    "RATELIMIT_GLOBAL": "1000000/minute",
                }
            )
            for i, (name, limit) in enumerate(
                (("limits off (baseline)", "off"), ("limits on", "100000/minute"))
            )
        }
        results = {name: {"POST /api/v1/reports": 0.0, "GET /check": 0.0} for name in apps}
        for _ in range(3):  # interleaved, so drift on a shared machine hits both alike
            for name, app in apps.items():
                client = app.test_client()
                calls = {
                    "POST /api/v1/reports": lambda c=client: c.post(
                        "/api/v1/reports", json=PAYLOAD
                    ),
                    "GET /check": lambda c=client: c.get("/check"),
                }
                for what, call in calls.items():
                    results[name][what] += median_us(call, args.rounds // 3) / 3
        for app in apps.values():
            app.extensions["browsercheck.store"].close()
    base = results["limits off (baseline)"]
    print(f"{args.rounds} requests each, in-process, median")
    for name, medians in results.items():
        for what, value in medians.items():
            print(f"  {name:22s} {what:22s} {value:8.1f} us   x{value / base[what]:.2f}")


if __name__ == "__main__":
    main()
