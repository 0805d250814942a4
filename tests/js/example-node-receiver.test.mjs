// examples-js/node-receiver, started for real on loopback (127.0.0.1, port 0):
// the node:http server and the Express app each receive a signed copy of every
// example payload of the reference, then forged, tampered, malformed,
// oversized, wrong-type and wrong-method requests; the CLIs start as users
// start them (`node server.mjs`, `node express.mjs`).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import express from "express";
import { signRequest } from "healthie-webhooks";
import { createReceiver, WEBHOOK_PATH } from "../../examples-js/node-receiver/receiver.mjs";
import { createHealthieServer } from "../../examples-js/node-receiver/server.mjs";
import { createApp } from "../../examples-js/node-receiver/express.mjs";
import { examples, nodeCryptoSign, repoRoot } from "./support/env.mjs";

const SECRET = "whsec_example_node_receiver";
const exampleDir = `${repoRoot}examples-js/node-receiver/`;


const packageSign = (path, body, secret) => signRequest({ path, body }, secret);

/** Which handlers of the example must run for an event type (by selector). */
function expectedHandlers(eventType) {
  const labels = ["*"];
  if (eventType.startsWith("appointment.")) labels.push("appointment.*");
  if (eventType === "patient.created" || eventType === "patient.updated") labels.push("patient.created|patient.updated");
  if (eventType === "patient.created") labels.push("welcome");
  return labels;
}

/** [label, eventType] of the example's log lines for handlers. */
function handlerRuns(lines) {
  return lines
    .map((line) => /^\[([^\]]+)\] ([a-z0-9_]+\.[a-z0-9_]+) /.exec(line))
    .filter((m) => m !== null && m[1] !== "rejected")
    .map((m) => [m[1], m[2]]);
}

async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return `http://127.0.0.1:${server.address().port}`;
}

async function close(server) {
  if (!server?.listening) return;
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
}

async function send(url, { method = "POST", headers = {}, body } = {}) {
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (e.g. Express's own 404 page): keep the text.
  }
  return { status: response.status, json, text };
}

// The same suite for the node:http server and the Express app.
for (const flavour of [
  { name: "node:http server (server.mjs)", start: (webhooks) => createHealthieServer({ webhooks }), sign: packageSign },
  // An Express app is a request listener: served by node:http, as app.listen() does.
  { name: "Express app (express.mjs)", start: (webhooks) => createServer(createApp({ webhooks })), sign: nodeCryptoSign },
]) {
  describe(flavour.name, () => {
    const lines = [];
    const log = (line) => lines.push(line);
    let server;
    let base;
    before(async () => {
      server = flavour.start(createReceiver({ secret: SECRET, log }));
      base = await listen(server);
    });
    after(() => close(server));

    async function deliver(body, { sign = flavour.sign, secret = SECRET, headers = {}, method = "POST", path = WEBHOOK_PATH } = {}) {
      lines.length = 0;
      const signed = sign(path, body, secret);
      return send(`${base}${path}`, { method, headers: { ...signed, ...headers }, body });
    }

    test(`every example payload of the reference (${examples.length}) is accepted and reaches exactly its handlers`, async () => {
      assert.equal(examples.length, 167);
      const seenTypes = new Set();
      for (const { event_type: eventType, body } of examples) {
        const result = await deliver(body);
        assert.equal(result.status, 200, `${eventType}: ${result.text}`);
        assert.deepEqual(result.json, { ok: true });
        const expected = expectedHandlers(eventType).map((label) => [label, eventType]);
        assert.deepEqual(handlerRuns(lines), expected, `${eventType}: ${lines.join("\n")}`);
        assert.ok(!lines.some((l) => l.startsWith("[rejected]")), lines.join("\n"));
        seenTypes.add(eventType);
      }
      assert.ok(seenTypes.has("appointment.created") && seenTypes.has("patient.created"));
    });

    test("the two signers agree (the package's signRequest and Node's crypto)", () => {
      for (const { body } of examples.slice(0, 20)) {
        assert.deepEqual(packageSign(WEBHOOK_PATH, body, SECRET), nodeCryptoSign(WEBHOOK_PATH, body, SECRET));
      }
    });

    test("a retried delivery is answered 200 but its side effect runs once (deliveryKey)", async () => {
      const body = examples.find((e) => e.event_type === "patient.created").body.replace(/"resource_id": ?"[^"]*"/, '"resource_id": "retry-1"');
      assert.equal((await deliver(body)).status, 200);
      assert.ok(lines.some((l) => l.startsWith("[welcome] patient.created welcome message sent to user retry-1")), lines.join("\n"));
      assert.equal((await deliver(body)).status, 200);
      assert.ok(lines.some((l) => l.startsWith("[welcome] patient.created duplicate delivery")), lines.join("\n"));
      assert.ok(!lines.some((l) => l.includes("welcome message sent")), lines.join("\n"));
    });

    const appointment = examples.find((e) => e.event_type === "appointment.created").body;
    const rejections = [
      ["forged (wrong secret)", () => deliver(appointment, { secret: "whsec_forger" }), 401, "signature_invalid"],
      ["tampered body (same length, signed headers of the original)", () => {
        const headers = flavour.sign(WEBHOOK_PATH, appointment, SECRET);
        const tampered = appointment.replace(/\d/, (d) => String((Number(d) + 1) % 10));
        assert.notEqual(tampered, appointment);
        lines.length = 0;
        return send(`${base}${WEBHOOK_PATH}`, { headers, body: tampered });
      }, 401, "signature_invalid"],
      ["unsigned", () => { lines.length = 0; return send(`${base}${WEBHOOK_PATH}`, { headers: { "content-type": "application/json" }, body: appointment }); }, 401, "signature_invalid"],
      ["malformed JSON (validly signed)", () => deliver('{"resource_id": "1", "event_type": '), 400, "invalid_payload"],
      ["a JSON array (validly signed)", () => deliver("[]"), 400, "invalid_payload"],
      ["oversized (over 1 MiB, validly signed)", () => deliver(JSON.stringify({ resource_id: "1", padding: "x".repeat(1 << 20) })), 413, "body_too_large"],
      ["wrong content type", () => deliver(appointment, { headers: { "Content-Type": "text/plain" } }), 415, "unsupported_media_type"],
      ["GET", () => { lines.length = 0; return send(`${base}${WEBHOOK_PATH}`, { method: "GET" }); }, 405, "method_not_allowed"],
    ];
    for (const [name, run, status, code] of rejections) {
      test(`${name} → ${status} ${code}, no handler ran`, async () => {
        const result = await run();
        assert.equal(result.status, status, result.text);
        assert.equal(result.json?.error, code, result.text);
        assert.ok(!result.text.includes(SECRET));
        assert.deepEqual(handlerRuns(lines), [], lines.join("\n"));
        assert.ok(lines.some((l) => l.startsWith(`[rejected] ${status} ${code}`)), `onError logged it: ${lines.join("\n")}`);
      });
    }

    test("the issues of an invalid payload are listed in the 400 answer", async () => {
      const result = await deliver('{"resource_id": "1", "event_type": ');
      assert.equal(result.json.issues[0].code, "invalid_json");
      assert.match(result.json.issues[0].message, /line 1/);
    });

    test("the server keeps serving after the rejections", async () => {
      assert.equal((await deliver(appointment)).status, 200);
    });
  });
}

describe("handler failures and unknown events, on the example receiver", () => {
  const lines = [];
  let server;
  let base;
  before(async () => {
    const webhooks = createReceiver({ secret: SECRET, log: (line) => lines.push(line) });
    // A handler whose downstream is down.
    webhooks.on("task.created", () => {
      throw new Error("task queue unavailable");
    });
    server = createHealthieServer({ webhooks });
    base = await listen(server);
  });
  after(() => close(server));

  test("a throwing handler → 500, onError called, the exception not in the answer", async (t) => {
    t.mock.method(console, "error", () => {});
    const body = examples.find((e) => e.event_type === "task.created").body;
    lines.length = 0;
    const result = await send(`${base}${WEBHOOK_PATH}`, { headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body });
    assert.equal(result.status, 500);
    assert.equal(result.json.error, "handler_failed");
    assert.ok(!result.text.includes("task queue unavailable"));
    assert.deepEqual(handlerRuns(lines), [["*", "task.created"]]);
    assert.ok(lines.some((l) => l.startsWith("[rejected] 500 handler_failed")), lines.join("\n"));
  });

  test("an unknown event (lenient mode) → 200 and reaches '*'", async () => {
    const body = '{"resource_id":"9","resource_id_type":"Hologram","event_type":"hologram.projected","changed_fields":[]}';
    lines.length = 0;
    const result = await send(`${base}${WEBHOOK_PATH}`, { headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body });
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(handlerRuns(lines), [["*", "hologram.projected"]]);
    assert.match(lines[0], /not in the catalogue/);
  });

  test("other paths are not the receiver's", async () => {
    assert.equal((await send(`${base}/elsewhere`, { method: "POST", body: "{}" })).status, 404);
  });
});

describe("Express body parsers", () => {
  const servers = [];
  after(async () => {
    for (const s of servers) await close(s);
  });
  async function appWith(mount) {
    const lines = [];
    const webhooks = createReceiver({ secret: SECRET, log: (line) => lines.push(line) });
    const app = express();
    mount(app, webhooks.nodeMiddleware());
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await once(server, "listening");
    return { base: `http://127.0.0.1:${server.address().port}`, lines };
  }
  const body = () => examples.find((e) => e.event_type === "appointment.updated").body;

  test("express.json() mounted first → 500 that says what happened and how to fix it; no handler ran", async () => {
    const { base, lines } = await appWith((app, middleware) => {
      app.use(express.json());
      app.post(WEBHOOK_PATH, middleware);
    });
    const result = await send(`${base}${WEBHOOK_PATH}`, { headers: signRequest({ path: WEBHOOK_PATH, body: body() }, SECRET), body: body() });
    assert.equal(result.status, 500);
    assert.equal(result.json.error, "body_already_read");
    assert.match(result.json.message, /already consumed by a body parser \(e\.g\. express\.json\(\)/);
    assert.match(result.json.message, /Mount the webhook route before express\.json\(\)/);
    assert.match(result.json.message, /express\.raw\(\{ type: "application\/json" \}\)/);
    assert.deepEqual(handlerRuns(lines), []);
  });

  test("express.raw({ type: 'application/json' }) on the route → 200", async () => {
    const { base, lines } = await appWith((app, middleware) => {
      app.post(WEBHOOK_PATH, express.raw({ type: "application/json" }), middleware);
      app.use(express.json());
    });
    const result = await send(`${base}${WEBHOOK_PATH}`, { headers: signRequest({ path: WEBHOOK_PATH, body: body() }, SECRET), body: body() });
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(handlerRuns(lines), [["*", "appointment.updated"], ["appointment.*", "appointment.updated"]]);
  });

  test("a router mounted under a prefix verifies the full path (originalUrl)", async () => {
    const { base, lines } = await appWith((app, middleware) => {
      const router = express.Router();
      router.post("/healthie", middleware);
      app.use("/webhooks", router);
    });
    const result = await send(`${base}${WEBHOOK_PATH}`, { headers: signRequest({ path: WEBHOOK_PATH, body: body() }, SECRET), body: body() });
    assert.equal(result.status, 200, result.text);
    assert.equal(handlerRuns(lines).length, 2);
  });
});

describe("the CLIs start as documented", () => {
  const children = [];
  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    }
  });

  function start(file, env) {
    const child = spawn(process.execPath, [file], {
      cwd: exampleDir,
      env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const waitFor = (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(stdout);
          if (m) {
            child.stdout.off("data", check);
            child.off("exit", onExit);
            resolve(m);
          }
        };
        const onExit = (code) => reject(new Error(`${file} exited (${code}) before printing ${pattern}:\n${stdout}\n${stderr}`));
        child.stdout.on("data", check);
        child.once("exit", onExit);
        check();
      });
    return { child, waitFor, output: () => ({ stdout, stderr }) };
  }

  for (const file of ["server.mjs", "express.mjs"]) {
    test(`node ${file}: listens on 127.0.0.1, logs each event by type`, async () => {
      const { waitFor } = start(file, { HEALTHIE_WEBHOOK_SECRET: SECRET });
      const [, url] = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/webhooks\/healthie)/);
      const body = examples.find((e) => e.event_type === "appointment.created").body;
      const result = await send(url, { headers: signRequest({ path: WEBHOOK_PATH, body }, SECRET), body });
      assert.equal(result.status, 200, result.text);
      await waitFor(/\[\*\] appointment\.created Appointment#\S+ key=[0-9a-f]{12}\n/);
      await waitFor(/\[appointment\.\*\] appointment\.created appointment /);
      const forged = await send(url, { headers: signRequest({ path: WEBHOOK_PATH, body }, "nope"), body });
      assert.equal(forged.status, 401);
      await waitFor(/\[rejected\] 401 signature_invalid/);
    });
  }

  test("node minimal.mjs (the ten-line receiver of the README) logs a delivery, rejects a forgery", async () => {
    const { waitFor } = start("minimal.mjs", { HEALTHIE_WEBHOOK_SECRET: SECRET });
    const [, port] = await waitFor(/listening on (\d+)/);
    const url = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
    const { body } = examples.find((e) => e.event_type === "appointment.updated");
    const result = await send(url, { headers: nodeCryptoSign(WEBHOOK_PATH, body, SECRET), body });
    assert.equal(result.status, 200, result.text);
    await waitFor(/appointment\.updated \S+\nreceived appointment\.updated\n/);
    assert.equal((await send(url, { headers: nodeCryptoSign(WEBHOOK_PATH, body, "forger"), body })).status, 401);
  });

  test("without HEALTHIE_WEBHOOK_SECRET the server refuses to start", async () => {
    const { child, output } = start("server.mjs", {});
    const [code] = await once(child, "exit");
    assert.notEqual(code, 0);
    assert.match(output().stderr, /TypeError: createWebhooks: no secret given/);
  });
});
