// Loaded by the probe (probes/probe.js): the flag is set only where this parses as ES2020.
window.__bcES2020 = ((a) => (a?.b ?? 0n) === 0n)(null);
