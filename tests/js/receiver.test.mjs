// Unit tests of the receiver (pkg-template/receiver.js) through the package as
// users import it: the router, every answer of the fetch adapter, the Node
// adapter on a real loopback server, deliveryKey, and the receiver's types.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { createWebhooks, deliveryKey, signRequest, classify, WebhookError } from "healthie-webhooks";
import { repoRoot } from "./support/env.mjs";

const SECRET = "whsec_unit_test_secret";
const PATH = "/webhooks/healthie";

const bodies = {
  appointmentCreated: '{"resource_id":"101","resource_id_type":"Appointment","event_type":"appointment.created","resource_organization_id":"9","changed_fields":[]}',
  appointmentUpdated: '{"resource_id":"101","resource_id_type":"Appointment","event_type":"appointment.updated","resource_organization_id":"9","changed_fields":["date"]}',
  patientCreated: '{"resource_id":"55","resource_id_type":"User","event_type":"patient.created","changed_fields":[]}',
  // Non-ASCII: bytes and characters differ.
  participantJoined: '{"resource_id":"7","resource_id_type":"Appointment","event_type":"appointment.participant_joined","host_user_id":"3","user_name":"Zoë Åström","user_email":"zoe@example.com","changed_fields":[]}',
  unknownEvent: '{"resource_id":"1","resource_id_type":"Hologram","event_type":"hologram.projected","changed_fields":[]}',
  undocumentedKnown: '{"resource_id":"1","resource_id_type":"Appointment","event_type":"appointment.transcript_failed","changed_fields":[]}',
};

function signedRequest(body, { secret = SECRET, path = PATH, query = "", url, headers = {}, method = "POST" } = {}) {
  const signed = signRequest({ path, query, body }, secret);
  const target = url ?? `https://receiver.example${path}${query ? `?${query}` : ""}`;
  return new Request(target, { method, headers: { ...signed, ...headers }, body });
}

async function answer(response) {
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : null, text, headers: response.headers };
}

/** A receiver whose handlers and onError calls are recorded. */
function recorder(options = {}) {
  const calls = [];
  const errors = [];
  const webhooks = createWebhooks({ secret: SECRET, ...options });
  webhooks.on("*", ({ event }) => calls.push(["*", event.event_type]));
  webhooks.on("appointment.*", ({ event }) => calls.push(["appointment.*", event.event_type]));
  webhooks.on("appointment.created", ({ event }) => calls.push(["appointment.created", event.event_type]));
  webhooks.on(["patient.created", "patient.updated"], ({ event }) => calls.push(["patient.created|updated", event.event_type]));
  webhooks.onError((error) => errors.push(error));
  return { webhooks, calls, errors };
}

describe("createWebhooks fails closed and checks its options", () => {
  const cases = [
    ["no options", undefined, /pass an object/],
    ["no secret", {}, /no secret given/],
    ["secret from an unset environment variable", { secret: process.env.HEALTHIE_SURELY_UNSET_VARIABLE }, /no secret given.*check that the variable is set/s],
    ["empty secret", { secret: "" }, /non-empty string, got an empty string/],
    ["secret of the wrong type", { secret: 42 }, /non-empty string/],
    ["empty list of secrets", { secrets: [] }, /empty/],
    ["secrets not an array", { secrets: "abc" }, /must be an array/],
    ["a list holding an empty secret", { secrets: ["ok", ""] }, /non-empty string/],
    ["secret and secrets", { secret: "a", secrets: ["b"] }, /either `secret` or `secrets`/],
    ["a misspelt option", { secret: "a", signingSecret: "b" }, /unknown option "signingSecret"/],
    ["unknown mode", { secret: "a", mode: "loose" }, /mode must be/],
    ["relative path", { secret: "a", path: "webhooks" }, /path must be/],
    ["unknown policy", { secret: "a", onUnknownEvent: "drop" }, /onUnknownEvent must be/],
    ["zero maxBytes", { secret: "a", maxBytes: 0 }, /maxBytes/],
  ];
  for (const [name, options, message] of cases) {
    test(name, () => {
      assert.throws(() => createWebhooks(options), (e) => e instanceof TypeError && message.test(e.message));
    });
  }
  test("a secret never appears in an error message", () => {
    assert.throws(() => createWebhooks({ secrets: ["topsecret-value", 3] }), (e) => !e.message.includes("topsecret-value"));
  });
});

describe("on() and onError() check their arguments", () => {
  const webhooks = createWebhooks({ secret: SECRET });
  test("malformed selectors and non-function handlers throw TypeErrors", () => {
    for (const bad of ["", "appointment", "Appointment.Created", "appointment.*.x", "*.created", 42, null]) {
      assert.throws(() => webhooks.on(bad, () => {}), TypeError, String(bad));
    }
    assert.throws(() => webhooks.on([], () => {}), TypeError);
    assert.throws(() => webhooks.on("*", "not a function"), TypeError);
    assert.throws(() => webhooks.onError(undefined), TypeError);
  });
  test("unknown but well-formed names are accepted with one warning (Healthie adds events)", (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    webhooks.on("appointment.create", () => {});
    webhooks.on("appointment.create", () => {});
    webhooks.on("hologram.*", () => {});
    assert.equal(warn.mock.callCount(), 2);
    assert.match(warn.mock.calls[0].arguments[0], /appointment\.create.*typo.*appointment\.created/s);
    assert.match(warn.mock.calls[1].arguments[0], /no known event has the resource "hologram"/);
  });
  test("known names, resource wildcards and '*' register silently and chain", (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const chained = webhooks.on("appointment.created", () => {}).on("billing_item.*", () => {}).on("*", () => {}).onError(() => {});
    assert.equal(chained, webhooks);
    assert.equal(warn.mock.callCount(), 0);
  });
});

describe("dispatch", () => {
  test("exact names, arrays, resource wildcards and '*' run in order of registration", async () => {
    const { webhooks, calls, errors } = recorder();
    for (const body of [bodies.appointmentCreated, bodies.appointmentUpdated, bodies.patientCreated]) {
      const { status, body: json } = await answer(await webhooks.handle(signedRequest(body)));
      assert.equal(status, 200);
      assert.deepEqual(json, { ok: true });
    }
    assert.deepEqual(calls, [
      ["*", "appointment.created"],
      ["appointment.*", "appointment.created"],
      ["appointment.created", "appointment.created"],
      ["*", "appointment.updated"],
      ["appointment.*", "appointment.updated"],
      ["*", "patient.created"],
      ["patient.created|updated", "patient.created"],
    ]);
    assert.deepEqual(errors, []);
  });

  test("async handlers are awaited one after the other, before the answer", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    const order = [];
    webhooks.on("appointment.created", async () => {
      order.push("first:start");
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push("first:end");
    });
    webhooks.on("appointment.*", async () => {
      order.push("second");
    });
    const response = await webhooks.handle(signedRequest(bodies.appointmentCreated));
    order.push(`answered ${response.status}`);
    assert.deepEqual(order, ["first:start", "first:end", "second", "answered 200"]);
  });

  test("a handler given several names runs once per delivery", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    let runs = 0;
    webhooks.on(["appointment.created", "appointment.*", "*"], () => runs++);
    assert.equal((await webhooks.handle(signedRequest(bodies.appointmentCreated))).status, 200);
    assert.equal(runs, 1);
  });

  test("the context: event, info, report, raw bytes and deliveryKey", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    let seen = null;
    webhooks.on("appointment.participant_joined", (ctx) => {
      seen = ctx;
    });
    assert.equal((await webhooks.handle(signedRequest(bodies.participantJoined))).status, 200);
    const raw = Buffer.from(bodies.participantJoined, "utf8");
    assert.deepEqual(seen.event, JSON.parse(bodies.participantJoined));
    assert.equal(seen.event.user_name, "Zoë Åström");
    assert.equal(seen.info, classify("appointment.participant_joined"));
    assert.equal(seen.report.valid, true);
    assert.equal(seen.report.event, seen.event);
    assert.ok(seen.raw instanceof Uint8Array);
    assert.deepEqual(Buffer.from(seen.raw), raw);
    assert.equal(seen.deliveryKey, createHash("sha256").update(raw).digest("hex"));
    assert.equal(seen.deliveryKey, deliveryKey(raw));
  });

  test("a delivery no handler selects is still accepted", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    webhooks.on("patient.created", () => assert.fail("must not run"));
    assert.equal((await webhooks.handle(signedRequest(bodies.appointmentCreated))).status, 200);
  });

  test("handlers registered while a delivery runs wait for the next delivery", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    let late = 0;
    webhooks.on("*", () => {
      webhooks.on("*", () => late++);
    });
    await webhooks.handle(signedRequest(bodies.appointmentCreated));
    assert.equal(late, 0);
    await webhooks.handle(signedRequest(bodies.appointmentCreated));
    assert.equal(late, 1);
  });
});

describe("answers of the fetch adapter, and that no handler runs on a rejection", () => {
  async function rejected(request, options, expectedStatus, expectedCode) {
    const { webhooks, calls, errors } = recorder(options);
    const result = await answer(await webhooks.handle(request));
    assert.equal(result.status, expectedStatus, result.text);
    assert.equal(result.body.error, expectedCode);
    assert.equal(typeof result.body.message, "string");
    assert.match(result.headers.get("content-type"), /^application\/json/);
    assert.deepEqual(calls, [], "no handler may run");
    assert.equal(errors.length, 1, "onError is called once");
    assert.ok(errors[0] instanceof WebhookError);
    assert.equal(errors[0].status, expectedStatus);
    assert.equal(errors[0].code, expectedCode);
    for (const text of [result.text, errors[0].message]) assert.ok(!text.includes(SECRET), "never a secret");
    return { result, error: errors[0] };
  }

  test("405 for every method but POST, with Allow: POST", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const request = new Request(`https://receiver.example${PATH}`, { method });
      const { result } = await rejected(request, {}, 405, "method_not_allowed");
      assert.equal(result.headers.get("allow"), "POST");
    }
  });

  test("415 for a missing or non-JSON content type (parameters are fine)", async () => {
    const body = bodies.appointmentCreated;
    const signed = signRequest({ path: PATH, body }, SECRET);
    const { "Content-Type": _, ...withoutType } = signed;
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp", undefined]) {
      const headers = contentType === undefined ? withoutType : { ...withoutType, "content-type": contentType };
      const request = new Request(`https://receiver.example${PATH}`, { method: "POST", headers, body: new TextEncoder().encode(body) });
      if (contentType === undefined) assert.equal(request.headers.get("content-type"), null);
      await rejected(request, {}, 415, "unsupported_media_type");
    }
    const { webhooks, calls } = recorder();
    const ok = await webhooks.handle(signedRequest(body, { headers: { "Content-Type": "Application/JSON; charset=utf-8" } }));
    assert.equal(ok.status, 200);
    assert.equal(calls.length, 3);
  });

  test("413 from the declared Content-Length, before reading", async () => {
    const body = bodies.appointmentCreated;
    const stream = new Blob([body]).stream();
    const headers = { ...signRequest({ path: PATH, body }, SECRET), "Content-Length": String(10_000) };
    const request = new Request(`https://receiver.example${PATH}`, { method: "POST", headers, body: stream, duplex: "half" });
    const { result } = await rejected(request, { maxBytes: 1000 }, 413, "body_too_large");
    assert.match(result.body.message, /10000 bytes, over the limit of 1000/);
    assert.equal(request.bodyUsed, false, "the body was not read");
  });

  test("413 from the bytes actually read when no length is declared (streamed, bounded)", async () => {
    let chunksPulled = 0;
    const chunk = new Uint8Array(4096).fill(0x20);
    const endless = new ReadableStream({
      pull(controller) {
        chunksPulled++;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(`https://receiver.example${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: endless,
      duplex: "half",
    });
    await rejected(request, { maxBytes: 64 * 1024 }, 413, "body_too_large");
    assert.ok(chunksPulled < 64, `reading stopped at the limit (${chunksPulled} chunks pulled)`);
  });

  test("401 for a wrong secret, missing headers, a tampered body, a swapped path or query", async () => {
    const body = bodies.appointmentCreated;
    const forged = await rejected(signedRequest(body, { secret: "not-the-secret" }), {}, 401, "signature_invalid");
    assert.equal(forged.result.body.reason, "signature_mismatch");
    assert.match(forged.error.verification.likelyCause, /secret is wrong/);

    const unsigned = new Request(`https://receiver.example${PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal((await rejected(unsigned, {}, 401, "signature_invalid")).result.body.reason, "missing_header");

    const signed = signRequest({ path: PATH, body }, SECRET);
    const tampered = body.replace('"101"', '"102"');
    assert.equal(tampered.length, body.length);
    const swapped = new Request(`https://receiver.example${PATH}`, { method: "POST", headers: signed, body: tampered });
    assert.equal((await rejected(swapped, {}, 401, "signature_invalid")).result.body.reason, "digest_mismatch");

    await rejected(signedRequest(body, { url: `https://receiver.example/elsewhere` }), {}, 401, "signature_invalid");
    await rejected(signedRequest(body, { query: "a=1", url: `https://receiver.example${PATH}?a=2` }), {}, 401, "signature_invalid");
  });

  test("400 for malformed JSON, a body that is not an event, and strict-mode errors; issues listed, no secret", async () => {
    const malformed = await rejected(signedRequest('{"resource_id": "1",'), {}, 400, "invalid_payload");
    assert.equal(malformed.result.body.issues[0].code, "invalid_json");
    assert.equal(malformed.result.body.issues[0].severity, "error");

    const notObject = await rejected(signedRequest("[1,2,3]"), {}, 400, "invalid_payload");
    assert.equal(notObject.result.body.issues[0].code, "not_an_object");
    // An authentic delivery's key, even when its payload is refused.
    assert.equal(notObject.error.deliveryKey, createHash("sha256").update("[1,2,3]").digest("hex"));
    assert.equal(malformed.error.deliveryKey, deliveryKey('{"resource_id": "1",'));

    const missing = await rejected(signedRequest('{"resource_id":"1","event_type":"patient.created"}'), {}, 400, "invalid_payload");
    assert.ok(missing.result.body.issues.some((i) => i.code === "missing_field"));

    const strict = await rejected(signedRequest('{"resource_id":"1","resource_id_type":"User","event_type":"patient.created"}'), { mode: "strict" }, 400, "invalid_payload");
    assert.ok(strict.result.body.issues.every((i) => i.severity === "error"));
    assert.ok(strict.error.report);
  });

  test("the signature is checked before the payload: a forged malformed body gets 401", async () => {
    await rejected(signedRequest("{not json", { secret: "forger" }), {}, 401, "signature_invalid");
  });

  test("500 when a handler throws: later handlers skipped, onError gets the cause, the answer hides it", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    const ran = [];
    const errors = [];
    const boom = new Error("database password is hunter2");
    webhooks.on("*", () => ran.push("first"));
    webhooks.on("appointment.*", async () => {
      ran.push("second");
      throw boom;
    });
    webhooks.on("appointment.created", () => ran.push("third"));
    webhooks.onError((error) => errors.push(error));
    const result = await answer(await webhooks.handle(signedRequest(bodies.appointmentCreated)));
    assert.equal(result.status, 500);
    assert.equal(result.body.error, "handler_failed");
    assert.ok(!result.text.includes("hunter2"), "the exception's message stays on the server");
    assert.deepEqual(ran, ["first", "second"]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "handler_failed");
    assert.equal(errors[0].cause, boom);
    assert.equal(errors[0].handlerType, "appointment.*");
    assert.equal(errors[0].event.event_type, "appointment.created");
    assert.equal(errors[0].deliveryKey, deliveryKey(bodies.appointmentCreated));
  });

  test("without onError a handler failure is logged, not lost; a throwing onError does not change the answer", async (t) => {
    const logged = t.mock.method(console, "error", () => {});
    const webhooks = createWebhooks({ secret: SECRET });
    webhooks.on("*", () => {
      throw new Error("boom");
    });
    assert.equal((await webhooks.handle(signedRequest(bodies.appointmentCreated))).status, 500);
    assert.equal(logged.mock.callCount(), 1);
    webhooks.onError(() => {
      throw new Error("onError broke");
    });
    assert.equal((await webhooks.handle(signedRequest(bodies.appointmentCreated))).status, 500);
    assert.equal((await webhooks.handle(signedRequest(bodies.appointmentCreated, { secret: "x" }))).status, 401);
    assert.equal(logged.mock.callCount(), 3);
  });

  test("a Request whose body was already read: 500 body_already_read", async () => {
    const request = signedRequest(bodies.appointmentCreated);
    await request.text();
    await rejected(request, {}, 500, "body_already_read");
  });

  test("a body stream that fails while read: 400 body_read_failed", async () => {
    const broken = new ReadableStream({
      pull(controller) {
        controller.error(new Error("connection reset"));
      },
    });
    const request = new Request(`https://receiver.example${PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: broken, duplex: "half" });
    const { error } = await rejected(request, {}, 400, "body_read_failed");
    assert.match(String(error.cause), /connection reset/);
  });

  test("handle() with something that is not a Request throws a TypeError", async () => {
    const webhooks = createWebhooks({ secret: SECRET });
    await assert.rejects(webhooks.handle({ url: "/x" }), TypeError);
  });
});

describe("unknown events", () => {
  test("lenient (default): accepted with 200, reach '*' (and only matching handlers)", async () => {
    const { webhooks, calls, errors } = recorder();
    let exact = 0;
    webhooks.on("hologram.projected", () => exact++);
    assert.equal((await webhooks.handle(signedRequest(bodies.unknownEvent))).status, 200);
    assert.deepEqual(calls, [["*", "hologram.projected"]]);
    assert.equal(exact, 1);
    assert.deepEqual(errors, []);
  });
  test("known but undocumented names reach their resource wildcard, with a catalogue entry", async () => {
    const { webhooks, calls } = recorder();
    let info;
    webhooks.on("appointment.transcript_failed", (ctx) => (info = ctx.info));
    assert.equal((await webhooks.handle(signedRequest(bodies.undocumentedKnown))).status, 200);
    assert.deepEqual(calls, [["*", "appointment.transcript_failed"], ["appointment.*", "appointment.transcript_failed"]]);
    assert.equal(info.documented, false);
  });
  test("onUnknownEvent: 'ignore' answers 200 without running handlers", async () => {
    const { webhooks, calls } = recorder({ onUnknownEvent: "ignore" });
    assert.equal((await webhooks.handle(signedRequest(bodies.unknownEvent))).status, 200);
    assert.deepEqual(calls, []);
  });
  test("onUnknownEvent: 'reject' and strict mode answer 400", async () => {
    for (const options of [{ onUnknownEvent: "reject" }, { mode: "strict" }]) {
      const { webhooks, calls, errors } = recorder(options);
      const result = await answer(await webhooks.handle(signedRequest(bodies.unknownEvent)));
      assert.equal(result.status, 400);
      assert.ok(result.body.issues.some((i) => i.code === "unknown_event_type" && i.severity === "error"));
      assert.deepEqual(calls, []);
      assert.equal(errors[0].code, "invalid_payload");
    }
  });
});

describe("paths, queries and secrets", () => {
  test("default: the request's own path and query are what is verified", async () => {
    const { webhooks } = recorder();
    assert.equal((await webhooks.handle(signedRequest(bodies.appointmentCreated, { path: "/hooks/v1", query: "tenant=7&x=%20y" }))).status, 200);
  });
  test("the path option: Healthie signed /api/webhooks/healthie, a proxy strips /api", async () => {
    const body = bodies.appointmentCreated;
    const request = () => signedRequest(body, { path: "/api/webhooks/healthie", url: `http://127.0.0.1:8080${PATH}` });
    assert.equal((await createWebhooks({ secret: SECRET }).handle(request())).status, 401);
    assert.equal((await createWebhooks({ secret: SECRET, path: "/api/webhooks/healthie" }).handle(request())).status, 200);
  });
  test("rotation: any of several secrets", async () => {
    const webhooks = createWebhooks({ secrets: ["old-secret", SECRET] });
    assert.equal((await webhooks.handle(signedRequest(bodies.patientCreated, { secret: "old-secret" }))).status, 200);
    assert.equal((await webhooks.handle(signedRequest(bodies.patientCreated, { secret: SECRET }))).status, 200);
    assert.equal((await webhooks.handle(signedRequest(bodies.patientCreated, { secret: "retired" }))).status, 401);
    const asArray = createWebhooks({ secret: ["old-secret"] });
    assert.equal((await asArray.handle(signedRequest(bodies.patientCreated, { secret: "old-secret" }))).status, 200);
  });
});

describe("deliveryKey", () => {
  test("hex SHA-256 of the raw bytes, the same for every body type", () => {
    const text = bodies.participantJoined;
    const expected = createHash("sha256").update(text, "utf8").digest("hex");
    const bytes = new TextEncoder().encode(text);
    assert.match(expected, /^[0-9a-f]{64}$/);
    assert.equal(deliveryKey(text), expected);
    assert.equal(deliveryKey(bytes), expected);
    assert.equal(deliveryKey(Buffer.from(text)), expected);
    assert.equal(deliveryKey(bytes.buffer), expected);
    assert.equal(deliveryKey(new DataView(bytes.buffer)), expected);
    assert.equal(deliveryKey(""), createHash("sha256").digest("hex"));
    const large = new Uint8Array(300_000).fill(7);
    assert.equal(deliveryKey(large), createHash("sha256").update(large).digest("hex"));
  });
  test("different bodies, different keys; a parsed object is refused", () => {
    assert.notEqual(deliveryKey(bodies.appointmentCreated), deliveryKey(bodies.appointmentUpdated));
    assert.throws(() => deliveryKey(JSON.parse(bodies.appointmentCreated)), /raw/);
    assert.throws(() => deliveryKey(42), TypeError);
  });
});

describe("the Node adapter on a real loopback server", () => {
  let server;
  let base;
  const state = recorder();
  const middleware = state.webhooks.nodeMiddleware();
  // The handler the server delegates to; tests swap in fakes of body parsers.
  let route = (req, res) => middleware(req, res);

  before(async () => {
    server = createServer((req, res) => route(req, res));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  function reset() {
    state.calls.length = 0;
    state.errors.length = 0;
    route = (req, res) => middleware(req, res);
  }
  async function post(body, { secret = SECRET, path = PATH, headers = {} } = {}) {
    const signed = signRequest({ path, body }, secret);
    return answer(await fetch(`${base}${path}`, { method: "POST", headers: { ...signed, ...headers }, body }));
  }

  test("200 and handlers for a signed delivery; 401/405/415 like the fetch adapter", async () => {
    reset();
    assert.equal((await post(bodies.participantJoined)).status, 200);
    assert.deepEqual(state.calls, [["*", "appointment.participant_joined"], ["appointment.*", "appointment.participant_joined"]]);
    reset();
    assert.equal((await post(bodies.participantJoined, { secret: "forged" })).status, 401);
    assert.equal((await answer(await fetch(`${base}${PATH}`))).status, 405);
    assert.equal((await post(bodies.participantJoined, { headers: { "Content-Type": "text/plain" } })).status, 415);
    assert.deepEqual(state.calls, []);
    assert.deepEqual(state.errors.map((e) => e.status), [401, 405, 415]);
  });

  test("413 over the limit, declared or streamed, and the server keeps serving", async () => {
    reset();
    const small = createWebhooks({ secret: SECRET, maxBytes: 2048 }).nodeMiddleware();
    route = (req, res) => small(req, res);
    const big = JSON.stringify({ padding: "x".repeat(4096) });
    assert.equal((await post(big)).status, 413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
        controller.close();
      },
    });
    const chunked = await fetch(`${base}${PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.headers.get("connection"), "close");
    await chunked.text();
    route = (req, res) => small(req, res);
    assert.equal((await post(bodies.patientCreated)).status, 200);
  });

  test("a Buffer body (express.raw) is used as the raw body", async () => {
    reset();
    route = async (req, res) => {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      req.body = Buffer.concat(chunks);
      return middleware(req, res);
    };
    assert.equal((await post(bodies.patientCreated)).status, 200);
    assert.deepEqual(state.calls, [["*", "patient.created"], ["patient.created|updated", "patient.created"]]);
  });

  test("a body already parsed (express.json) is refused with an explanation, and no handler runs", async () => {
    for (const parsed of [true, false]) {
      reset();
      route = async (req, res) => {
        let text = "";
        for await (const c of req) text += c;
        if (parsed) req.body = JSON.parse(text); // what express.json() leaves behind
        else req._body = true;
        return middleware(req, res);
      };
      const result = await post(bodies.patientCreated);
      assert.equal(result.status, 500);
      assert.equal(result.body.error, "body_already_read");
      assert.match(result.body.message, /express\.json\(\)/);
      assert.match(result.body.message, /express\.raw\(\{ type: "application\/json" \}\)/);
      assert.deepEqual(state.calls, []);
      assert.equal(state.errors[0].code, "body_already_read");
    }
  });

  test("Express-style mounts: originalUrl (the path before the router stripped its prefix) is verified", async () => {
    reset();
    route = (req, res) => {
      req.originalUrl = req.url;
      req.url = "/healthie"; // what app.use("/webhooks", router) leaves in req.url
      return middleware(req, res);
    };
    assert.equal((await post(bodies.patientCreated)).status, 200);
  });
});

test("the receiver's TypeScript types compile against node:http and fetch consumers", () => {
  execFileSync(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, "-p", `${repoRoot}tests/js/types-receiver/tsconfig.json`], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: "pipe",
  });
});
