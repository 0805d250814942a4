// examples-js/cloudflare-worker, bundled as wrangler bundles it (esbuild,
// conditions workerd/worker/browser, the .wasm kept as a CompiledWasm module)
// and run in workerd through Miniflare, offline (cf: false) on 127.0.0.1: every
// example payload of the reference, then forged, tampered, malformed,
// oversized, wrong-type and wrong-method requests, over real loopback HTTP.
// Which handlers ran is read from the Worker's own JSON log lines.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { signRequest } from "healthie-webhooks";
import { examples, nodeCryptoSign, repoRoot } from "./support/env.mjs";

const SECRET = "whsec_example_cloudflare_worker";
const WEBHOOK_PATH = "/webhooks/healthie";
const exampleDir = `${repoRoot}examples-js/cloudflare-worker/`;
const wranglerToml = readFileSync(`${exampleDir}wrangler.toml`, "utf8");
const tomlValue = (key) => new RegExp(`^${key}\\s*=\\s*"?([^"\\n]*)"?\\s*$`, "m").exec(wranglerToml)?.[1];
// Generous: the machine running the tests may be slow and busy.
const LOG_WAIT_MS = 30_000;

const outDirs = [];
const bundles = new Map();

/** Bundles a Worker like wrangler does (once per entry); returns Miniflare's options for its modules. */
function bundleWorker(entry = tomlValue("main")) {
  if (!bundles.has(entry)) bundles.set(entry, bundleOnce(entry));
  return bundles.get(entry);
}

async function bundleOnce(entry) {
  const outDir = mkdtempSync(join(tmpdir(), "healthie-worker-"));
  outDirs.push(outDir);
  await build({
    entryPoints: [join(exampleDir, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    logLevel: "warning",
  });
  const name = entry.replace(/^.*\//, "");
  return {
    modulesRoot: outDir,
    modules: [
      { type: "ESModule", path: join(outDir, name) },
      { type: "CompiledWasm", path: join(outDir, "healthie_webhooks_bg.wasm") },
    ],
  };
}

/** A Worker in workerd whose log lines are collected (parsed JSON). */
async function startWorker({ modules, modulesRoot }, { bindings = { HEALTHIE_WEBHOOK_SECRET: SECRET }, kv = true } = {}) {
  const logs = [];
  const waiters = new Set();
  const mf = new Miniflare({
    modules,
    modulesRoot,
    compatibilityDate: tomlValue("compatibility_date"),
    bindings,
    kvNamespaces: kv ? ["PROCESSED"] : [],
    // The network rule: no cf.json fetch, loopback only.
    cf: false,
    host: "127.0.0.1",
    port: 0,
    handleStructuredLogs: ({ message }) => {
      let entry;
      try {
        entry = JSON.parse(message);
      } catch {
        entry = { text: message };
      }
      logs.push(entry);
      for (const w of waiters) w();
    },
  });
  const url = await mf.ready;
  /** Resolves with the logs from `from` on, once `done(those)` holds. */
  function waitForLogs(from, done) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const since = logs.slice(from);
        if (done(since)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(since);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for the Worker's logs; got:\n${logs.slice(from).map((l) => JSON.stringify(l)).join("\n")}`));
      }, LOG_WAIT_MS);
      waiters.add(check);
      check();
    });
  }
  return { mf, base: new URL(WEBHOOK_PATH, url).href, origin: url.origin, logs, waitForLogs };
}

/** Real loopback HTTP (node:http, no connection reuse). */
function send(url, { method = "POST", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}


function expectedHandlers(eventType, { firstPatientCreated = true } = {}) {
  const labels = ["*"];
  if (eventType.startsWith("appointment.")) labels.push("appointment.*");
  if (eventType === "patient.created" || eventType === "patient.updated") labels.push("patient.created|patient.updated");
  if (eventType === "patient.created") labels.push(firstPatientCreated ? "welcome" : "welcome (duplicate)");
  return labels;
}

const handlerLabel = (l) => (l.handler === "welcome" && l.duplicate ? "welcome (duplicate)" : l.handler);
const handlerRuns = (lines) => lines.filter((l) => l.handler !== undefined && l.handler !== "onError").map((l) => [handlerLabel(l), l.event_type]);

before(async () => {
  assert.equal(examples.length, 167);
});
after(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

test("wrangler.toml: module syntax, metrics off, the KV binding the code uses", () => {
  assert.equal(tomlValue("main"), "src/index.mjs");
  assert.match(tomlValue("compatibility_date"), /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(tomlValue("send_metrics"), "false");
  assert.match(wranglerToml, /binding\s*=\s*"PROCESSED"/);
  const source = readFileSync(`${exampleDir}src/index.mjs`, "utf8");
  assert.match(source, /^import \{ createWebhooks \} from "healthie-webhooks";$/m, "imports the package by name");
  assert.match(source, /^export default \{/m, "module syntax");
  assert.match(source, /\.handle\(request\)/);
});

describe("the Worker in workerd (Miniflare), over loopback HTTP", () => {
  let worker;
  before(async () => {
    worker = await startWorker(await bundleWorker());
  });
  after(async () => {
    await worker?.mf.dispose();
  });

  /** POSTs a signed body; waits until its last expected log line arrived. */
  async function deliver(body, { sign = (path, b, s) => signRequest({ path, body: b }, s), secret = SECRET, headers = {}, method = "POST" } = {}) {
    const from = worker.logs.length;
    const result = await send(worker.base, { method, headers: { ...sign(WEBHOOK_PATH, body, secret), ...headers }, body });
    return { ...result, from };
  }

  /** A sentinel request whose onError line proves all earlier lines arrived. */
  async function settle(from) {
    const marker = `settle-${from}-${Math.random()}`;
    await send(`${worker.base}?${marker}`, { method: "GET" });
    const since = await worker.waitForLogs(from, (lines) => lines.some((l) => l.handler === "onError" && l.status === 405));
    return since.slice(0, since.findIndex((l) => l.handler === "onError" && l.status === 405));
  }

  test(`every example payload of the reference (${examples.length}) → 200 and exactly its handlers`, async () => {
    const patientCreatedSeen = new Set();
    let last = null;
    for (const [i, { event_type: eventType, body }] of examples.entries()) {
      // Half signed by the package, half by Node's own crypto.
      const sign = i % 2 === 0 ? (path, b, s) => signRequest({ path, body: b }, s) : nodeCryptoSign;
      const result = await deliver(body, { sign });
      assert.equal(result.status, 200, `${eventType}: ${result.text}`);
      assert.deepEqual(result.json, { ok: true });
      const first = !(eventType === "patient.created" && patientCreatedSeen.has(body));
      if (eventType === "patient.created") patientCreatedSeen.add(body);
      const expected = expectedHandlers(eventType, { firstPatientCreated: first }).map((label) => [label, eventType]);
      const lines = await worker.waitForLogs(result.from, (since) => handlerRuns(since).length >= expected.length);
      assert.deepEqual(handlerRuns(lines), expected, `${eventType}: ${JSON.stringify(lines)}`);
      const star = lines.find((l) => l.handler === "*");
      assert.equal(star.deliveryKey, createHash("sha256").update(body, "utf8").digest("hex"));
      assert.equal(star.known, true);
      last = { from: result.from, expected };
    }
    // Nothing else came after the last delivery.
    assert.deepEqual(handlerRuns(await settle(last.from)), last.expected);
  });

  test("a retried delivery → 200, the side effect ran once (deliveryKey in KV)", async () => {
    const body = examples.find((e) => e.event_type === "patient.created").body.replace(/"resource_id": ?"[^"]*"/, '"resource_id": "worker-retry-1"');
    const firstTry = await deliver(body);
    assert.equal(firstTry.status, 200);
    const retry = await deliver(body);
    assert.equal(retry.status, 200);
    const lines = await settle(firstTry.from);
    const welcome = lines.filter((l) => l.handler === "welcome");
    assert.deepEqual(welcome.map((l) => (l.duplicate ? "duplicate" : l.sent ? "sent" : "?")), ["sent", "duplicate"]);
    const kv = await worker.mf.getKVNamespace("PROCESSED");
    assert.equal(await kv.get(createHash("sha256").update(body).digest("hex")), "patient.created");
  });

  test("an unknown event (lenient mode) → 200 and reaches '*' only", async () => {
    const body = '{"resource_id":"9","resource_id_type":"Hologram","event_type":"hologram.projected","changed_fields":[]}';
    const result = await deliver(body);
    assert.equal(result.status, 200, result.text);
    const lines = await settle(result.from);
    assert.deepEqual(handlerRuns(lines), [["*", "hologram.projected"]]);
    assert.equal(lines[0].known, false);
  });

  const appointment = () => examples.find((e) => e.event_type === "appointment.created").body;
  const rejections = [
    ["forged (wrong secret)", () => deliver(appointment(), { secret: "whsec_forger" }), 401, "signature_invalid"],
    ["forged with Node's crypto", () => deliver(appointment(), { sign: nodeCryptoSign, secret: "whsec_forger" }), 401, "signature_invalid"],
    ["tampered body (headers of the original)", async () => {
      const from = worker.logs.length;
      const tampered = appointment().replace(/\d/, (d) => String((Number(d) + 1) % 10));
      return { ...(await send(worker.base, { headers: signRequest({ path: WEBHOOK_PATH, body: appointment() }, SECRET), body: tampered })), from };
    }, 401, "signature_invalid"],
    ["signed for another path", () => deliver(appointment(), { sign: (p, b, s) => signRequest({ path: "/other", body: b }, s) }), 401, "signature_invalid"],
    ["malformed JSON (validly signed)", () => deliver('{"resource_id": "1", "event_type": '), 400, "invalid_payload"],
    ["valid JSON that is no event (validly signed)", () => deliver('{"hello":"world"}'), 400, "invalid_payload"],
    ["oversized (over 1 MiB, validly signed)", () => deliver(JSON.stringify({ resource_id: "1", padding: "x".repeat(1 << 20) })), 413, "body_too_large"],
    ["wrong content type", () => deliver(appointment(), { headers: { "Content-Type": "text/plain" } }), 415, "unsupported_media_type"],
    ["GET", async () => ({ ...(await send(worker.base, { method: "GET" })), from: worker.logs.length }), 405, "method_not_allowed"],
    ["PUT, validly signed", () => deliver(appointment(), { method: "PUT" }), 405, "method_not_allowed"],
  ];
  for (const [name, run, status, code] of rejections) {
    test(`${name} → ${status} ${code}, no handler ran`, async () => {
      const from = worker.logs.length;
      const result = await run();
      assert.equal(result.status, status, result.text);
      assert.equal(result.json?.error, code, result.text);
      assert.ok(!result.text.includes(SECRET));
      const lines = await worker.waitForLogs(from, (since) => since.some((l) => l.handler === "onError" && l.status === status));
      assert.deepEqual(handlerRuns(lines), [], JSON.stringify(lines));
      assert.equal(lines.find((l) => l.handler === "onError").code, code);
    });
  }

  test("other paths → 404 from the Worker itself", async () => {
    assert.equal((await send(`${worker.origin}/elsewhere`, { method: "POST", body: "{}" })).status, 404);
  });

  test("dispatchFetch reaches the same Worker", async () => {
    const body = appointment();
    const response = await worker.mf.dispatchFetch(worker.base, { method: "POST", headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body });
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { ok: true });
  });
});

describe("a handler that throws in the Worker (its KV binding is missing)", () => {
  let worker;
  before(async () => {
    worker = await startWorker(await bundleWorker(), { kv: false });
  });
  after(async () => {
    await worker?.mf.dispose();
  });

  test("→ 500, the handlers before it ran, onError got the cause, the answer does not show it", async () => {
    const body = examples.find((e) => e.event_type === "patient.created").body;
    const from = worker.logs.length;
    const result = await send(worker.base, { headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body });
    assert.equal(result.status, 500, result.text);
    assert.equal(result.json.error, "handler_failed");
    assert.ok(!/TypeError|PROCESSED/.test(result.text), result.text);
    const lines = await worker.waitForLogs(from, (since) => since.some((l) => l.handler === "onError"));
    assert.deepEqual(handlerRuns(lines), [["*", "patient.created"], ["patient.created|patient.updated", "patient.created"]]);
    const error = lines.find((l) => l.handler === "onError");
    assert.equal(error.status, 500);
    assert.equal(error.code, "handler_failed");
    assert.match(error.cause, /TypeError/);
  });

  test("events without that handler are unaffected", async () => {
    const body = examples.find((e) => e.event_type === "appointment.updated").body;
    assert.equal((await send(worker.base, { headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body })).status, 200);
  });
});

describe("the ten-line Worker of the README (src/minimal.mjs)", () => {
  let worker;
  before(async () => {
    worker = await startWorker(await bundleWorker("src/minimal.mjs"), { kv: false });
  });
  after(async () => {
    await worker?.mf.dispose();
  });

  test("logs a signed delivery and rejects a forged one", async () => {
    const { body } = examples.find((e) => e.event_type === "appointment.created");
    const resourceId = JSON.parse(body).resource_id;
    const from = worker.logs.length;
    const ok = await send(worker.base, { headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body });
    assert.equal(ok.status, 200, ok.text);
    const lines = await worker.waitForLogs(from, (since) => since.length >= 2);
    assert.deepEqual(lines.map((l) => l.text), [`appointment.created ${resourceId}`, "received appointment.created"]);
    const forged = await send(worker.base, { headers: nodeCryptoSign(WEBHOOK_PATH, body, "forger"), body });
    assert.equal(forged.status, 401);
  });
});
