// The runtime-independent JavaScript API of healthie-webhooks. Each entry file
// (node.mjs, node.cjs, workerd.mjs, browser.mjs) instantiates the wasm its own
// way, calls `bindInstance`, and re-exports this module.
//
// Why this file reads wasm memory itself instead of letting wasm-bindgen build
// objects: crossing the boundary dominates the cost of a validation. The body
// is written straight into one long-lived buffer inside the instance, and the
// report comes back as a few u32 words whose strings are spans of the body the
// caller already holds (see src/wasm/encode.rs for the layout).
import * as glue from "./healthie_webhooks.js";

const FLAG_VALID = 1;
const FLAG_EVENT = 2;
const FLAG_ISSUES = 4;
const FLAG_ASCII = 8;
const ABSENT = 0xffffffff;
const IN_SCRATCH = 0x80000000;
const KIND_STRING = 0;
const KIND_NULL = 1;

const DEFAULT_MAX_BYTES = 1 << 20;
const DEFAULT_MAX_DEPTH = 64;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: false });

let memory = null;
let u8 = null;
let u32 = null;
let inputPtr = 0;
let inputCap = 0;
let bound = false;

/** @internal Called by the entry file once the glue is initialised. */
export function bindInstance() {
  memory = glue.instance_memory();
  refreshViews();
  inputPtr = 0;
  inputCap = 0;
  bound = true;
}

/** @internal */
export function isBound() {
  return bound;
}

function refreshViews() {
  u8 = new Uint8Array(memory.buffer);
  u32 = new Uint32Array(memory.buffer);
}

// Growing wasm memory detaches the old ArrayBuffer (length 0).
function views() {
  if (u8.byteLength === 0) refreshViews();
}

function ensureInput(capacity) {
  if (capacity > inputCap) {
    const cap = Math.max(capacity, 4096);
    inputPtr = glue.input_buffer(cap);
    inputCap = cap;
  }
  views();
}

function requireBound() {
  if (!bound) {
    throw new Error(
      "healthie-webhooks is not initialised: in a browser, `await init()` once before calling it",
    );
  }
}

// A trap (a Rust panic compiled to `unreachable`, or an engine limit) leaves
// the instance unusable. Start a fresh one so the next call works, and make
// this call fail loudly with a real Error.
function callWasm(fn) {
  requireBound();
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      glue.__wbg_reset_state();
      bindInstance();
      throw new Error(`healthie-webhooks: the wasm instance trapped (${e.message}); it was restarted and later calls will work`, { cause: e });
    }
    throw e;
  }
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? `a ${value.constructor?.name ?? "object"}` : `a ${typeof value}`;
}

function isPlainObject(value) {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------- options

function readOptions(options) {
  if (options === undefined || options === null) return LENIENT;
  if (typeof options !== "object") {
    throw new TypeError(`validate(body, options): options must be an object like { mode: "strict" }, got ${describe(options)}`);
  }
  const { mode = "lenient", maxBytes = DEFAULT_MAX_BYTES, maxDepth = DEFAULT_MAX_DEPTH } = options;
  if (mode !== "lenient" && mode !== "strict") {
    throw new TypeError(`validate(body, options): options.mode must be "lenient" or "strict", got ${JSON.stringify(mode)}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0 || maxBytes > 0x7fffffff) {
    throw new TypeError(`validate(body, options): options.maxBytes must be a whole number of bytes (0 to 2^31-1), got ${String(maxBytes)}`);
  }
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1 || maxDepth > 10000) {
    throw new TypeError(`validate(body, options): options.maxDepth must be a whole number from 1 to 10000, got ${String(maxDepth)}`);
  }
  if (mode === "lenient" && maxBytes === DEFAULT_MAX_BYTES && maxDepth === DEFAULT_MAX_DEPTH) return LENIENT;
  return { strict: mode === "strict", mode, maxBytes, maxDepth };
}

const LENIENT = Object.freeze({ strict: false, mode: "lenient", maxBytes: DEFAULT_MAX_BYTES, maxDepth: DEFAULT_MAX_DEPTH });

// ---------------------------------------------------------------- catalogue

let names = null; // Map name -> catalogue index
const infos = [];

function nameIndex() {
  if (names === null) {
    const list = callWasm(() => glue.event_names()).split("\n");
    names = new Map(list.map((name, i) => [name, i]));
  }
  return names;
}

function deepFreeze(value) {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// EventInfo objects are built once per event type and frozen: cheap to hand
// out on every validation, and comparable with ===.
function infoAt(index) {
  let info = infos[index];
  if (info === undefined) {
    info = deepFreeze(JSON.parse(callWasm(() => glue.event_info(index))));
    infos[index] = info;
  }
  return info;
}

/** Catalogue entry for an event type, or null when it is not a known name. */
export function classify(eventType) {
  if (typeof eventType !== "string") {
    throw new TypeError(`classify(eventType): pass an event type string like "appointment.created", got ${describe(eventType)}`);
  }
  const index = nameIndex().get(eventType);
  return index === undefined ? null : infoAt(index);
}

/** Whether the catalogue knows this event type (documented or not). */
export function isKnownEvent(name) {
  return typeof name === "string" && nameIndex().has(name);
}

/** The whole catalogue (179 entries), sorted by eventType. */
export function events() {
  const size = nameIndex().size;
  const all = new Array(size);
  for (let i = 0; i < size; i++) all[i] = infoAt(i);
  return all;
}

// ---------------------------------------------------------------- validate

// Where the strings of the current report come from.
let srcString = null; // the caller's string, when it is ASCII
let srcBytes = null; // the caller's bytes
let srcAscii = false;
let scratchBase = -1;

function decodeBytes(bytes, start, end) {
  if (srcAscii && end - start <= 24) {
    // Short ASCII (IDs, names): cheaper than a TextDecoder call.
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  return utf8Decoder.decode(bytes.subarray(start, end));
}

function stringAt(start, end) {
  if (start >= IN_SCRATCH) {
    if (scratchBase < 0) scratchBase = glue.scratch_ptr();
    views();
    return utf8Decoder.decode(u8.subarray(scratchBase + (start - IN_SCRATCH), scratchBase + end));
  }
  if (srcString !== null) return srcString.slice(start, end);
  if (srcBytes !== null) return decodeBytes(srcBytes, start, end);
  // A non-ASCII string body: its UTF-8 copy is still in the input buffer.
  views();
  return utf8Decoder.decode(u8.subarray(inputPtr + start, inputPtr + end));
}

function runValidate(len, opts) {
  scratchBase = -1;
  const at = glue.validate_input(len, opts.strict, opts.maxBytes, opts.maxDepth) >>> 2;
  views();
  const flags = u32[at];
  const specIndex = u32[at + 1];
  const info = specIndex === 0 ? null : infoAt(specIndex - 1);
  srcAscii = (flags & FLAG_ASCII) !== 0;
  let event = null;
  if (flags & FLAG_EVENT) event = decodeEvent(at + 2, info);
  const issues = flags & FLAG_ISSUES ? JSON.parse(glue.issues_json()) : [];
  return { valid: (flags & FLAG_VALID) !== 0, mode: opts.mode, event, info, issues };
}

function decodeEvent(w, info) {
  // Words are read before any decode: decoding a scratch string may call into
  // wasm, but never reallocates the words.
  const words = u32;
  const resourceId = stringAt(words[w], words[w + 1]);
  const resourceIdType = stringAt(words[w + 2], words[w + 3]);
  // The catalogue's interned string when the name is known.
  const eventType = info !== null ? info.eventType : stringAt(words[w + 4], words[w + 5]);
  const event = { resource_id: resourceId, resource_id_type: resourceIdType, event_type: eventType };
  let at = w + 6;
  const changedCount = words[at++];
  if (changedCount !== ABSENT) {
    const changed = new Array(changedCount);
    for (let i = 0; i < changedCount; i++, at += 2) changed[i] = stringAt(words[at], words[at + 1]);
    event.changed_fields = changed;
  }
  const extraCount = words[at++];
  for (let i = 0; i < extraCount; i++, at += 5) {
    const key = stringAt(words[at], words[at + 1]);
    const kind = words[at + 2];
    event[key] =
      kind === KIND_STRING ? stringAt(words[at + 3], words[at + 4])
      : kind === KIND_NULL ? null
      : JSON.parse(stringAt(words[at + 3], words[at + 4]));
  }
  return event;
}

function validateBytes(bytes, opts) {
  const len = bytes.length;
  srcString = null;
  srcBytes = bytes;
  if (len <= opts.maxBytes) {
    ensureInput(len);
    u8.set(bytes, inputPtr);
  }
  return runValidate(len, opts);
}

function utf8Length(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function validateString(str, opts) {
  srcBytes = null;
  if (str.length > opts.maxBytes) {
    srcString = null;
    return runValidate(utf8Length(str), opts);
  }
  ensureInput(str.length * 3);
  const { written } = utf8Encoder.encodeInto(str, u8.subarray(inputPtr, inputPtr + inputCap));
  // ASCII: byte offsets are string offsets, so spans slice the caller's string.
  srcString = written === str.length ? str : null;
  return runValidate(written, opts);
}

/**
 * Parse, classify and validate a webhook body. Bad input is a report, never
 * an exception; only misuse (a number as body, an unknown mode) throws.
 */
export function validate(body, options) {
  const opts = readOptions(options);
  return callWasm(() => {
    try {
      if (body instanceof Uint8Array) return validateBytes(body, opts);
      if (typeof body === "string") return validateString(body, opts);
      if (body instanceof ArrayBuffer) return validateBytes(new Uint8Array(body), opts);
      if (ArrayBuffer.isView(body)) return validateBytes(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), opts);
      if (isPlainObject(body)) {
        // Already parsed: duplicate keys and syntax are gone; re-serialise.
        return validateString(JSON.stringify(body), opts);
      }
    } finally {
      srcString = null;
      srcBytes = null;
    }
    throw new TypeError(
      `validate(body): pass the raw body as a Uint8Array, Buffer, ArrayBuffer or string (or an already parsed plain object), got ${describe(body)}`,
    );
  });
}

// ---------------------------------------------------------------- signatures

function rawBody(body, fn) {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return utf8Encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body !== null && typeof body === "object") {
    throw new TypeError(
      `${fn}: body is a parsed object, but the signature covers the raw bytes Healthie sent. ` +
        "Pass the raw body (a Buffer/Uint8Array, ArrayBuffer or the exact string): e.g. `await request.arrayBuffer()`, " +
        "or mount the webhook route before express.json() / use express.raw({ type: 'application/json' })",
    );
  }
  throw new TypeError(`${fn}: body must be a Uint8Array, Buffer, ArrayBuffer or string, got ${describe(body)}`);
}

function headerValue(headers, name) {
  if (headers === undefined || headers === null) return undefined;
  if (typeof headers.get === "function") {
    const v = headers.get(name);
    return v === null ? undefined : v;
  }
  if (typeof headers !== "object") {
    throw new TypeError(`verifySignature: headers must be a Headers object or a plain object of header names to values, got ${describe(headers)}`);
  }
  let v = headers[name];
  if (v === undefined) {
    // Plain objects come in every letter case.
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        v = headers[key];
        break;
      }
    }
  }
  if (Array.isArray(v)) v = v[0];
  return v === undefined || v === null ? undefined : String(v);
}

function readSecrets(secret, fn) {
  const list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0) {
    throw new TypeError(`${fn}: no secret given; pass the webhook's secret (or an array of secrets during rotation). Verification fails closed.`);
  }
  for (const s of list) {
    if (typeof s !== "string" || s.length === 0) {
      throw new TypeError(`${fn}: each secret must be a non-empty string; got ${s === "" ? "an empty string" : describe(s)}. Verification fails closed.`);
    }
  }
  return list;
}

function readRequest(request, fn) {
  if (request === null || typeof request !== "object") {
    throw new TypeError(`${fn}: pass { method, path, query, headers, body }, got ${describe(request)}`);
  }
  const { method = "POST", path, query = "" } = request;
  if (typeof method !== "string") throw new TypeError(`${fn}: method must be a string like "POST"`);
  if (typeof path !== "string" || path.length === 0) {
    throw new TypeError(`${fn}: path is required: the URL path Healthie posted to (e.g. "/webhooks/healthie"), as Healthie saw it — behind a proxy or a framework base path this can differ from the path your app sees`);
  }
  if (typeof query !== "string") throw new TypeError(`${fn}: query must be a string (without or with its leading "?"), use "" for none`);
  return { method, path, query };
}

function writeBody(bytes) {
  ensureInput(bytes.length);
  u8.set(bytes, inputPtr);
}

function parseResult(json) {
  const result = JSON.parse(json);
  if (result.misuse !== undefined) throw new TypeError(`healthie-webhooks: ${result.misuse}`);
  return result;
}

/**
 * Verify Healthie's HMAC-SHA256 signature of a delivery. Synchronous.
 * Returns { valid, code, message, signedString?, likelyCause? }.
 */
export function verifySignature(request, secret) {
  const fn = "verifySignature";
  const { method, path, query } = readRequest(request, fn);
  const secrets = readSecrets(secret, fn);
  const bytes = rawBody(request.body, fn);
  const digest = headerValue(request.headers, "content-digest");
  const signature = headerValue(request.headers, "signature");
  return callWasm(() => {
    writeBody(bytes);
    return parseResult(glue.verify_input(bytes.length, method, path, query, digest, signature, secrets));
  });
}

/**
 * Sign a request the way Healthie does, for your own tests. Returns the
 * headers Content-Type, Content-Digest, Content-Length, Signature-Input, Signature.
 */
export function signRequest(request, secret) {
  const fn = "signRequest";
  const { method, path, query } = readRequest(request, fn);
  const [key] = readSecrets(secret, fn);
  if (Array.isArray(secret) && secret.length !== 1) throw new TypeError(`${fn}: sign with one secret`);
  const bytes = rawBody(request.body, fn);
  return callWasm(() => {
    writeBody(bytes);
    return parseResult(glue.sign_input(bytes.length, method, path, query, key));
  });
}

/**
 * A stable key for one delivery's content: the lower-case hex SHA-256 of the
 * raw body bytes (64 characters). Healthie retries a failed delivery with the
 * same body, so a receiver can remember keys it processed and drop retries.
 * Synchronous in every runtime (computed in wasm, not WebCrypto).
 */
export function deliveryKey(body) {
  const bytes = rawBody(body, "deliveryKey(rawBody)");
  return callWasm(() => {
    writeBody(bytes);
    return glue.digest_input(bytes.length);
  });
}

/** @internal Test hook: traps the wasm instance (see hardening tests). */
export function __trapForTests() {
  return callWasm(() => glue.__test_trap());
}

/** @internal Test hook: the current instance's wasm memory in bytes (see hardening tests). */
export function __memoryBytesForTests() {
  requireBound();
  return memory.buffer.byteLength;
}
