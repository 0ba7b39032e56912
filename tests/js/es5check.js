// Parse each file named on the command line (or stdin with "-") as ES5 script with acorn.
// Prints one JSON line per input: {"file", "ok", "error", "line", "column"}; exits 1 when any fails.
"use strict";
const fs = require("fs");
const acorn = require("acorn");

let failed = false;
for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  const result = { file, ok: true };
  try {
    acorn.parse(source, { ecmaVersion: 5, sourceType: "script", allowReserved: false });
  } catch (error) {
    failed = true;
    Object.assign(result, { ok: false, error: error.message, line: error.loc && error.loc.line, column: error.loc && error.loc.column });
  }
  console.log(JSON.stringify(result));
}
process.exit(failed ? 1 : 0);
