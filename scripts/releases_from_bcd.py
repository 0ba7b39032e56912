"""Turn MDN's browser-compat-data (``@mdn/browser-compat-data``, CC0) into a release table CSV.

Build-time helper, never run at request time::

    npm pack @mdn/browser-compat-data && tar xzf mdn-browser-compat-data-*.tgz
    python scripts/releases_from_bcd.py package/data.json > /tmp/releases.csv
    browsercheck matrix releases import /tmp/releases.csv

Only released versions are kept (BCD status current, retired or esr). Browsers whose version
numbers differ per platform under one of our family names (Opera for Android) are left out:
their minimums are set by engine (``engine_min``) in the policy.
"""

from __future__ import annotations

import csv
import json
import sys

#: BCD browser id -> our browser family (diagnostics' family names).
FAMILIES = {
    "chrome": "Chrome",
    "edge": "Edge",
    "firefox": "Firefox",
    "opera": "Opera",
    "safari": "Safari",
    "safari_ios": "Safari",
    "samsunginternet_android": "Samsung Internet",
    "ie": "IE",
}
RELEASED = {"current", "retired", "esr"}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        browsers = json.load(fh)["browsers"]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for bcd_id, family in FAMILIES.items():
        for version, release in browsers[bcd_id]["releases"].items():
            if release.get("status") not in RELEASED or not release.get("release_date"):
                continue
            row = {
                "browser": family,
                "version": version,
                "release_date": release["release_date"],
                "engine": release.get("engine") or "",
                "engine_version": release.get("engine_version") or "",
            }
            old = rows.get((family, version))
            if old is None or row["release_date"] < old["release_date"]:
                rows[(family, version)] = row  # desktop and iOS Safari: the earlier release
    writer = csv.DictWriter(sys.stdout, fieldnames=list(next(iter(rows.values()))))
    writer.writeheader()
    for key in sorted(rows, key=lambda k: (k[0], _key(k[1]))):
        writer.writerow(rows[key])


if __name__ == "__main__":
    main(sys.argv[1])
