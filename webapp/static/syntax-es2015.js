// Loaded by the probe (probes/probe.js): the flag is set only where this parses as ES2015.
window.__bcES2015 = (() => { class A {} let a = 1; const [b] = [a]; return typeof A === "function" && `${b}` === "1"; })();
