// Build-time helper for `browsercheck matrix baseline refresh`: translate Baseline targets
// ("widely", "newly", each year) into minimum versions per browser family browsercheck detects,
// from the baseline-browser-mapping and web-features npm packages (npm ci installs them), and
// print matrix/baseline.json's content. Never used at request time.
//
//     node scripts/baseline_from_packages.js [YYYY-MM-DD] > matrix/baseline.json
//
// The optional date is the day "widely available" is counted at (default: today), so that a
// refresh can be reproduced.
"use strict";
const fs = require("fs");
const path = require("path");
const mapping = require("baseline-browser-mapping");

// baseline-browser-mapping browser id -> our family (diagnostics' names). A family fed by two
// ids with the same numbering (desktop and Android Chrome, Firefox) takes the higher minimum: a
// version must hold the feature set on both. Chromium numbers its versions like Chrome.
// safari_ios is "iOS": every browser on iOS runs the system's WebKit, so the iOS version is
// compared (matrix/rules.py). Opera for Android counts its versions its own way: it gives only
// an engine minimum (the lower Chromium of the two, as the package maps by engine).
const FAMILIES = {
  chrome: ["Chrome", "Chromium"],
  chrome_android: ["Chrome", "Chromium"],
  edge: ["Edge"],
  firefox: ["Firefox"],
  firefox_android: ["Firefox"],
  safari: ["Safari"],
  safari_ios: ["iOS"],
  opera: ["Opera"],
  opera_android: ["Opera"],
  samsunginternet_android: ["Samsung Internet"],
  webview_android: ["Chrome WebView"],
};
const ENGINE_ONLY = { opera_android: true };
// Engine minimums: browsers judged by their engine (Opera, Samsung Internet, web views and any
// unlisted Chromium- or Firefox-based browser) hold the feature set from these versions on.
const ENGINES = { Blink: "chrome", Gecko: "firefox" };

function parts(version) {
  return String(version)
    .split(".")
    .map((p) => parseInt(p, 10) || 0);
}

function higher(a, b) {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) > (y[i] || 0) ? a : b;
  }
  return a;
}

// Read from the package folder: neither package exports its package.json.
function packageVersion(name) {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

// [{browser, version, engine, engine_version}] -> {families, engines}
function byFamily(rows) {
  const families = {};
  const core = {};
  for (const row of rows) {
    if (Object.prototype.hasOwnProperty.call(ENGINES, row.browser)) continue;
    core[row.browser] = row.version;
    for (const family of FAMILIES[row.browser] || []) {
      const entry = Object.assign({}, families[family] || {});
      if (!ENGINE_ONLY[row.browser]) {
        entry.min = entry.min ? higher(entry.min, row.version) : row.version;
      }
      if (row.engine === "Blink") {
        const engine = parseInt(row.engine_version, 10);
        entry.engine = "Blink";
        entry.engine_min = entry.engine_min && entry.engine_min < engine ? entry.engine_min : engine;
      }
      families[family] = entry;
    }
  }
  const engines = {};
  for (const engine of Object.keys(ENGINES)) {
    const id = ENGINES[engine];
    const versions = [core[id], core[id + "_android"]].filter(Boolean);
    if (versions.length) engines[engine] = parseInt(versions.reduce(higher), 10);
  }
  return { families: families, engines: engines };
}

// "newly": the first version of each browser that holds every Newly available feature.
function newly() {
  const rows = mapping.getAllVersions({
    includeDownstreamBrowsers: true,
    useSupports: true,
    suppressWarnings: true,
  });
  const first = {};
  for (const row of rows) {
    if (row.supports !== "newly") continue;
    const old = first[row.browser];
    if (!old || higher(old.version, row.version) === old.version) first[row.browser] = row;
  }
  return Object.keys(first).map((id) => first[id]);
}

async function features() {
  const { features } = await import("web-features");
  const out = {};
  for (const id of Object.keys(features).sort()) {
    const feature = features[id];
    if (feature.kind !== "feature") continue;
    out[id] = { name: feature.name, baseline: feature.status ? feature.status.baseline : false };
  }
  return out;
}

async function main() {
  const day = process.argv[2] || new Date().toISOString().slice(0, 10);
  const targets = {};
  const widely = mapping.getCompatibleVersions({
    includeDownstreamBrowsers: true,
    widelyAvailableOnDate: day,
    suppressWarnings: true,
  });
  targets.widely = Object.assign({ as_of: day }, byFamily(widely));
  targets.newly = Object.assign({ as_of: day }, byFamily(newly()));
  const current = parseInt(day.slice(0, 4), 10);
  for (let year = 2015; year <= current; year++) {
    const rows = mapping.getCompatibleVersions({
      includeDownstreamBrowsers: true,
      targetYear: year,
      suppressWarnings: true,
    });
    // The current year's set is still growing: it says "as of" like widely and newly.
    const when = year === current ? { as_of: day } : {};
    targets[String(year)] = Object.assign(when, byFamily(rows));
  }
  const out = {
    source: {
      "baseline-browser-mapping": packageVersion("baseline-browser-mapping"),
      "web-features": packageVersion("web-features"),
      generated: day,
    },
    targets: targets,
    features: await features(),
  };
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});
