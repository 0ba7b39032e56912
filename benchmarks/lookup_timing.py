"""Do report look-ups take as long for a wrong token as for a code that does not exist?

Times ``GET /api/v1/reports/<code>?t=...`` through the app (in-process, SQLite, a store of
``--reports`` reports) for four kinds of request and prints each median against the baseline
"missing code" from the same run. A ratio near 1.00 for "wrong token" means the answer's timing
does not tell an existing code. For comparison it also times the old look-up that loaded the
whole row before comparing the token ("wrong token, full row load").

    python benchmarks/lookup_timing.py [--reports 2000] [--rounds 3000]
"""

from __future__ import annotations

import argparse
import hmac
import tempfile
from collections.abc import Callable

from sqlalchemy import select
from timing import median_us  # benchmarks/ is on sys.path when run as a script

from webapp import create_app
from webapp.storage.reports import hash_token
from webapp.storage.tables import ReportRow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "RATELIMIT": "off"})
        client = app.test_client()
        payload = {"context": {"error_text": "x" * 1500}, "languages": ["uk"] * 20}
        created = [
            client.post("/api/v1/reports", json=payload).get_json() for _ in range(args.reports)
        ]
        code, token = created[-1]["view_url"].split("/r/")[1].split("?t=")
        canonical = code.replace("-", "")
        store = app.extensions["browsercheck.store"]

        def old_lookup() -> object:  # the look-up before this change: whole row, then compare
            with store.session() as session:
                row = session.scalar(select(ReportRow).where(ReportRow.code == canonical))
                expected = row.token_hash if row else "0" * 64
                return hmac.compare_digest(expected, hash_token("wrong")) and row

        kinds: dict[str, Callable[[], object]] = {
            "missing code (baseline)": lambda: client.get("/api/v1/reports/ZZZZ-ZZZZ?t=wrong"),
            "wrong token": lambda: client.get(f"/api/v1/reports/{code}?t=wrong"),
            "malformed code": lambda: client.get("/api/v1/reports/not-a-code?t=wrong"),
            "right token (200)": lambda: client.get(f"/api/v1/reports/{code}?t={token}"),
        }
        for call in kinds.values():  # warm caches
            median_us(call, 50)
        # Interleave rounds so drift on a shared machine hits every kind alike.
        medians = {name: 0.0 for name in kinds}
        for _ in range(3):
            for name, call in kinds.items():
                medians[name] += median_us(call, args.rounds // 3) / 3
        base = medians["missing code (baseline)"]
        print(f"{args.reports} reports, {args.rounds} look-ups per kind (median, in-process)")
        for name, value in medians.items():
            print(f"  {name:28s} {value:8.1f} us   x{value / base:.2f}")
        store_base = median_us(lambda: store.get_with_token("ZZZZZZZZ", "wrong"), args.rounds)
        store_wrong = median_us(lambda: store.get_with_token(canonical, "wrong"), args.rounds)
        store_old = median_us(old_lookup, args.rounds)
        print("store only:")
        print(f"  {'missing code (baseline)':28s} {store_base:8.1f} us   x1.00")
        print(f"  {'wrong token':28s} {store_wrong:8.1f} us   x{store_wrong / store_base:.2f}")
        print(
            f"  {'wrong token, full row load':28s} {store_old:8.1f} us   "
            f"x{store_old / store_base:.2f}"
        )
        store.close()


if __name__ == "__main__":
    main()
