// Build-time helper for `browsercheck matrix browserslist`: resolve a browserslist query with
// the real browserslist package (npm ci installs it) and print {version, browsers} as JSON.
// Never used at request time.
"use strict";
const browserslist = require("browserslist");
const query = process.argv[2];
try {
  const browsers = browserslist(query);
  const version = require("browserslist/package.json").version;
  let data = null;
  try {
    data = require("caniuse-lite/package.json").version;
  } catch (_) {
    data = null;
  }
  process.stdout.write(JSON.stringify({ browserslist: version, caniuse_lite: data, browsers }));
} catch (err) {
  process.stderr.write(String(err && err.message ? err.message : err));
  process.exit(2);
}
