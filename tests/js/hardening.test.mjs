// Hardening of the npm package (issue 8), through the package as users import
// it: recovery from a wasm trap, memory across the boundary, secrets in
// outputs, hostile bodies. The Rust side has its own hostile and property
// tests (tests/hostile.rs, tests/properties.rs); these check what only the JS
// layer can get wrong (copies into wasm memory, re-instantiation, caches,
// what reaches console and thrown errors). Limits: docs/limits.md.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { inspect } from "node:util";
import * as hw from "healthie-webhooks";

const require = createRequire(import.meta.url);
const utf8 = new TextEncoder();
const MiB = 1 << 20;

const APPT = '{"resource_id":"67890","resource_id_type":"Appointment","event_type":"appointment.created","changed_fields":[],"resource_organization_id":"org_123"}';
const PATH = "/webhooks/healthie";

function signed(body, secret, { path = PATH, query = "" } = {}) {
  const headers = hw.signRequest({ path, query, body }, secret);
  return { method: "POST", path, query, headers, body };
}

// A valid appointment.created padded with an unknown field (a warning) to
// exactly `size` bytes of UTF-8.
function paddedEvent(size) {
  const head = APPT.slice(0, -1) + ',"padding":"';
  const tail = '"}';
  const n = size - head.length - tail.length;
  assert.ok(n >= 0);
  return head + "x".repeat(n) + tail;
}

function codes(report) {
  return report.issues.map((i) => i.code);
}

// ------------------------------------------------------------------- traps

describe("a wasm trap", () => {
  const SECRET = "whsec_trap_test";

  function sample() {
    return {
      valid: hw.validate(APPT, { mode: "strict" }),
      bytes: hw.validate(utf8.encode(APPT)),
      invalid: hw.validate('{"resource_id":1}'),
      escaped: hw.validate('{"resource_id":"\\u00e9\\n","resource_id_type":"Appointment","event_type":"appointment.created","changed_fields":[],"resource_organization_id":null}'),
      verified: hw.verifySignature(signed(APPT, SECRET), SECRET),
      mismatch: hw.verifySignature(signed(APPT, SECRET), "whsec_other"),
      key: hw.deliveryKey(APPT),
      info: hw.classify("appointment.created"),
      unknown: hw.classify("nope.nothing"),
    };
  }

  function trap() {
    let error;
    try {
      hw.__trapForTests();
    } catch (e) {
      error = e;
    }
    assert.ok(error, "__trapForTests did not throw");
    return error;
  }

  test("surfaces as a clear Error, not a RuntimeError, and says the instance was restarted", () => {
    const e = trap();
    assert.equal(e.constructor, Error);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), "the RuntimeError leaked out");
    assert.match(e.message, /^healthie-webhooks: the wasm instance trapped \(.+\); it was restarted and later calls will work$/);
    assert.ok(e.cause instanceof WebAssembly.RuntimeError, "the original trap is kept as the cause");
  });

  test("the very next calls work and give the same results, trap after trap", () => {
    const before = sample();
    for (let round = 0; round < 5; round++) {
      trap();
      const after = sample();
      assert.deepEqual(after, before, `round ${round}`);
      assert.equal(after.valid.valid, true);
      assert.equal(after.verified.valid, true);
      assert.equal(after.mismatch.code, "signature_mismatch");
      assert.equal(after.escaped.event.resource_id, "é\n");
    }
  });

  test("EventInfo objects stay === across a restart (the cache lives in JS)", () => {
    const info = hw.classify("appointment.created");
    const all = hw.events();
    const fromReport = hw.validate(APPT).info;
    assert.equal(fromReport, info);
    trap();
    assert.equal(hw.classify("appointment.created"), info);
    assert.equal(hw.validate(APPT).info, info);
    const again = hw.events();
    assert.equal(again.length, all.length);
    assert.ok(again.every((e, i) => e === all[i]));
  });

  test("a trap after a large body: the new instance gets a fresh input buffer", () => {
    const big = paddedEvent(900 * 1024);
    assert.equal(hw.validate(big).valid, true);
    trap();
    // The old instance's buffer pointer must not be reused in the new memory.
    const report = hw.validate(utf8.encode(big));
    assert.equal(report.valid, true);
    assert.equal(report.event.padding.length, big.length - APPT.length - 13);
    assert.equal(hw.verifySignature(signed(big, SECRET), SECRET).valid, true);
  });

  test("the CommonJS entry recovers the same way (its own instance)", () => {
    const cjs = require("healthie-webhooks");
    assert.throws(() => cjs.__trapForTests(), (e) => e.constructor === Error && /restarted/.test(e.message));
    assert.equal(cjs.validate(APPT).valid, true);
    assert.equal(cjs.classify("appointment.created").eventType, "appointment.created");
  });

  test("many restarts do not pile up memory", () => {
    for (let i = 0; i < 20; i++) trap(); // warm-up: let V8 settle
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < 300; i++) {
      trap();
      assert.equal(hw.validate(APPT).valid, true);
    }
    const growth = process.memoryUsage().rss - rss;
    assert.ok(growth < 128 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB over 300 restarts`);
  });
});

// ------------------------------------------------------------------ memory

describe("memory across the boundary", () => {
  const ACCENTED = '{"resource_id":"caf\\u00e9","resource_id_type":"Appointment","event_type":"appointment.updated","changed_fields":["start_time","é"],"resource_organization_id":"ørg","extra":[1,{"a":true}]}';
  const bodies = [
    { body: utf8.encode(APPT) }, // bytes: the receiver's path
    { body: APPT }, // ASCII string: spans slice the caller's string
    { body: ACCENTED }, // non-ASCII string with escapes: scratch buffer, JSON values
    { body: '{"resource_id":"1","resource_id":"2"}' }, // issues as JSON
    { body: APPT, options: { mode: "strict" } },
    { body: "[".repeat(200) }, // too deep
  ];

  function churn(n) {
    let valid = 0;
    for (let i = 0; i < n; i++) {
      const { body, options } = bodies[i % bodies.length];
      if (hw.validate(body, options).valid) valid++;
    }
    return valid;
  }

  test("10^6 validations: wasm memory unchanged after warm-up, RSS flat", () => {
    churn(100_000);
    const wasmBytes = hw.__memoryBytesForTests();
    const rss = process.memoryUsage().rss;
    const valid = churn(1_000_000);
    const flags = bodies.map(({ body, options }) => hw.validate(body, options).valid);
    let expected = 0;
    for (let i = 0; i < 1_000_000 % bodies.length; i++) expected += flags[i];
    expected += Math.floor(1_000_000 / bodies.length) * flags.filter(Boolean).length;
    assert.equal(valid, expected, "every call gave its usual verdict");
    assert.equal(hw.__memoryBytesForTests(), wasmBytes, "wasm memory grew: something is not freed");
    const growth = process.memoryUsage().rss - rss;
    assert.ok(growth < 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  test("10^5 signature calls (verify, sign, deliveryKey): wasm memory unchanged", () => {
    const SECRET = "whsec_memory";
    const request = signed(APPT, SECRET);
    const bad = { ...request, headers: { ...request.headers, Signature: "sig1=" + "0".repeat(64) } };
    const round = (n) => {
      for (let i = 0; i < n; i++) {
        hw.verifySignature(request, [SECRET, "whsec_old"]);
        hw.verifySignature(bad, SECRET);
        hw.signRequest({ path: PATH, body: APPT }, SECRET);
        hw.deliveryKey(APPT);
      }
    };
    round(10_000);
    const wasmBytes = hw.__memoryBytesForTests();
    round(25_000); // 10^5 calls
    assert.equal(hw.__memoryBytesForTests(), wasmBytes);
  });

  test("a 900 KiB body then small ones: wasm memory stops growing after the first round", () => {
    // Many small values: the parse tree is several times the body's size.
    const items = [];
    let size = APPT.length;
    while (size < 900 * 1024) {
      const item = `{"k":"v\\u00e9","n":${items.length}}`;
      items.push(item);
      size += item.length + 1;
    }
    const big = APPT.slice(0, -1) + `,"payload":[${items.join(",")}]}`;
    assert.ok(big.length > 900 * 1024 && big.length < MiB);
    const bigBytes = utf8.encode(big);
    const sizes = [];
    for (let round = 0; round < 6; round++) {
      const report = hw.validate(round % 2 ? big : bigBytes);
      assert.equal(report.valid, true);
      assert.equal(report.event.payload.length, items.length);
      churn(1_000);
      sizes.push(hw.__memoryBytesForTests());
    }
    // Round 0 sizes the parse tree, round 1 adds the string input buffer
    // (3 bytes per UTF-16 unit); after that nothing grows.
    assert.ok(sizes.slice(1).every((s) => s === sizes[1]), `wasm memory by round: ${sizes.join(", ")}`);
  });
});

// ----------------------------------------------------------------- secrets

describe("no plain copy of a secret stays in the instance's memory", () => {
  test("after verifySignature, verifyAndValidate (one secret and a rotation list) and signRequest alone", () => {
    // Long secrets and a tiny body: what follows a secret in the input
    // buffer (the next body and request strings) would not cover its tail.
    const secrets = ["one", "two", "three", "four"].map((name) => `whsec_RESIDUE_${name}_${"7Hq2Kx4Vb8".repeat(40)}`);
    const [one, two, three, four] = secrets;
    const body = "{}";
    const request = signed(body, one);
    assert.equal(hw.verifySignature(request, one).valid, true, "verified");
    assert.equal(hw.verifyAndValidate(request, [two, one]).verification.valid, true, "rotation list");
    assert.equal(hw.verifySignature(signed(body, three), three).valid, true, "signed, then verified");
    assert.equal(hw.signRequest({ path: PATH, body }, four).Signature.length, 69, "only signed");
    for (const secret of secrets) {
      for (const part of [secret, secret.slice(-40), secret.slice(200, 240)]) {
        assert.equal(hw.__memoryIncludesForTests(part), false, `part of a secret is in wasm memory: ${part.slice(0, 24)}...`);
      }
    }
    // The check sees what is there: the request's path is.
    assert.equal(hw.__memoryIncludesForTests(PATH), true);
  });
});

describe("the secret never appears in any output", () => {
  const SECRET = "whsec_HARDENING_zq8Xv3Lm";
  const forms = [SECRET, Buffer.from(SECRET).toString("hex"), Buffer.from(SECRET).toString("base64"), SECRET.slice(6, 20)];

  function assertClean(label, value) {
    const texts = [];
    if (value instanceof Error) {
      texts.push(value.message, String(value), value.stack ?? "", inspect(value, { depth: Infinity, showHidden: true }));
    } else {
      texts.push(JSON.stringify(value) ?? "", inspect(value, { depth: Infinity, showHidden: true }), String(value));
    }
    for (const text of texts) {
      for (const form of forms) assert.ok(!text.includes(form), `${label}: the secret (${form}) appears in ${text}`);
    }
  }

  // Runs fn with console and the standard streams captured.
  async function captured(fn) {
    const lines = [];
    const saved = {};
    for (const name of ["log", "info", "warn", "error", "debug", "trace"]) {
      saved[name] = console[name];
      console[name] = (...args) => lines.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: Infinity }))).join(" "));
    }
    const writes = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = (chunk, ...rest) => (lines.push(String(chunk)), typeof rest.at(-1) === "function" && rest.at(-1)(), true);
    process.stderr.write = (chunk, ...rest) => (lines.push(String(chunk)), typeof rest.at(-1) === "function" && rest.at(-1)(), true);
    try {
      await fn();
    } finally {
      Object.assign(console, saved);
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    }
    return lines.join("\n");
  }

  function outcome(fn) {
    try {
      return fn();
    } catch (e) {
      return e;
    }
  }

  test("verifySignature on valid, mismatching, malformed and missing-header requests", async () => {
    const good = signed(APPT, SECRET);
    const results = [];
    const log = await captured(() => {
      const cases = {
        valid: [good, SECRET],
        rotation: [good, ["whsec_old", SECRET]],
        wrongSecret: [good, "whsec_other"],
        whitespace: [good, ` ${SECRET}\n`],
        tamperedBody: [{ ...good, body: APPT.replace("67890", "67891") }, SECRET],
        wrongPath: [{ ...good, path: "/other" }, SECRET],
        queryInPath: [{ ...good, path: `${PATH}?x=1` }, SECRET],
        badSignature: [{ ...good, headers: { ...good.headers, Signature: "sig1=zz" } }, SECRET],
        badDigest: [{ ...good, headers: { ...good.headers, "Content-Digest": "sha-256=%%%" } }, SECRET],
        missing: [{ ...good, headers: {} }, SECRET],
        emptyBody: [{ ...good, body: "" }, SECRET],
        bytes: [{ ...good, body: utf8.encode(APPT) }, SECRET],
      };
      for (const [label, [request, secret]] of Object.entries(cases)) {
        const result = outcome(() => hw.verifySignature(request, secret));
        assert.ok(!(result instanceof Error), `${label} threw ${result}`);
        results.push([label, result]);
      }
    });
    const by = Object.fromEntries(results);
    assert.equal(by.valid.valid, true);
    assert.equal(by.rotation.valid, true);
    assert.equal(by.bytes.valid, true);
    assert.equal(by.wrongSecret.code, "signature_mismatch");
    assert.match(by.whitespace.likelyCause, /whitespace/);
    assert.equal(by.tamperedBody.code, "digest_mismatch");
    assert.equal(by.badSignature.code, "malformed_header");
    assert.equal(by.badDigest.code, "malformed_header");
    assert.equal(by.missing.code, "missing_header");
    for (const [label, result] of results) assertClean(label, result);
    assertClean("console", log);
  });

  test("misuse throws, and the error names no secret", async () => {
    const good = signed(APPT, SECRET);
    const errors = [];
    const log = await captured(() => {
      const misuses = {
        emptyInList: () => hw.verifySignature(good, [SECRET, ""]),
        objectSecret: () => hw.verifySignature(good, { secret: SECRET }),
        bufferSecret: () => hw.verifySignature(good, Buffer.from(SECRET)),
        noPath: () => hw.verifySignature({ ...good, path: "" }, SECRET),
        parsedBody: () => hw.verifySignature({ ...good, body: JSON.parse(APPT) }, SECRET),
        badHeaders: () => hw.verifySignature({ ...good, headers: 42 }, SECRET),
        signTwo: () => hw.signRequest({ path: PATH, body: APPT }, [SECRET, SECRET]),
        signNoPath: () => hw.signRequest({ body: APPT }, SECRET),
        receiverEmpty: () => hw.createWebhooks({ secrets: [SECRET, ""] }),
        receiverBoth: () => hw.createWebhooks({ secret: SECRET, secrets: [SECRET] }),
      };
      for (const [label, fn] of Object.entries(misuses)) {
        const e = outcome(fn);
        assert.ok(e instanceof TypeError, `${label}: expected a TypeError, got ${e}`);
        errors.push([label, e]);
      }
    });
    for (const [label, e] of errors) assertClean(label, e);
    assertClean("console", log);
  });

  test("the receiver: rejections, a throwing handler and its logs", async () => {
    const webhooks = hw.createWebhooks({ secret: SECRET, path: PATH });
    webhooks.on("appointment.created", () => {
      throw new Error("handler exploded");
    });
    const post = (request) =>
      new Request(`http://127.0.0.1${request.path}`, { method: "POST", headers: request.headers, body: request.body });
    const good = signed(APPT, SECRET);
    const answers = [];
    const log = await captured(async () => {
      for (const request of [
        good,
        { ...good, headers: { ...good.headers, Signature: "sig1=" + "1".repeat(64) } },
        { ...good, body: APPT + " " },
        signed("{}", SECRET),
      ]) {
        const response = await webhooks.handle(post(request));
        answers.push([response.status, await response.text()]);
      }
    });
    assert.deepEqual(answers.map(([status]) => status), [500, 401, 401, 400]);
    assert.match(log, /a handler threw/, "the throwing handler is logged");
    assertClean("receiver answers", answers);
    assertClean("receiver console", log);
    assertClean("receiver object", webhooks);
  });
});

// --------------------------------------------------------- hostile inputs

describe("hostile bodies through the package (bytes and strings)", () => {
  // Each case runs as a string and as UTF-8 bytes and must give `code` first.
  const cases = [
    ["nesting 10^5 deep", "[".repeat(100_000) + "]".repeat(100_000), "invalid_json", /deeper than the limit of 64/],
    ["nesting 10^5 deep inside an event", APPT.slice(0, -1) + ',"x":' + "[".repeat(100_000) + "]".repeat(100_000) + "}", "invalid_json", /deeper/],
    ["a lone surrogate escape", APPT.replace('"67890"', '"\\ud800"'), "invalid_json", /surrogate/],
    ["a lone low surrogate escape", '"\\udc00"', "invalid_json", /surrogate/],
    ["a UTF-8 byte order mark", "\ufeff" + APPT, "invalid_json", /byte order mark/],
    ["a raw NUL byte inside a string", APPT.replace("67890", "678\u000090"), "invalid_json", /control character/],
    ["a raw NUL byte after the value", APPT + "\u0000", "invalid_json", /after the JSON value/],
    ["NaN", APPT.replace('"org_123"', "NaN"), "invalid_json", /found 'N'/],
    ["Infinity", APPT.replace('"org_123"', "-Infinity"), "invalid_json", /number/],
    ["keys that differ only by an escape", APPT.slice(0, -1) + ',"event\\u005ftype":"x.y"}', "duplicate_key", /event_type/],
  ];

  for (const [name, body, code, message] of cases) {
    test(name, () => {
      for (const input of [body, utf8.encode(body)]) {
        const report = hw.validate(input);
        assert.equal(report.valid, false);
        assert.equal(report.event, null);
        assert.equal(report.issues[0]?.code, code, `${name}: ${JSON.stringify(report.issues)}`);
        assert.match(report.issues[0].message, message);
      }
    });
  }

  test("an escaped NUL (\\u0000) is a character like any other", () => {
    const report = hw.validate(APPT.replace("67890", "678\\u000090"));
    assert.equal(report.valid, true);
    assert.equal(report.event.resource_id, "678\u000090");
  });

  test("invalid and overlong UTF-8 bytes", () => {
    for (const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const bytes = Buffer.concat([Buffer.from(APPT.slice(0, 17)), Buffer.from(bad), Buffer.from(APPT.slice(17))]);
      const report = hw.validate(bytes);
      assert.deepEqual(codes(report), ["invalid_json"]);
      assert.match(report.issues[0].message, /not valid UTF-8/);
    }
  });

  test("a JS string with a raw lone surrogate is encoded like TextEncoder does (U+FFFD)", () => {
    const body = APPT.replace("67890", "678\ud80090");
    assert.deepEqual(hw.validate(body), hw.validate(utf8.encode(body)));
    assert.equal(hw.validate(body).event.resource_id, "678\ufffd90");
  });

  test("exactly 1 MiB is accepted, 1 MiB + 1 byte is body_too_large (default maxBytes)", () => {
    const exact = paddedEvent(MiB);
    const over = paddedEvent(MiB + 1);
    for (const toInput of [(s) => s, (s) => utf8.encode(s)]) {
      const ok = hw.validate(toInput(exact));
      assert.equal(ok.valid, true);
      assert.deepEqual(codes(ok), ["unexpected_field"]);
      const tooLarge = hw.validate(toInput(over));
      assert.deepEqual(codes(tooLarge), ["body_too_large"]);
      assert.equal(tooLarge.issues[0].message, `the body is ${MiB + 1} bytes, over the limit of ${MiB} bytes`);
    }
  });

  test("maxBytes counts UTF-8 bytes, not string length", () => {
    const body = paddedEvent(1000);
    const accented = body.replace("x".repeat(10), "é".repeat(10)); // 10 more bytes, same length
    assert.equal(accented.length, body.length);
    assert.equal(hw.validate(body, { maxBytes: 1000 }).valid, true);
    assert.deepEqual(codes(hw.validate(accented, { maxBytes: 1000 })), ["body_too_large"]);
    assert.equal(hw.validate(accented, { maxBytes: 1010 }).valid, true);
    // Under the limit in UTF-16 units, over it in bytes.
    const wide = "é".repeat(600_000);
    assert.ok(wide.length < MiB);
    assert.deepEqual(codes(hw.validate(wide)), ["body_too_large"]);
  });

  test("maxDepth is a limit on arrays and objects together", () => {
    const nested = (n) => '{"a":'.repeat(n - 1) + "[]" + "}".repeat(n - 1);
    // Three levels fit: the body parses (and lacks the standard fields).
    assert.ok(!codes(hw.validate(nested(3), { maxDepth: 3 })).includes("invalid_json"));
    assert.deepEqual(codes(hw.validate(nested(4), { maxDepth: 3 })), ["invalid_json"]);
    assert.deepEqual(codes(hw.validate("[".repeat(65) + "]".repeat(65))), ["invalid_json"]);
    assert.deepEqual(codes(hw.validate("[".repeat(65) + "]".repeat(65), { maxDepth: 65 })), ["not_an_object"]);
  });

  test("the largest maxDepth (256) fits wasm's stack: no trap at the limit", () => {
    const arrays = (n) => "[".repeat(n) + "]".repeat(n);
    const objects = (n) => '{"k\\u00e9y":'.repeat(n - 1) + '{"a":"\\n"}' + "}".repeat(n - 1);
    for (const mode of ["lenient", "strict"]) {
      assert.deepEqual(codes(hw.validate(arrays(256), { mode, maxDepth: 256 })), ["not_an_object"]);
      assert.deepEqual(codes(hw.validate(arrays(257), { mode, maxDepth: 256 })), ["invalid_json"]);
      const report = hw.validate(objects(256), { mode, maxDepth: 256 });
      assert.ok(!codes(report).includes("invalid_json"), JSON.stringify(report.issues));
      assert.deepEqual(codes(hw.validate(objects(257), { mode, maxDepth: 256 })), ["invalid_json"]);
      // The other deep paths: a duplicate key at the bottom (its pointer is
      // built while unwinding) and an extra field re-serialized for JS.
      const dup = '{"a":'.repeat(255) + '{"x":1,"x":2}' + "}".repeat(255);
      const dupReport = hw.validate(dup, { mode, maxDepth: 256 });
      assert.deepEqual(codes(dupReport), ["duplicate_key"]);
      assert.equal(dupReport.issues[0].path, "/a".repeat(255) + "/x");
      const deepExtra = APPT.slice(0, -1) + ',"deep":' + arrays(255) + "}";
      const extraReport = hw.validate(deepExtra, { mode, maxDepth: 256 });
      assert.equal(extraReport.event.resource_id, "67890");
      assert.equal(JSON.stringify(extraReport.event.deep), arrays(255));
    }
    assert.throws(() => hw.validate("{}", { maxDepth: 257 }), TypeError);
  });

  test("a 5 MiB body is body_too_large without being copied into wasm memory", () => {
    hw.validate(APPT);
    const before = hw.__memoryBytesForTests();
    const string = "x".repeat(5 * MiB);
    const bytes = new Uint8Array(5 * MiB).fill(0x20);
    for (const input of [string, bytes, bytes.buffer]) {
      const report = hw.validate(input);
      assert.deepEqual(codes(report), ["body_too_large"]);
      assert.equal(report.issues[0].message, `the body is ${5 * MiB} bytes, over the limit of ${MiB} bytes`);
    }
    const grown = hw.__memoryBytesForTests() - before;
    assert.ok(grown < MiB, `wasm memory grew by ${grown} bytes`);
  });
});
