// Where verifyAndValidate's time goes in workerd (issue 7, item 4): a CPU
// profile of the benchmark's own worker (bench/lib/worker.mjs, route /ours,
// the corpus signed with node:crypto), taken through workerd's inspector on
// loopback, with wasm functions named. Not part of `make bench`: a tool for
// the next performance session.
//
//   node bench/profile-workerd.mjs [seconds]     (after `make pkg`; default 4)
//
// The shipped .wasm has no names, so pkg/ is copied to target/profile-pkg/
// with the same module built with its name section kept (tools/wasm-pipeline.mjs,
// wasm-opt -g: same passes, same code). Profiling slows workerd down (about 2×
// here): read the shares, not the absolute times.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import WebSocket from "ws";
import { bindgen, optimize, root } from "../tools/wasm-pipeline.mjs";
import { loadCorpus } from "./lib/corpus.mjs";
import { assertPkgBuilt, nodeCryptoSign, startWorkerd } from "../tests/js/support/env.mjs";

const seconds = Number(process.argv[2] ?? 4);
const SECRET = "whsec_bench_2f9c4e1a";
const PATH = "/webhooks/healthie";

assertPkgBuilt();
const profilePkg = join(root, "target/profile-pkg");
rmSync(profilePkg, { recursive: true, force: true });
cpSync(join(root, "pkg"), profilePkg, { recursive: true });
const namedDir = join(root, "target/profile-bindgen");
const named = bindgen(namedDir);
optimize(named, { keepNames: true });
cpSync(named, join(profilePkg, "healthie_webhooks_bg.wasm"));
const worker = join(root, "target/profile-worker.mjs");
const source = readFileSync(join(root, "bench/lib/worker.mjs"), "utf8");
if (!source.includes('"../../pkg/workerd.mjs"')) throw new Error("bench/lib/worker.mjs no longer imports ../../pkg/workerd.mjs");
writeFileSync(worker, source.replace('"../../pkg/workerd.mjs"', '"./profile-pkg/workerd.mjs"'));

/** The function names in the module's name section (what the profile shows for wasm frames). */
function wasmNames(bytes) {
  const names = new Set();
  let p = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[p++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const end = leb() + p;
    if (id === 0) {
      const length = leb();
      const section = bytes.subarray(p, p + length).toString();
      p += length;
      while (section === "name" && p < end) {
        const sub = bytes[p++];
        const subEnd = leb() + p;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) {
            leb();
            const nameLength = leb();
            names.add(bytes.subarray(p, p + nameLength).toString());
            p += nameLength;
          }
        }
        p = subEnd;
      }
    }
    p = end;
  }
  return names;
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const inspectorPort = await freePort();
const mf = await startWorkerd(worker, { inspectorPort });
try {
  const deliveries = loadCorpus().bodies.map((body) => {
    const signed = nodeCryptoSign(PATH, body, SECRET);
    return { body, headers: { "content-type": "application/json", "content-digest": signed["Content-Digest"], signature: signed.Signature } };
  });
  const loaded = await mf.dispatchFetch("http://127.0.0.1/load", { method: "POST", body: JSON.stringify({ secret: SECRET, deliveries }) });
  if (loaded.status !== 200) throw new Error(`/load: ${loaded.status}`);
  const run = async (reps) => {
    const t0 = performance.now();
    const { valid, events } = await (await mf.dispatchFetch(`http://127.0.0.1/ours?reps=${reps}`)).json();
    if (valid !== events) throw new Error(`${events - valid} deliveries did not verify`);
    return { ms: performance.now() - t0, events };
  };
  // Warm up (tier up), then size the profiled request.
  const probe = await run(20);
  const reps = Math.max(1, Math.round((20 * seconds * 1000) / probe.ms));

  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let nextId = 0;
  const pending = new Map();
  ws.on("message", (message) => {
    const data = JSON.parse(message);
    pending.get(data.id)?.(data.result);
    pending.delete(data.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      pending.set(++nextId, resolve);
      ws.send(JSON.stringify({ id: nextId, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  const { ms, events } = await run(reps);
  const { profile } = await send("Profiler.stop");
  ws.close();

  const names = wasmNames(readFileSync(named));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName } = byId.get(id).callFrame;
    const kind = names.has(functionName) ? "wasm" : "js  ";
    // Rust's symbol hashes say nothing to a reader.
    const key = `${kind} ${(functionName || "(anonymous)").replace(/::h[0-9a-f]{16}$/, "")}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
    total += profile.timeDeltas[i];
  });
  const nsPerEvent = (ms * 1e6) / events;
  console.log(`workerd, verifyAndValidate over the corpus (${events.toLocaleString("en-US")} deliveries): ${Math.round(nsPerEvent).toLocaleString("en-US")} ns each, profiled; self time:`);
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    const share = micros / total;
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${Math.round(share * nsPerEvent).toLocaleString("en-US").padStart(6)} ns  ${key.slice(0, 110)}`);
  }
  const wasmShare = [...self].filter(([key]) => key.startsWith("wasm")).reduce((sum, [, micros]) => sum + micros, 0) / total;
  console.log(`wasm in all: ${(wasmShare * 100).toFixed(1)}%; the rest is JavaScript (with the JS-to-wasm wrappers), workerd's own code and idle time.`);
} finally {
  await mf.dispose();
}
