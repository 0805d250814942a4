// The package's contract cases, run unchanged in Node, workerd and Chromium
// (package-*.test.mjs). Runtime-neutral: no Node API here. The runner passes
// the package's API and `env`:
//   env.examples: [{ event_type, body }] (tests/fixtures/reference-examples.json)
//   env.sha256Base64(bytes) / env.hmacHex(secret, text): independent crypto
//     (node:crypto in Node, WebCrypto elsewhere), async.
// Returns [{ name, error }] with error null for a passing case.

class AssertionError extends Error {}

function ok(cond, message) {
  if (!cond) throw new AssertionError(message ?? "assertion failed");
}

function eq(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message ?? "not equal"}\n  actual:   ${a}\n  expected: ${e}`);
}

function throwsType(fn, pattern, message) {
  try {
    fn();
  } catch (e) {
    ok(e instanceof TypeError, `${message}: expected a TypeError, got ${e?.constructor?.name}: ${e?.message}`);
    ok(pattern.test(e.message), `${message}: message ${JSON.stringify(e.message)} does not match ${pattern}`);
    return e;
  }
  throw new AssertionError(`${message}: did not throw`);
}

const utf8 = new TextEncoder();
const SECRET = "whsec_test_7f3a9c";
const APPT = '{"resource_id":"67890","resource_id_type":"Appointment","event_type":"appointment.created","changed_fields":[],"resource_organization_id":"org_123"}';

export async function runCases(api, env) {
  const cases = [];
  const test = (name, fn) => cases.push({ name, fn });

  // ------------------------------------------------------------ validate

  test("every reference example is valid in strict mode with no issue, classified", () => {
    eq(env.examples.length, 167, "example count");
    for (const { event_type, body } of env.examples) {
      const report = api.validate(utf8.encode(body), { mode: "strict" });
      ok(report.valid && report.issues.length === 0, `${event_type}: ${JSON.stringify(report.issues)}`);
      eq(report.event, JSON.parse(body), `${event_type}: event equals the parsed body`);
      ok(report.info.eventType === event_type && report.info.documented, event_type);
      ok(["Appointment", "Message", "Billing", "Clinical", "Document", "Organization"].includes(report.info.category), event_type);
      eq(report.info.resourceIdType, report.event.resource_id_type, `${event_type} resource type`);
    }
  });

  test("report and issue shapes are the contract", () => {
    const report = api.validate('{"resource_id":"1","resource_id_type":"X","event_type":"nope.nothing"}', { mode: "strict" });
    eq(Object.keys(report), ["valid", "mode", "event", "info", "issues"], "report keys");
    eq(report.mode, "strict");
    eq(report.valid, false);
    eq(report.info, null);
    for (const issue of report.issues) {
      ok(typeof issue.code === "string" && typeof issue.message === "string" && typeof issue.path === "string", JSON.stringify(issue));
      ok(issue.severity === "error" || issue.severity === "warning", JSON.stringify(issue));
    }
    eq(report.issues.map((i) => [i.code, i.severity, i.path]), [
      ["unknown_event_type", "error", "/event_type"],
      ["missing_field", "error", "/changed_fields"],
    ]);
  });

  test("bytes, Buffer-like views, ArrayBuffer, string and parsed object agree", () => {
    const bytes = utf8.encode(APPT);
    const reference = api.validate(bytes);
    const copy = new Uint8Array(bytes.length + 8);
    copy.set(bytes, 4);
    for (const body of [APPT, bytes.buffer.slice(0), new DataView(copy.buffer, 4, bytes.length), copy.subarray(4, 4 + bytes.length), JSON.parse(APPT)]) {
      eq(api.validate(body), reference, `body as ${Object.prototype.toString.call(body)}`);
    }
    ok(reference.valid && reference.event.resource_organization_id === "org_123", "valid appointment");
  });

  test("non-ASCII and escaped strings decode exactly, from bytes and from strings", () => {
    const body = '{"resource_id":"Zoë 日本 😀","resource_id_type":"Goal","event_type":"goal.created","changed_fields":[],"care_plan_id":null,"parent_id":"tab\\there \\"q\\" \\u00e9","user_id":"Ångström","score":[1.5e3,{"deep":true}]}';
    const expected = JSON.parse(body);
    for (const input of [body, utf8.encode(body)]) {
      const report = api.validate(input);
      eq(report.event, expected, "event");
      eq(report.issues.map((i) => i.code), ["unexpected_field"], "only the undocumented field is flagged");
      ok(report.valid, "lenient: warnings only");
    }
  });

  test("lenient warns and strict rejects on catalogue rules", () => {
    const body = '{"resource_id":"1","resource_id_type":"Appointment","event_type":"appointment.create","changed_fields":[]}';
    const lenient = api.validate(body);
    const strict = api.validate(body, { mode: "strict" });
    ok(lenient.valid && !strict.valid, "verdicts");
    eq(lenient.issues[0].severity, "warning");
    eq(strict.issues[0].severity, "error");
    ok(/appointment\.created/.test(strict.issues[0].message), `suggests the closest name: ${strict.issues[0].message}`);
    ok(lenient.event !== null && lenient.info === null, "unknown event still carried");
  });

  test("bad input is a report, never an exception", () => {
    const bad = api.validate('{\n  "resource_id": 1,\n  oops\n}');
    eq([bad.valid, bad.issues[0].code, bad.issues[0].line, bad.issues[0].column], [false, "invalid_json", 3, 3]);
    eq(api.validate("[1,2]").issues[0].code, "not_an_object");
    const dup = api.validate('{"event_type":"a.b","event\\u005ftype":"patient.created"}');
    eq([dup.issues[0].code, dup.issues[0].path], ["duplicate_key", "/event_type"]);
    const big = api.validate(APPT, { maxBytes: 10 });
    eq([big.issues[0].code, big.event], ["body_too_large", null]);
    ok(/148 bytes/.test(big.issues[0].message), big.issues[0].message);
    eq(api.validate(new Uint8Array([0x7b, 0xff, 0x7d])).issues[0].code, "invalid_json");
    eq(api.validate("").issues[0].code, "invalid_json");
    eq(api.validate("[".repeat(100000)).issues[0].code, "invalid_json");
  });

  test("misuse throws a TypeError that says what to pass", () => {
    throwsType(() => api.validate(42), /Uint8Array, Buffer, ArrayBuffer or string/, "number body");
    throwsType(() => api.validate(null), /raw body/, "null body");
    throwsType(() => api.validate(APPT, { mode: "loose" }), /"lenient" or "strict"/, "unknown mode");
    throwsType(() => api.validate(APPT, "strict"), /options must be an object/, "options as string");
    throwsType(() => api.classify(5), /event type string/, "classify number");
  });

  // ------------------------------------------------------------ catalogue

  test("classify, events, isKnownEvent", () => {
    const info = api.classify("patient.updated");
    ok(info === api.classify("patient.updated"), "same object every time");
    ok(Object.isFrozen(info) && Object.isFrozen(info.extraFields) && Object.isFrozen(info.mutations), "frozen");
    eq([info.resource, info.action, info.category, info.resourceIdType], ["patient", "updated", "Appointment", "User"]);
    eq(Object.keys(info), ["eventType", "resource", "action", "category", "resourceIdType", "description", "firesWhen", "mutations", "extraFields", "documented"]);
    eq(api.classify("patient.exploded"), null);
    const all = api.events();
    eq(all.length, 179);
    ok(all.every((e, i) => i === 0 || all[i - 1].eventType < e.eventType), "sorted");
    ok(all.includes(info), "events() hands out the same objects");
    eq(all.filter((e) => !e.documented).length, 12);
    ok(api.isKnownEvent("appointment.transcript_failed") && !api.isKnownEvent("appointment.exploded") && !api.isKnownEvent(7), "isKnownEvent");
    const undocumented = api.classify("appointment.transcript_failed");
    eq([undocumented.documented, undocumented.category, undocumented.resourceIdType], [false, null, null]);
    const report = api.validate('{"resource_id":"1","resource_id_type":"Appointment","event_type":"appointment.transcript_failed","changed_fields":[],"anything":"x"}', { mode: "strict" });
    ok(report.valid && report.info === undocumented, "undocumented events are known and not checked further");
  });

  // ------------------------------------------------------------ signatures

  const BODY = '{"resource_id":"45678","resource_id_type":"User","event_type":"patient.created","changed_fields":[],"note":"Zoë Ångström — 日本"}';
  const bodyBytes = utf8.encode(BODY);

  async function healthieHeaders({ body = bodyBytes, method = "post", path = "/webhooks/healthie", query = "", secret = SECRET } = {}) {
    // Independent of the package: the platform's own SHA-256 and HMAC.
    const digest = await env.sha256Base64(body);
    const signed = `${method.toLowerCase()} ${path} ${query} ${digest} application/json ${body.length}`;
    return { digest, signed, headers: { "content-type": "application/json", "content-digest": `sha-256=${digest}`, signature: `sig1=${await env.hmacHex(secret, signed)}` } };
  }
  const request = (headers, extra = {}) => ({ method: "POST", path: "/webhooks/healthie", query: "", headers, body: bodyBytes, ...extra });

  test("independently signed delivery verifies; the signed string matches", async () => {
    const { headers, signed } = await healthieHeaders();
    const result = api.verifySignature(request(headers), SECRET);
    eq([result.valid, result.code], [true, "valid"]);
    eq(result.signedString, signed, "signed string");
    ok(signed.includes("/webhooks/healthie  "), "empty query leaves two spaces");
  });

  test("trap: base64 padding is kept (a split on '=' breaks it)", async () => {
    const { headers, digest } = await healthieHeaders();
    ok(digest.endsWith("="), "SHA-256 base64 is padded");
    const naiveDigest = headers["content-digest"].split("=")[1];
    ok(naiveDigest !== digest, "a naive verifier loses the padding");
    ok(api.verifySignature(request(headers), SECRET).valid, "ours keeps it");
    const unpadded = { ...headers, "content-digest": `sha-256=${digest.replace(/=+$/, "")}` };
    eq(api.verifySignature(request(unpadded), SECRET).code, "malformed_header");
  });

  test("trap: length in bytes, not characters (multi-byte UTF-8)", async () => {
    const { headers } = await healthieHeaders();
    ok(BODY.length !== bodyBytes.length, "the body has multi-byte characters");
    ok(api.verifySignature(request(headers), SECRET).valid, "bytes");
    ok(api.verifySignature(request(headers, { body: BODY }), SECRET).valid, "a string body is encoded as UTF-8");
    const naive = `post /webhooks/healthie  ${(await healthieHeaders()).digest} application/json ${BODY.length}`;
    ok(`sig1=${await env.hmacHex(SECRET, naive)}` !== headers.signature, "a character count signs something else");
  });

  test("trap: a tampered body of the same length is caught by the digest", async () => {
    const { headers } = await healthieHeaders();
    const tampered = utf8.encode(BODY.replace("45678", "99999"));
    eq(tampered.length, bodyBytes.length, "same length");
    const result = api.verifySignature(request(headers, { body: tampered }), SECRET);
    eq(result.code, "digest_mismatch");
    ok(result.likelyCause && result.signedString, "explains and shows the signed string");
  });

  test("trap: tampered body with a recomputed digest fails the HMAC", async () => {
    const tampered = utf8.encode(BODY.replace("45678", "99999"));
    const { headers } = await healthieHeaders();
    const forged = { ...headers, "content-digest": `sha-256=${await env.sha256Base64(tampered)}` };
    eq(api.verifySignature(request(forged, { body: tampered }), SECRET).code, "signature_mismatch");
  });

  test("trap: header letter case, Node's lower-cased objects and fetch Headers", async () => {
    const { headers } = await healthieHeaders();
    const upper = { "Content-Digest": headers["content-digest"], SIGNATURE: headers.signature, "Content-Type": "application/json" };
    ok(api.verifySignature(request(upper), SECRET).valid, "plain object, any case");
    ok(api.verifySignature(request({ ...headers, signature: [headers.signature] }), SECRET).valid, "Node array values");
    if (typeof Headers === "function") {
      ok(api.verifySignature(request(new Headers(upper)), SECRET).valid, "fetch Headers");
    }
  });

  test("trap: upper-case SHA-256= and the RFC 9530 form", async () => {
    const { headers, digest } = await healthieHeaders();
    ok(api.verifySignature(request({ ...headers, "content-digest": `SHA-256=${digest}` }), SECRET).valid, "SHA-256=");
    ok(api.verifySignature(request({ ...headers, "content-digest": `sha-256=:${digest}:` }), SECRET).valid, "sha-256=:…:");
  });

  test("query present, wrong path, wrong secret, rotation", async () => {
    const { headers } = await healthieHeaders({ query: "org=42&x=1" });
    ok(api.verifySignature(request(headers, { query: "org=42&x=1" }), SECRET).valid, "query");
    ok(api.verifySignature(request(headers, { query: "?org=42&x=1" }), SECRET).valid, "leading ? stripped");
    eq(api.verifySignature(request(headers), SECRET).code, "signature_mismatch", "query missing");
    const wrongPath = api.verifySignature(request(headers, { query: "org=42&x=1", path: "/healthie" }), SECRET);
    eq(wrongPath.code, "signature_mismatch");
    ok(/path/.test(wrongPath.likelyCause) && wrongPath.signedString.startsWith("post /healthie "), JSON.stringify(wrongPath));
    eq(api.verifySignature(request(headers, { query: "org=42&x=1" }), "whsec_other").code, "signature_mismatch");
    ok(api.verifySignature(request(headers, { query: "org=42&x=1" }), ["whsec_old", SECRET]).valid, "any secret of several");
  });

  test("missing and garbled headers name the first thing wrong", async () => {
    const { headers } = await healthieHeaders();
    eq(api.verifySignature(request({ signature: headers.signature }), SECRET).code, "missing_header");
    eq(api.verifySignature(request({ "content-digest": headers["content-digest"] }), SECRET).code, "missing_header");
    eq(api.verifySignature(request({}), SECRET).code, "missing_header");
    eq(api.verifySignature(request({ ...headers, "content-digest": "md5=abc" }), SECRET).code, "malformed_header");
    eq(api.verifySignature(request({ ...headers, "content-digest": "sha-256=not base64!" }), SECRET).code, "malformed_header");
    eq(api.verifySignature(request({ ...headers, signature: "sig2=abcd" }), SECRET).code, "malformed_header");
    eq(api.verifySignature(request({ ...headers, signature: "sig1=zz" }), SECRET).code, "malformed_header");
  });

  test("fail closed, raw body required, secrets never echoed", async () => {
    const { headers } = await healthieHeaders();
    throwsType(() => api.verifySignature(request(headers), ""), /non-empty/, "empty secret");
    throwsType(() => api.verifySignature(request(headers), []), /no secret/, "no secrets");
    throwsType(() => api.verifySignature(request(headers), undefined), /secret/, "undefined secret");
    throwsType(() => api.verifySignature(request(headers, { body: JSON.parse(BODY) }), SECRET), /raw/, "parsed body");
    throwsType(() => api.verifySignature({ headers, body: bodyBytes }, SECRET), /path is required/, "no path");
    const results = [
      api.verifySignature(request(headers), SECRET),
      api.verifySignature(request(headers), "whsec_wrong_secret"),
      api.verifySignature(request({ ...headers, signature: "sig1=00" }), SECRET),
    ];
    for (const r of results) {
      const text = JSON.stringify(r);
      ok(!text.includes(SECRET) && !text.includes("whsec_wrong_secret"), `secret leaked: ${text}`);
    }
  });

  test("signRequest produces Healthie's headers, which verify", async () => {
    const signed = api.signRequest({ method: "POST", path: "/webhooks/healthie", query: "", body: BODY }, SECRET);
    eq(Object.keys(signed), ["Content-Type", "Content-Digest", "Content-Length", "Signature-Input", "Signature"]);
    const independent = await healthieHeaders();
    eq(signed["Content-Digest"], independent.headers["content-digest"]);
    eq(signed.Signature, independent.headers.signature);
    eq(signed["Content-Length"], String(bodyBytes.length));
    ok(api.verifySignature(request(signed), SECRET).valid, "round trip");
    throwsType(() => api.signRequest({ path: "/x", body: BODY }, ""), /non-empty/, "empty secret");
  });

  // ------------------------------------------------- batch and one-call receive

  test("validateBatch: one report per non-blank line, equal to validate's, from bytes, ArrayBuffer and string", () => {
    const lines = [
      APPT,
      "",
      " \t ",
      "[1,2]",
      '{"resource_id":"Zoë","resource_id_type":"Goal","event_type":"goal.created","changed_fields":[],"user_id":"Å","x":{"a":[1,"\\u00e9"]}}',
      '{"resource_id":"1"}\r',
      ...env.examples.slice(0, 30).map((e) => e.body),
      APPT.replace("appointment.created", "appointment.updated").replace("[]", '["date"]'),
    ];
    const ndjson = lines.join("\n") + "\n";
    const expected = lines.filter((l) => l.trim() !== "").map((l) => api.validate(l));
    const bytes = utf8.encode(ndjson);
    for (const input of [ndjson, bytes, bytes.buffer.slice(0)]) {
      eq(api.validateBatch(input), expected, `batch of ${Object.prototype.toString.call(input)}`);
    }
    eq(api.validateBatch(ndjson, { mode: "strict" }), lines.filter((l) => l.trim() !== "").map((l) => api.validate(l, { mode: "strict" })), "strict");
    eq(api.validateBatch(APPT + "\n[]", { maxBytes: 10 }).map((r) => r.issues[0].code), ["body_too_large", "not_an_object"], "maxBytes per line");
    eq(api.validateBatch(""), [], "empty");
    throwsType(() => api.validateBatch(42), /newline-delimited JSON/, "number");
  });

  test("validateBatch: more than a megabyte, and a line longer than the limit in the middle", () => {
    const n = 8000;
    const many = Array.from({ length: n }, (_, i) => APPT.replace("67890", String(i))).join("\n");
    ok(many.length > 1 << 20, "over one chunk");
    for (const input of [many, utf8.encode(many)]) {
      const reports = api.validateBatch(input);
      eq(reports.length, n, "count");
      ok(reports.every((r, i) => r.valid && r.event.resource_id === String(i)), "every line, in order");
    }
    const huge = APPT.slice(0, -1) + `,"pad":"${"x".repeat((1 << 20) + 10)}"}`;
    const reports = api.validateBatch(utf8.encode([APPT, huge, APPT].join("\n")));
    eq(reports.map((r) => r.issues[0]?.code ?? "ok"), ["ok", "body_too_large", "ok"], "oversized line");
  });

  // What summarizeBatch must answer, worked out from validate line by line:
  // line numbers count every line of the input, blank ones included.
  function expectedSummary(lines, options) {
    const summary = { count: 0, valid: 0, eventTypes: {}, flagged: [] };
    const counts = new Map();
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const report = api.validate(line, options);
      summary.count++;
      if (report.valid) summary.valid++;
      if (report.event !== null) counts.set(report.event.event_type, (counts.get(report.event.event_type) ?? 0) + 1);
      if (report.issues.length > 0) summary.flagged.push({ line: i + 1, report });
    });
    for (const type of [...counts.keys()].sort()) summary.eventTypes[type] = counts.get(type);
    return summary;
  }

  test("summarizeBatch: counts, event types and the flagged reports with their line numbers, from bytes, ArrayBuffer and string", () => {
    const lines = [
      "",
      APPT,
      "[1,2]",
      " \t ",
      '{"resource_id":"Zoë","resource_id_type":"Goal","event_type":"goal.created","changed_fields":[],"user_id":"Å"}',
      '{"resource_id":"1","resource_id_type":"Thing","event_type":"thing.happened","changed_fields":[]}',
      '{"resource_id":"1","resource_id_type":"X","event_type":"__proto__","changed_fields":[]}',
      ...env.examples.slice(0, 40).map((e) => e.body),
      APPT.replace('"changed_fields":[]', '"changed_fields":["date"]'),
      '{"resource_id":"1"}\r',
      APPT,
    ];
    const ndjson = lines.join("\n");
    const expected = expectedSummary(lines);
    ok(expected.flagged.length >= 5 && expected.valid < expected.count && expected.eventTypes["appointment.created"] >= 2, "the batch mixes clean and flagged bodies");
    const bytes = utf8.encode(ndjson);
    for (const input of [ndjson, bytes, bytes.buffer.slice(0)]) {
      const summary = api.summarizeBatch(input);
      eq(summary, expected, `summary of ${Object.prototype.toString.call(input)}`);
      eq(Object.keys(summary), ["count", "valid", "eventTypes", "flagged"], "keys");
      eq(Object.getPrototypeOf(summary.eventTypes), Object.prototype, "a plain object");
    }
    eq(api.summarizeBatch(ndjson, { mode: "strict" }), expectedSummary(lines, { mode: "strict" }), "strict");
    eq(api.summarizeBatch(""), { count: 0, valid: 0, eventTypes: {}, flagged: [] }, "empty");
    throwsType(() => api.summarizeBatch({}), /summarizeBatch\(ndjson\).*newline-delimited JSON/, "object");
  });

  test("summarizeBatch: line numbers hold across megabyte chunks and around a line over the limit", () => {
    const lines = [];
    for (let i = 0; i < 18000; i++) lines.push(i % 1000 === 7 ? "{" : i % 3 === 0 ? "" : APPT.replace("67890", String(i)));
    lines.splice(4321, 0, APPT.slice(0, -1) + `,"pad":"${"x".repeat((1 << 20) + 10)}"}`);
    const ndjson = lines.join("\n");
    ok(ndjson.length > 2 << 20, "several chunks");
    const expected = expectedSummary(lines);
    eq(expected.flagged.map((f) => f.report.issues[0].code).filter((c) => c === "body_too_large").length, 1, "one line too large");
    for (const input of [ndjson, utf8.encode(ndjson)]) eq(api.summarizeBatch(input), expected, `summary of ${typeof input}`);
  });

  test("verifyAndValidate: the verification of verifySignature, the report of validate; no report without a valid signature", async () => {
    const { headers } = await healthieHeaders();
    const both = api.verifyAndValidate(request(headers), SECRET);
    eq(both.verification, api.verifySignature(request(headers), SECRET), "verification");
    eq(both.report, api.validate(bodyBytes), "report");
    eq(api.verifyAndValidate(request(headers), [" other", SECRET], { mode: "strict" }).report, api.validate(bodyBytes, { mode: "strict" }), "strict, rotation");
    const signed = api.signRequest({ path: "/webhooks/healthie", body: APPT }, SECRET);
    const ascii = api.verifyAndValidate({ path: "/webhooks/healthie", headers: signed, body: APPT }, SECRET);
    ok(ascii.verification.valid && ascii.report.valid && ascii.report.info === api.classify("appointment.created"), "ASCII string body");
    const bad = api.verifyAndValidate(request(headers), "whsec_other");
    eq([bad.verification.code, bad.report], ["signature_mismatch", null], "wrong secret");
    eq(api.verifyAndValidate(request({}), SECRET).verification.code, "missing_header");
    throwsType(() => api.verifyAndValidate(request(headers), ""), /non-empty/, "empty secret");
    throwsType(() => api.verifyAndValidate(request(headers, { body: JSON.parse(BODY) }), SECRET), /raw/, "parsed body");
  });

  const results = [];
  for (const { name, fn } of cases) {
    try {
      await fn();
      results.push({ name, error: null });
    } catch (e) {
      results.push({ name, error: `${e?.message ?? e}\n${e?.stack ?? ""}` });
    }
  }
  return results;
}

/** WebCrypto implementations of the independent crypto (workerd, browsers). */
export const webCryptoEnv = {
  async sha256Base64(bytes) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    let s = "";
    for (const b of digest) s += String.fromCharCode(b);
    return btoa(s);
  },
  async hmacHex(secret, text) {
    const key = await crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(text)));
    return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
  },
};
