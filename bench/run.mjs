// `make bench` (issue 7): the package against the strongest plain-JavaScript
// receivers, pair by pair in interleaved rounds (the ratio holds on a noisy
// machine), plus cold start, .wasm size and memory. Prints each result as it
// comes, then a markdown table; writes target/bench.json.
//
//   node bench/run.mjs [--quick]        (make bench builds pkg/ first)
//
// Items (numbers as in the issue):
//   1  validate + classify from a Buffer: validate(buf) vs JSON.parse(buf.toString())
//      + a Map of small compiled ajv validators per event (also: one ajv oneOf)
//   2  the same from a string
//   3  verify + validate from bytes: verifyAndValidate vs node:crypto + JSON.parse + ajv
//   4  in workerd (Miniflare): verifyAndValidate vs crypto.subtle + JSON.parse
//   5  batch: 100k events of NDJSON through summarizeBatch vs a JS loop of (1)'s baseline
//      computing the same summary (5b: validateBatch, every report, vs a loop keeping all)
//   6  cold start (import + first validation, fresh process) and .wasm size
//   7  wasm memory and RSS after 10^5 and 10^6 validations
import { execFileSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as api from "healthie-webhooks";
import { mapBaseline, nodeVerify, oneOfBaseline, eventSchema } from "./lib/baseline.mjs";
import { describeCorpus, loadCorpus } from "./lib/corpus.mjs";
import { comparePair, median } from "./lib/harness.mjs";
import { startWorkerd } from "../tests/js/support/env.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const quick = process.argv.includes("--quick");
// `--only 1,5`: just those items (for profiling sessions; the table needs all).
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg === -1 ? null : new Set(process.argv[onlyArg + 1].split(","));
const want = (id) => only === null || only.has(id);
const SECRET = "whsec_bench_2f9c4e1a";
const PATH = "/webhooks/healthie";
const BATCH_EVENTS = 100_000;

const { bodies } = loadCorpus();
const corpus = describeCorpus(bodies);
const buffers = bodies.map((b) => Buffer.from(b));
const events = api.events();
const results = { corpus, items: {} };
const fmt = (ns) => Math.round(ns).toLocaleString("en-US");

// -------------------------------------------------------------------- 6
// First, before this process compiles the ajv baselines or times anything:
// its compiler and garbage-collector threads would compete with the fresh
// processes for this machine's second core.
if (want("6")) {
  const schemasFile = join(tmpdir(), `healthie-webhooks-bench-schemas-${process.pid}.json`);
  writeFileSync(schemasFile, JSON.stringify(Object.fromEntries(events.map((e) => [e.eventType, eventSchema(e)]))));
  // The floor: Node importing an empty package by name (resolution through
  // node_modules and "exports", the loader's first file read), which any
  // package's cold start includes.
  const floorDir = join(tmpdir(), `healthie-webhooks-bench-floor-${process.pid}`);
  mkdirSync(join(floorDir, "node_modules/empty-package"), { recursive: true });
  writeFileSync(join(floorDir, "node_modules/empty-package/package.json"), JSON.stringify({ name: "empty-package", type: "module", exports: { ".": { node: { import: "./index.mjs" } } } }));
  writeFileSync(join(floorDir, "node_modules/empty-package/index.mjs"), "export const valid = true;\n");
  writeFileSync(
    join(floorDir, "floor.mjs"),
    'const t0 = performance.now();\nconst { valid } = await import("empty-package");\nconst t1 = performance.now();\nprocess.stdout.write(JSON.stringify({ importAndFirstMs: t1 - t0, sinceProcessStartMs: t1, valid }));\n',
  );
  const spawn = (args) => JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }));
  const runs = { ours: [], baseline: [], floor: [] };
  const spawns = quick ? 5 : 15;
  for (let i = 0; i < spawns; i++) {
    runs.ours.push(spawn([join(root, "bench/lib/cold.mjs")]));
    runs.baseline.push(spawn([join(root, "bench/lib/cold.mjs"), "baseline", schemasFile]));
    runs.floor.push(spawn([join(floorDir, "floor.mjs")]));
  }
  rmSync(floorDir, { recursive: true, force: true });
  if (![...runs.ours, ...runs.baseline].every((r) => r.valid)) throw new Error("cold start: a first validation failed");
  const size = JSON.parse(readFileSync(join(root, "target/pkg-size.json"), "utf8"));
  const cold = {
    label: "cold start: import + first validation in a fresh Node process (median of " + spawns + ")",
    oursMs: median(runs.ours.map((r) => r.importAndFirstMs)),
    // The least disturbed spawn: noise only ever adds to a cold start.
    oursMinMs: Math.min(...runs.ours.map((r) => r.importAndFirstMs)),
    baselineMs: median(runs.baseline.map((r) => r.importAndFirstMs)),
    emptyPackageMs: median(runs.floor.map((r) => r.importAndFirstMs)),
    emptyPackageMinMs: Math.min(...runs.floor.map((r) => r.importAndFirstMs)),
    oursSinceProcessStartMs: median(runs.ours.map((r) => r.sinceProcessStartMs)),
    targetMs: 10,
    wasmBytes: size.wasmBytes,
    wasmGzipBytes: size.wasmGzipBytes,
    targetGzipBytes: 100 * 1024,
  };
  cold.met = cold.oursMs <= cold.targetMs;
  cold.sizeMet = cold.wasmGzipBytes <= cold.targetGzipBytes;
  results.items["6"] = cold;
  console.log(
    `(6) cold start: ${cold.oursMs.toFixed(2)} ms import + first validation, best ${cold.oursMinMs.toFixed(2)} ms (importing an empty package: ${cold.emptyPackageMs.toFixed(2)} ms, best ${cold.emptyPackageMinMs.toFixed(2)}; baseline: import ajv, read schemas, compile one: ${cold.baselineMs.toFixed(2)} ms) (target ≤ 10 ms: ${cold.met ? "met" : "NOT met"}); ` +
      `.wasm ${(cold.wasmBytes / 1024).toFixed(1)} KiB, ${(cold.wasmGzipBytes / 1024).toFixed(1)} KiB gzip (target ≤ 100 KiB: ${cold.sizeMet ? "met" : "NOT met"})`,
  );
}

const map = mapBaseline(events);
const oneOf = oneOfBaseline(events);

// Deliveries as a Node receiver holds them: the raw Buffer and Node's
// lower-cased header object, signed independently with node:crypto.
const requests = buffers.map((body) => {
  const digest = createHash("sha256").update(body).digest("base64");
  const signed = `post ${PATH}  ${digest} application/json ${body.length}`;
  const signature = `sig1=${createHmac("sha256", SECRET).update(signed).digest("hex")}`;
  return { method: "POST", path: PATH, query: "", headers: { "content-type": "application/json", "content-digest": `sha-256=${digest}`, signature }, body };
});

// Every side must agree on every body before anything is timed.
for (const [i, body] of buffers.entries()) {
  const ours = api.validate(body);
  const theirs = map.fromBuffer(body);
  if (!ours.valid || !theirs.valid || !oneOf.fromBuffer(body).valid || ours.info !== theirs.info) throw new Error(`corpus body ${i} is not valid on every side`);
  const both = api.verifyAndValidate(requests[i], SECRET);
  if (!both.verification.valid || !both.report.valid || !nodeVerify(requests[i], SECRET)) throw new Error(`corpus body ${i} does not verify`);
}

const rounds = quick ? 10 : 30;

function pair(id, label, target, spec) {
  if (!want(id.replace(/b$/, ""))) return null;
  const r = comparePair({ rounds, ...spec });
  const met = target === null ? null : r.ratio >= target;
  results.items[id] = { label, target, met, ...r };
  const verdict = target === null ? "" : ` (target ≥ ${target}×: ${met ? "met" : "NOT met"})`;
  console.log(
    `(${id}) ${label}: ours ${fmt(r.ours)} ns/event, baseline ${fmt(r.baseline)} ns/event → ${r.ratio.toFixed(2)}×${verdict}` +
      `  [rounds ${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}, best-vs-best ${r.ratioOfBest.toFixed(2)}×]`,
  );
  return r;
}

console.log(`corpus: ${corpus.count} bodies, ${corpus.minBytes}–${corpus.maxBytes} bytes (median ${corpus.medianBytes}); ${cpus().length} cores (${cpus()[0].model}), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

// ------------------------------------------------------------------ 1, 2
pair("1", "validate + classify from a Buffer, vs JSON.parse + Map of per-event ajv", 1.5, {
  ours: (b) => api.validate(b),
  baseline: map.fromBuffer,
  inputs: buffers,
});
pair("1b", "validate + classify from a Buffer, vs JSON.parse + one ajv oneOf (discriminator)", null, {
  ours: (b) => api.validate(b),
  baseline: oneOf.fromBuffer,
  inputs: buffers,
});
pair("2", "validate + classify from a string, vs JSON.parse + Map of per-event ajv", 1.0, {
  ours: (s) => api.validate(s),
  baseline: map.fromString,
  inputs: bodies,
});

// -------------------------------------------------------------------- 3
const verifyThenCheck = (r) => nodeVerify(r, SECRET) && map.check(JSON.parse(r.body.toString())).valid;
pair("3", "verify + validate from bytes, vs node:crypto + JSON.parse + ajv", 1.5, {
  ours: (r) => {
    const { report } = api.verifyAndValidate(r, SECRET);
    return report !== null && report.valid;
  },
  baseline: verifyThenCheck,
  inputs: requests,
});
pair("3b", "same, ours as two calls (verifySignature + validate)", null, {
  ours: (r) => api.verifySignature(r, SECRET).valid && api.validate(r.body).valid,
  baseline: verifyThenCheck,
  inputs: requests,
});

// -------------------------------------------------------------------- 4
async function workerd() {
  const mf = await startWorkerd(join(root, "bench/lib/worker.mjs"));
  try {
    await mf.ready;
    const loaded = await mf.dispatchFetch("http://127.0.0.1/load", {
      method: "POST",
      body: JSON.stringify({ secret: SECRET, deliveries: requests.map((r) => ({ body: r.body.toString(), headers: r.headers })) }),
    });
    if (loaded.status !== 200) throw new Error(`workerd /load: ${loaded.status} ${await loaded.text()}`);
    const time = async (route, reps) => {
      const t0 = performance.now();
      const response = await mf.dispatchFetch(`http://127.0.0.1/${route}?reps=${reps}`);
      const { valid, events } = await response.json();
      const ms = performance.now() - t0;
      if (route !== "noop" && valid !== events) throw new Error(`workerd /${route}: ${events - valid} of ${events} not valid`);
      return { ms, events };
    };
    // Calibrate: ~60 ms per request for the faster side.
    for (const route of ["ours", "baseline", "noop"]) await time(route, 2);
    const probe = await time("ours", 4);
    const reps = Math.max(2, Math.round((4 * 60) / probe.ms));
    const ns = { ours: [], baseline: [] };
    const ratios = [];
    const overhead = [];
    for (let round = 0; round < (quick ? 8 : 20); round++) {
      const order = round % 2 ? ["baseline", "ours"] : ["ours", "baseline"];
      const got = {};
      overhead.push((await time("noop", reps)).ms);
      for (const side of order) {
        const { ms, events } = await time(side, reps);
        got[side] = { ms, events };
      }
      const base = median(overhead);
      for (const side of ["ours", "baseline"]) ns[side].push(((got[side].ms - base) * 1e6) / got[side].events);
      ratios.push(ns.baseline.at(-1) / ns.ours.at(-1));
    }
    // Where the time goes on each side (not paired: a profile, not a ratio).
    const parts = {};
    for (const route of ["ours-verify", "ours-validate", "baseline-crypto"]) {
      const runs = [];
      for (let i = 0; i < (quick ? 3 : 7); i++) {
        const { ms, events } = await time(route, reps);
        runs.push(((ms - median(overhead)) * 1e6) / events);
      }
      parts[route] = median(runs);
    }
    return { ours: median(ns.ours), baseline: median(ns.baseline), ratio: median(ratios), ratioOfBest: Math.min(...ns.baseline) / Math.min(...ns.ours), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), rounds: ratios.length, requestOverheadMs: median(overhead), parts };
  } finally {
    await mf.dispose();
  }
}
if (want("4")) {
  const r = await workerd();
  const label = "workerd: verify + validate, vs crypto.subtle (digest + HMAC verify) + JSON.parse";
  results.items["4"] = { label, target: 3, met: r.ratio >= 3, ...r };
  console.log(`(4) ${label}: ours ${fmt(r.ours)} ns/event, baseline ${fmt(r.baseline)} ns/event → ${r.ratio.toFixed(2)}× (target ≥ 3×: ${r.ratio >= 3 ? "met" : "NOT met"})  [rounds ${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}, best-vs-best ${r.ratioOfBest.toFixed(2)}×]`);
  console.log(`    parts: ours verifySignature ${fmt(r.parts["ours-verify"])} ns + validate ${fmt(r.parts["ours-validate"])} ns; baseline WebCrypto alone ${fmt(r.parts["baseline-crypto"])} ns (JSON.parse the rest)`);
}

// -------------------------------------------------------------------- 5
// The batch API answers a replay or an audit of stored deliveries: counts,
// bodies per event type, and the report (with its line) of every body with an
// issue. The baseline loop computes the same answer. 5b times validateBatch,
// which returns every report, against a loop keeping every report.
if (want("5")) {
  const lines = [];
  for (let i = 0; i < BATCH_EVENTS; i++) lines.push(bodies[i % bodies.length]);
  const ndjson = Buffer.from(lines.join("\n") + "\n");
  const baselineSummary = (buf) => {
    const counts = new Map();
    const flagged = [];
    let count = 0;
    let valid = 0;
    const all = buf.toString().split("\n");
    for (let i = 0; i < all.length; i++) {
      if (all[i].length === 0) continue;
      count++;
      let report;
      try {
        report = map.check(JSON.parse(all[i]));
      } catch (error) {
        report = { valid: false, event: null, info: null, issues: [error] };
      }
      if (report.valid) valid++;
      else flagged.push({ line: i + 1, report });
      const type = report.event?.event_type;
      if (typeof type === "string") counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    const eventTypes = {};
    for (const type of [...counts.keys()].sort()) eventTypes[type] = counts.get(type);
    return { count, valid, eventTypes, flagged };
  };
  const ours = api.summarizeBatch(ndjson);
  const theirs = baselineSummary(ndjson);
  if (ours.count !== BATCH_EVENTS || ours.valid !== BATCH_EVENTS || JSON.stringify(ours.eventTypes) !== JSON.stringify(theirs.eventTypes) || theirs.valid !== BATCH_EVENTS) {
    throw new Error("summarizeBatch disagrees with the baseline on the corpus");
  }
  const batchReports = api.validateBatch(ndjson);
  if (batchReports.length !== BATCH_EVENTS || !batchReports.every((r) => r.valid)) throw new Error("validateBatch disagrees on the corpus");
  const size = `${BATCH_EVENTS.toLocaleString("en-US")} events of NDJSON (${(ndjson.length / 1048576).toFixed(1)} MiB)`;
  const batchSpec = { inputs: [ndjson], eventsPerCall: BATCH_EVENTS, rounds: quick ? 4 : 10, roundMs: 1 };
  pair("5", `batch: ${size}, summarizeBatch vs a JS loop of (1)'s baseline computing the same summary`, 3, {
    ours: (buf) => api.summarizeBatch(buf).count === BATCH_EVENTS,
    baseline: (buf) => baselineSummary(buf).count === BATCH_EVENTS,
    ...batchSpec,
  });
  pair("5b", `batch: ${size}, validateBatch (every report) vs a JS loop of (1)'s baseline keeping every report`, null, {
    ours: (buf) => api.validateBatch(buf).length === BATCH_EVENTS,
    baseline: (buf) => {
      const reports = [];
      for (const line of buf.toString().split("\n")) if (line.length > 0) reports.push(map.check(JSON.parse(line)));
      return reports.length === BATCH_EVENTS;
    },
    ...batchSpec,
  });
}

// -------------------------------------------------------------------- 7
if (want("7")) {
  const out = JSON.parse(execFileSync(process.execPath, ["--expose-gc", join(root, "bench/lib/memory.mjs")], { cwd: root, encoding: "utf8" }));
  const MiB = 1048576;
  const rssGrowth = out.after1e6.rssBytes - out.after1e5.rssBytes;
  const memory = {
    label: "memory: wasm memory and RSS after 10^5 and after 10^6 validations",
    ...out,
    wasmGrowthBytes: out.after1e6.wasmBytes - out.after1e5.wasmBytes,
    rssGrowthBytes: rssGrowth,
  };
  // Flat: wasm memory identical, RSS within 16 MiB (GC heap noise).
  memory.met = out.allValid && memory.wasmGrowthBytes === 0 && rssGrowth < 16 * MiB;
  results.items["7"] = memory;
  console.log(
    `(7) memory: wasm ${(out.after1e5.wasmBytes / MiB).toFixed(2)} → ${(out.after1e6.wasmBytes / MiB).toFixed(2)} MiB, RSS ${(out.after1e5.rssBytes / MiB).toFixed(1)} → ${(out.after1e6.rssBytes / MiB).toFixed(1)} MiB (flat: ${memory.met ? "yes" : "NO"})`,
  );
}

// ------------------------------------------------------------- native
const nativeFile = join(root, "target/bench-native.json");
const native = existsSync(nativeFile) ? JSON.parse(readFileSync(nativeFile, "utf8")) : null;

// ------------------------------------------------------------- report
results.machine = { cores: cpus().length, cpu: cpus()[0].model, node: process.version, loadAverageAtEnd: loadavg() };
results.command = "make bench";
results.date = new Date().toISOString();
results.native = native;
mkdirSync(join(root, "target"), { recursive: true });
writeFileSync(join(root, "target/bench.json"), JSON.stringify(results, null, 2) + "\n");

const I = results.items;
if (only !== null) {
  console.log(`\n(--only ${[...only].join(",")}: no table; target/bench.json has these items only)`);
  process.exit(0);
}
const row = (id, what, target) => {
  const r = I[id];
  const t = target === null ? "—" : `≥ ${target}×`;
  const met = target === null ? "" : r.met ? "yes" : "**no**";
  return `| ${id} | ${what} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${r.ratio.toFixed(2)}× | ${t} | ${met} |`;
};
const table = [
  `Measured by \`make bench\` on ${results.machine.cores} cores (${results.machine.cpu}), Node ${process.version}; ` +
    `corpus: the reference's ${bodies.length - 192} examples + 192 realistic \`updated\` events, ${corpus.minBytes}–${corpus.maxBytes} bytes. ` +
    "Ratios are medians of interleaved rounds (baseline ns / ours ns: above 1 means ours is faster).",
  "",
  "| # | what (ours vs the plain-JS baseline) | ours ns/event | baseline ns/event | ratio | target | met |",
  "| --- | --- | ---: | ---: | ---: | --- | --- |",
  row("1", "validate + classify from a `Buffer` vs `JSON.parse(buf.toString())` + `Map` of per-event compiled ajv", 1.5),
  row("1b", "same, baseline one ajv `oneOf` (discriminator) over all events", null),
  row("2", "same from a `string`", 1),
  row("3", "`verifyAndValidate` vs `node:crypto` (SHA-256 + HMAC + `timingSafeEqual`) + `JSON.parse` + ajv", 1.5),
  row("3b", "same, ours as `verifySignature` + `validate`", null),
  row("4", "workerd: `verifyAndValidate` (sync) vs `crypto.subtle` digest + HMAC verify + `JSON.parse`", 3),
  row("5", `\`summarizeBatch\` of ${BATCH_EVENTS.toLocaleString("en-US")} NDJSON events vs a JS loop of (1)'s baseline computing the same summary`, 3),
  row("5b", "same events, `validateBatch` (every report) vs the loop keeping every report", null),
  "",
  "| # | what | ours | baseline | target | met |",
  "| --- | --- | ---: | ---: | --- | --- |",
  `| 6 | cold start: import + first validation, fresh Node process (median of spawns; best) | ${I["6"].oursMs.toFixed(1)} ms; ${I["6"].oursMinMs.toFixed(1)} ms | ${I["6"].baselineMs.toFixed(1)} ms (ajv, one schema) | ≤ 10 ms | ${I["6"].met ? "yes" : "**no**"} |`,
  `| 6 | of which Node importing any package (an empty one, by name) | ${I["6"].emptyPackageMs.toFixed(1)} ms; ${I["6"].emptyPackageMinMs.toFixed(1)} ms | | | |`,
  `| 6 | \`.wasm\` size | ${(I["6"].wasmBytes / 1024).toFixed(1)} KiB, ${(I["6"].wasmGzipBytes / 1024).toFixed(1)} KiB gzip | | ≤ 100 KiB gzip | ${I["6"].sizeMet ? "yes" : "**no**"} |`,
  `| 7 | wasm memory after 10⁵ → 10⁶ validations | ${(I["7"].after1e5.wasmBytes / 1048576).toFixed(2)} → ${(I["7"].after1e6.wasmBytes / 1048576).toFixed(2)} MiB | | flat | ${I["7"].wasmGrowthBytes === 0 ? "yes" : "**no**"} |`,
  `| 7 | process RSS after 10⁵ → 10⁶ validations | ${(I["7"].after1e5.rssBytes / 1048576).toFixed(1)} → ${(I["7"].after1e6.rssBytes / 1048576).toFixed(1)} MiB | | flat | ${I["7"].met ? "yes" : "**no**"} |`,
];
if (native !== null) {
  table.push("", "| native Rust, one core (`cargo bench --bench native`) | ns/event | events/s |", "| --- | ---: | ---: |");
  for (const [name, v] of Object.entries(native)) table.push(`| ${name} | ${fmt(v.nsPerEvent)} | ${fmt(v.eventsPerSecond)} |`);
}
console.log("\n" + table.join("\n"));
console.log("\nwrote target/bench.json");
