// The runtime-independent JavaScript API of healthie-webhooks. Each entry file
// (node.mjs, node.cjs, workerd.mjs, browser.mjs) instantiates the wasm its own
// way, calls `bindInstance`, and re-exports this module.
//
// Why this file reads wasm memory itself instead of letting wasm-bindgen build
// objects: crossing the boundary dominates the cost of a validation. The body
// is written straight into one long-lived buffer inside the instance, the
// instance's own exports are called with numbers only (no wasm-bindgen
// wrapper per call), and the report comes back as u32 words whose strings are
// spans of the body the caller already holds (see src/wasm/encode.rs for the
// layout). Catalogue strings (event type, resource type, documented keys) are
// the interned strings of the cached, frozen EventInfo objects.
import * as glue from "./healthie_webhooks.js";

const FLAG_VALID = 1;
const FLAG_EVENT = 2;
const FLAG_ISSUES = 4;
const FLAG_ASCII = 8;
const FLAG_TYPE_AS_CATALOGUED = 16;
const ABSENT = 0xffffffff;
const IN_SCRATCH = 0x80000000;
const KIND_STRING = 0;
const KIND_NULL = 1;
const KIND_MASK = 0xff;
const FIELD_SHIFT = 8;
const ISSUE_WORDS = 8;
const VERIFICATION_WORDS = 16; // the last 8: the body's SHA-256 when authentic
const EVENT_AND_ASCII = FLAG_EVENT | FLAG_ASCII;

const DEFAULT_MAX_BYTES = 1 << 20;
const DEFAULT_MAX_DEPTH = 64;
/** Bytes of newline-delimited JSON handed to the instance per call. */
const BATCH_CHUNK = 1 << 20;
/** Secret sets the instance keeps keyed (see secretSlot). */
const SECRET_SLOTS = 16;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: false });
// Node's Buffer decodes a byte range to a one-byte string in one native call:
// for an ASCII body that string's offsets are its byte offsets, so every
// string of the report is a cheap slice of it.
const bufferLatin1 =
  typeof Buffer === "function" && typeof Buffer.prototype?.latin1Slice === "function" ? Buffer.prototype.latin1Slice : null;
let latin1Decoder;

let raw = null; // the instance's own exports
let memory = null;
let u8 = null;
let u32 = null;
let inputPtr = 0;
let inputCap = 0;
let scratchBase = -1;
let bound = false;
let issueCodes = null;
let verificationCodes = null;
const secretSlots = new Map(); // secret (or JSON of the list) -> slot in the instance

/** @internal Called by the entry file once the glue is initialised (and again after a restart). */
export function bindInstance() {
  // Once the glue is initialised, `initSync()` with no argument returns the
  // exports of the instance it holds: their numeric functions are called
  // directly, skipping wasm-bindgen's wrapper (and its guard) on every call.
  raw = glue.initSync();
  if (raw === undefined || raw === null || typeof raw.validate_input !== "function") {
    throw new Error("healthie-webhooks: the wasm glue did not hand over the instance's exports");
  }
  memory = raw.memory;
  refreshViews();
  inputPtr = 0;
  inputCap = 0;
  scratchBase = -1;
  secretSlots.clear();
  bound = true;
}

// The names of issue and verification codes, read from the instance on first
// need (not at start-up: cold start counts).
function loadCodeNames() {
  const [issues, verifications] = handedText(raw.code_names()).split("\n\n");
  issueCodes = issues.split("\n");
  verificationCodes = verifications.split("\n");
  views();
}

/** @internal */
export function isBound() {
  return bound;
}

// A string an export handed over: `ptr` points at two words, [pointer, byte
// length] (see hand_over in src/wasm/exports.rs).
function handedText(ptr) {
  views();
  const at = ptr >>> 2;
  const start = u32[at];
  return utf8Decoder.decode(u8.subarray(start, start + u32[at + 1]));
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
    inputPtr = raw.input_buffer(cap) >>> 0;
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
function restarted(e) {
  if (e instanceof WebAssembly.RuntimeError) {
    glue.__wbg_reset_state();
    bindInstance();
    return new Error(`healthie-webhooks: the wasm instance trapped (${e.message}); it was restarted and later calls will work`, { cause: e });
  }
  return e;
}

function callWasm(fn) {
  requireBound();
  try {
    return fn();
  } catch (e) {
    throw restarted(e);
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
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1 || maxDepth > 256) {
    throw new TypeError(`validate(body, options): options.maxDepth must be a whole number from 1 to 256, got ${String(maxDepth)}`);
  }
  if (mode === "lenient" && maxBytes === DEFAULT_MAX_BYTES && maxDepth === DEFAULT_MAX_DEPTH) return LENIENT;
  return { strict: mode === "strict" ? 1 : 0, mode, maxBytes, maxDepth };
}

// `strict` is 0 or 1, not a boolean: it crosses into wasm as an i32, and
// V8's JS-to-wasm wrappers convert anything but a number on a slower path
// (validate in workerd: 1.0-1.3 us with numbers, 1.3-1.6 us with booleans).
const LENIENT = Object.freeze({ strict: 0, mode: "lenient", maxBytes: DEFAULT_MAX_BYTES, maxDepth: DEFAULT_MAX_DEPTH });

// ---------------------------------------------------------------- catalogue

let names = null; // Map name -> catalogue index
const infos = [];

function nameIndex() {
  if (names === null) {
    const list = callWasm(() => handedText(raw.event_names())).split("\n");
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
    info = deepFreeze(JSON.parse(callWasm(() => handedText(raw.event_info(index)))));
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

/**
 * The body's bytes [start, end) as a string with one character per byte: for
 * ASCII text, its offsets are byte offsets. Node: one native call; elsewhere
 * TextDecoder (UTF-8 gives the same string for ASCII; `latin1` keeps the
 * offsets of a mixed batch chunk, or null when the runtime lacks it).
 */
function byteText(bytes, start, end, mixed) {
  if (bufferLatin1 !== null) return bufferLatin1.call(bytes, start, end);
  if (!mixed) return utf8Decoder.decode(bytes.subarray(start, end));
  if (latin1Decoder === undefined) {
    try {
      latin1Decoder = new TextDecoder("latin1");
    } catch {
      latin1Decoder = null;
    }
  }
  return latin1Decoder === null ? null : latin1Decoder.decode(bytes.subarray(start, end));
}

function scratchText(start, end) {
  if (scratchBase < 0) scratchBase = raw.scratch_ptr() >>> 0;
  return utf8Decoder.decode(u8.subarray(scratchBase + (start - IN_SCRATCH), scratchBase + end));
}

// Where the next report starts, after readReport (batches).
let cursor = 0;
// The strings of the report being read: see readReport.
let spanText = null;
let spanBytes = null;
let spanSliced = false;

// One string of a report: a slice of the text, a decode of the bytes (null:
// the instance's input buffer, whose view a memory growth may replace), or a
// scratch string.
function span(start, end) {
  if (start >= IN_SCRATCH) return scratchText(start, end);
  if (spanSliced) return spanText.slice(start, end);
  if (spanBytes === null) return utf8Decoder.decode(u8.subarray(inputPtr + start, inputPtr + end));
  return utf8Decoder.decode(spanBytes.subarray(start, end));
}

/**
 * The report whose words start at `at`. Its strings are spans of `bytes`
 * (the body or a batch chunk; null: the input buffer); `text` is those bytes
 * as a string with one character per byte (or null), sliced for ASCII reports.
 */
function readReport(at, text, bytes, mode) {
  let w = u32;
  const flags = w[at];
  const spec = w[at + 1];
  let info = null;
  if (spec !== 0) {
    info = infos[spec - 1];
    if (info === undefined) {
      // First report of this event type: building its EventInfo calls into
      // the instance, which may grow memory (and detach the views).
      info = infoAt(spec - 1);
      views();
      w = u32;
    }
  }
  at += 2;
  spanSliced = (flags & FLAG_ASCII) !== 0 && text !== null;
  spanText = text;
  spanBytes = bytes;
  let event = null;
  if ((flags & FLAG_EVENT) !== 0) {
    const resourceId = span(w[at], w[at + 1]);
    const resourceIdType = (flags & FLAG_TYPE_AS_CATALOGUED) !== 0 ? info.resourceIdType : span(w[at + 2], w[at + 3]);
    const eventType = info !== null ? info.eventType : span(w[at + 4], w[at + 5]);
    at += 6;
    const changedCount = w[at++];
    if (changedCount === ABSENT) {
      event = { resource_id: resourceId, resource_id_type: resourceIdType, event_type: eventType };
    } else {
      const changed = new Array(changedCount);
      for (let i = 0; i < changedCount; i++, at += 2) changed[i] = span(w[at], w[at + 1]);
      event = { resource_id: resourceId, resource_id_type: resourceIdType, event_type: eventType, changed_fields: changed };
    }
    const extraCount = w[at++];
    for (let i = 0; i < extraCount; i++, at += 5) {
      const kindWord = w[at + 2];
      const field = kindWord >>> FIELD_SHIFT;
      // A documented field's key is the catalogue's (interned) string.
      const key = field !== 0 ? info.extraFields[field - 1].name : span(w[at], w[at + 1]);
      const kind = kindWord & KIND_MASK;
      const value = kind === KIND_STRING ? span(w[at + 3], w[at + 4]) : kind === KIND_NULL ? null : JSON.parse(span(w[at + 3], w[at + 4]));
      if (key === "__proto__") {
        // An own property, as JSON.parse makes it, not the object's prototype.
        Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        event[key] = value;
      }
    }
  }
  let issues;
  if ((flags & FLAG_ISSUES) !== 0) {
    if (issueCodes === null) {
      loadCodeNames();
      w = u32;
    }
    const count = w[at++];
    issues = new Array(count);
    for (let i = 0; i < count; i++, at += ISSUE_WORDS) {
      const issue = {
        code: issueCodes[w[at]],
        severity: w[at + 1] === 0 ? "error" : "warning",
        path: scratchText(w[at + 2], w[at + 3]),
        message: scratchText(w[at + 4], w[at + 5]),
      };
      if (w[at + 6] !== ABSENT) {
        issue.line = w[at + 6];
        issue.column = w[at + 7];
      }
      issues[i] = issue;
    }
  } else {
    issues = [];
  }
  cursor = at;
  // Keep no reference to the caller's body.
  spanText = null;
  spanBytes = null;
  return { valid: (flags & FLAG_VALID) !== 0, mode, event, info, issues };
}

function validateBytes(bytes, opts) {
  const len = bytes.length;
  if (len <= opts.maxBytes) {
    ensureInput(len);
    u8.set(bytes, inputPtr);
  }
  scratchBase = -1;
  const at = (raw.validate_input(len, opts.strict, opts.maxBytes, opts.maxDepth) >>> 0) >>> 2;
  views();
  const text = (u32[at] & EVENT_AND_ASCII) === EVENT_AND_ASCII ? byteText(bytes, 0, len, false) : null;
  return readReport(at, text, bytes, opts.mode);
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
  if (str.length > opts.maxBytes) {
    scratchBase = -1;
    const at = (raw.validate_input(utf8Length(str), opts.strict, opts.maxBytes, opts.maxDepth) >>> 0) >>> 2;
    views();
    return readReport(at, null, null, opts.mode);
  }
  ensureInput(str.length * 3);
  const { written } = utf8Encoder.encodeInto(str, u8.subarray(inputPtr, inputPtr + inputCap));
  scratchBase = -1;
  const at = (raw.validate_input(written, opts.strict, opts.maxBytes, opts.maxDepth) >>> 0) >>> 2;
  views();
  // ASCII: byte offsets are string offsets, so spans slice the caller's
  // string; otherwise they are decoded from the UTF-8 copy in the instance.
  return readReport(at, written === str.length ? str : null, null, opts.mode);
}

/**
 * Parse, classify and validate a webhook body. Bad input is a report, never
 * an exception; only misuse (a number as body, an unknown mode) throws.
 */
export function validate(body, options) {
  const opts = options === undefined ? LENIENT : readOptions(options);
  requireBound();
  try {
    if (body instanceof Uint8Array) return validateBytes(body, opts);
    if (typeof body === "string") return validateString(body, opts);
    if (body instanceof ArrayBuffer) return validateBytes(new Uint8Array(body), opts);
    if (ArrayBuffer.isView(body)) return validateBytes(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), opts);
    if (isPlainObject(body)) {
      // Already parsed: duplicate keys and syntax are gone; re-serialise.
      return validateString(JSON.stringify(body), opts);
    }
  } catch (e) {
    throw restarted(e);
  }
  throw new TypeError(
    `validate(body): pass the raw body as a Uint8Array, Buffer, ArrayBuffer or string (or an already parsed plain object), got ${describe(body)}`,
  );
}

// Where a report's words end, without reading them (the layout readReport
// walks; summaries skip clean reports with it).
function skipReport(at) {
  const w = u32;
  const flags = w[at];
  at += 2;
  if ((flags & FLAG_EVENT) !== 0) {
    at += 6;
    const changedCount = w[at++];
    if (changedCount !== ABSENT) at += 2 * changedCount;
    at += 5 * w[at] + 1;
  }
  if ((flags & FLAG_ISSUES) !== 0) at += ISSUE_WORDS * w[at] + 1;
  return at;
}

// Where a batch's reports go. `line` is the 1-based line number in the whole
// input of the next chunk's first line.
class ReportList {
  constructor() {
    this.line = 1;
    this.reports = [];
  }
  // Whether the report at `at` was taken in by its first words alone.
  counted() {
    return false;
  }
  add(report) {
    this.reports.push(report);
  }
}

class Summary {
  constructor() {
    this.line = 1;
    this.count = 0;
    this.valid = 0;
    this.flagged = [];
    this.bySpec = null; // clean bodies per catalogue index + 1
    this.byName = new Map(); // the others, by event type
  }
  // A clean body of a catalogued event (what Healthie sends) is counted
  // from its first two words: no strings, no objects.
  counted(at) {
    const spec = u32[at + 1];
    if ((u32[at] & (FLAG_ISSUES | FLAG_EVENT)) !== FLAG_EVENT || spec === 0) return false;
    if (this.bySpec === null) this.bySpec = new Uint32Array(nameIndex().size + 1);
    this.bySpec[spec]++;
    this.count++;
    this.valid++;
    return true;
  }
  add(report, line) {
    this.count++;
    if (report.valid) this.valid++;
    if (report.event !== null) {
      const type = report.event.event_type;
      this.byName.set(type, (this.byName.get(type) ?? 0) + 1);
    }
    if (report.issues.length > 0) this.flagged.push({ line, report });
  }
  result() {
    const counts = this.byName;
    if (this.bySpec !== null) {
      for (let spec = 1; spec < this.bySpec.length; spec++) {
        const n = this.bySpec[spec];
        if (n > 0) {
          const type = infoAt(spec - 1).eventType;
          counts.set(type, (counts.get(type) ?? 0) + n);
        }
      }
    }
    const eventTypes = {};
    // No key can be "__proto__": a body whose event_type is not a
    // `resource.action` name has no event, so it is not counted.
    for (const type of [...counts.keys()].sort()) eventTypes[type] = counts.get(type);
    return { count: this.count, valid: this.valid, eventTypes, flagged: this.flagged };
  }
}

// One chunk of newline-delimited JSON, already in the input buffer, into
// `sink`. `textOf()` gives the chunk as a string for spans (see readReport);
// it is made only when a report is read in full.
function batchChunk(len, textOf, bytes, opts, sink) {
  scratchBase = -1;
  const at = (raw.validate_batch(len, opts.strict, opts.maxBytes, opts.maxDepth) >>> 0) >>> 2;
  views();
  const count = u32[at];
  const newlines = u32[at + 1];
  let text;
  cursor = at + 2;
  for (let i = 0; i < count; i++) {
    const line = sink.line + u32[cursor];
    const report = cursor + 1;
    if (sink.counted(report)) {
      cursor = skipReport(report);
    } else {
      if (text === undefined) text = textOf();
      // readReport moves the cursor past the report.
      sink.add(readReport(report, text, bytes, opts.mode), line);
    }
  }
  sink.line += newlines;
}

// A single line longer than a chunk and than maxBytes: reported as too large
// without copying it (whitespace-only lines are skipped, as in the instance).
function oversizedLine(len, opts, sink) {
  scratchBase = -1;
  const at = (raw.validate_input(len, opts.strict, opts.maxBytes, opts.maxDepth) >>> 0) >>> 2;
  views();
  sink.add(readReport(at, null, null, opts.mode), sink.line);
}

function batchBytes(bytes, opts, sink) {
  const total = bytes.length;
  let start = 0;
  while (start < total) {
    let end = Math.min(start + BATCH_CHUNK, total);
    if (end < total) {
      const newline = bytes.lastIndexOf(10, end - 1);
      if (newline >= start) {
        end = newline + 1;
      } else {
        // One line longer than a chunk.
        const next = bytes.indexOf(10, end);
        end = next === -1 ? total : next + 1;
        const lineLength = end - start - (bytes[end - 1] === 10 ? 1 : 0);
        if (lineLength > opts.maxBytes) {
          let blank = true;
          for (let i = start; i < start + lineLength && blank; i++) blank = bytes[i] === 32 || bytes[i] === 9 || bytes[i] === 13;
          if (!blank) oversizedLine(lineLength, opts, sink);
          sink.line++;
          start = end;
          continue;
        }
      }
    }
    const chunk = bytes.subarray(start, end);
    ensureInput(end - start);
    u8.set(chunk, inputPtr);
    const from = start;
    const to = end;
    batchChunk(end - start, () => byteText(bytes, from, to, true), chunk, opts, sink);
    start = end;
  }
}

function batchString(str, opts, sink) {
  const total = str.length;
  // Characters per chunk: at most 3 bytes each in UTF-8.
  const chunkChars = BATCH_CHUNK / 2;
  let start = 0;
  while (start < total) {
    let end = Math.min(start + chunkChars, total);
    if (end < total) {
      const newline = str.lastIndexOf("\n", end - 1);
      if (newline >= start) {
        end = newline + 1;
      } else {
        const next = str.indexOf("\n", end);
        end = next === -1 ? total : next + 1;
      }
    }
    const chunk = start === 0 && end === total ? str : str.slice(start, end);
    ensureInput(chunk.length * 3);
    const { written } = utf8Encoder.encodeInto(chunk, u8.subarray(inputPtr, inputPtr + inputCap));
    // ASCII chunk: spans slice it. Otherwise they are decoded from the copy.
    const text = written === chunk.length ? chunk : null;
    batchChunk(written, () => text, null, opts, sink);
    start = end;
  }
}

function runBatch(fn, ndjson, options, sink) {
  const opts = options === undefined ? LENIENT : readOptions(options);
  requireBound();
  try {
    if (typeof ndjson === "string") batchString(ndjson, opts, sink);
    else if (ndjson instanceof Uint8Array) batchBytes(ndjson, opts, sink);
    else if (ndjson instanceof ArrayBuffer) batchBytes(new Uint8Array(ndjson), opts, sink);
    else if (ArrayBuffer.isView(ndjson)) batchBytes(new Uint8Array(ndjson.buffer, ndjson.byteOffset, ndjson.byteLength), opts, sink);
    else {
      throw new TypeError(`${fn}(ndjson): pass newline-delimited JSON as a Uint8Array, Buffer, ArrayBuffer or string, got ${describe(ndjson)}`);
    }
  } catch (e) {
    throw restarted(e);
  }
  return sink;
}

/**
 * Validate many bodies at once: newline-delimited JSON (one body per line,
 * empty and whitespace-only lines skipped), in one crossing per megabyte.
 * Returns one Report per body, in order; `maxBytes` applies to each line.
 */
export function validateBatch(ndjson, options) {
  return runBatch("validateBatch", ndjson, options, new ReportList()).reports;
}

/**
 * Validate many bodies at once, as validateBatch, but answer what a replay or
 * an audit of stored deliveries asks: how many, how many valid, how many of
 * each event type, and the full report (with its 1-based line number) of
 * every body that has an issue. Clean bodies are counted without building
 * their reports, which is most of validateBatch's cost.
 */
export function summarizeBatch(ndjson, options) {
  return runBatch("summarizeBatch", ndjson, options, new Summary()).result();
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

// The secret as given when it is one string (the usual case: no list to
// build), else the checked list.
function readSecrets(secret, fn) {
  if (typeof secret === "string" && secret.length > 0) return secret;
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

// The slot of a secret set in the instance, registering it on first use:
// the instance keys the HMAC once per secret, not once per delivery. Only
// the last few sets are kept (a receiver has one, two while rotating).
function secretSlot(secret) {
  const key = typeof secret === "string" ? secret : secret.length === 1 ? secret[0] : JSON.stringify(secret);
  const known = secretSlots.get(key);
  if (known !== undefined) return known;
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secretSlots.size >= SECRET_SLOTS) {
    raw.forget_secrets();
    secretSlots.clear();
  }
  let size = 0;
  for (const s of secrets) size += 4 + s.length * 3;
  ensureInput(size);
  let p = inputPtr;
  for (const s of secrets) {
    const { written } = utf8Encoder.encodeInto(s, u8.subarray(p + 4, p + 4 + s.length * 3));
    u8[p] = written & 0xff;
    u8[p + 1] = (written >>> 8) & 0xff;
    u8[p + 2] = (written >>> 16) & 0xff;
    u8[p + 3] = written >>> 24;
    p += 4 + written;
  }
  const slot = raw.secret_slot(p - inputPtr, secrets.length) >>> 0;
  views();
  // The instance keeps the keyed HMAC state, not the secret: no plain copy
  // stays in its memory for a later dump or bug to show.
  u8.fill(0, inputPtr, p);
  // JS already refused empty secrets, so the instance cannot refuse one.
  if (slot === 0) throw new Error("healthie-webhooks: the instance refused a secret");
  secretSlots.set(key, slot);
  return slot;
}

// Writes `s` at `p` when it is ASCII (else returns false, having written a
// prefix). Outside Node (see runVerify).
function writeAscii(s, p) {
  const out = u8;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return false;
    out[p + i] = c;
  }
  return true;
}

// Writes `s` as UTF-8 at `p` (room for 3 bytes per unit); returns its length.
function writeText(s, p) {
  return utf8Encoder.encodeInto(s, u8.subarray(p, p + s.length * 3)).written;
}

// Whether the last request's strings were all ASCII (then so is the signed
// string, and decoding it needs no UTF-8 decoder).
let requestAscii = false;

// Body and request strings into the instance, one call: verification words
// at the returned word index, then (andValidate, valid) the report's.
function runVerify(bytes, method, path, query, digest, signature, secret, andValidate, opts) {
  const slot = secretSlot(secret);
  const len = bytes.length;
  const hasDigest = digest !== undefined;
  const hasSignature = signature !== undefined;
  const digestText = hasDigest ? digest : "";
  const signatureText = hasSignature ? signature : "";
  ensureInput(len + (method.length + path.length + query.length + digestText.length + signatureText.length) * 3);
  u8.set(bytes, inputPtr);
  let methodLen, pathLen, queryLen, digestLen, signatureLen;
  // When all five are ASCII, every string's byte length is its length. Node's
  // TextEncoder.encodeInto is a fast binding (about 8% of a delivery faster
  // than a loop); workerd's is a C++ call costing about 0.75 µs for a
  // request's 150 characters, three times the loop (issue 7).
  let p = inputPtr + len;
  let ascii;
  if (bufferLatin1 !== null) {
    const all = method + path + query + digestText + signatureText;
    ascii = utf8Encoder.encodeInto(all, u8.subarray(p, p + all.length * 3)).written === all.length;
  } else {
    ascii =
      writeAscii(method, p) &&
      writeAscii(path, (p += method.length)) &&
      writeAscii(query, (p += path.length)) &&
      writeAscii(digestText, (p += query.length)) &&
      writeAscii(signatureText, p + digestText.length);
  }
  if (ascii) {
    requestAscii = true;
    methodLen = method.length;
    pathLen = path.length;
    queryLen = query.length;
    digestLen = hasDigest ? digest.length : ABSENT;
    signatureLen = hasSignature ? signature.length : ABSENT;
  } else {
    requestAscii = false;
    p = inputPtr + len;
    p += methodLen = writeText(method, p);
    p += pathLen = writeText(path, p);
    p += queryLen = writeText(query, p);
    digestLen = ABSENT;
    if (hasDigest) p += digestLen = writeText(digest, p);
    signatureLen = hasSignature ? writeText(signature, p) : ABSENT;
  }
  scratchBase = -1;
  const ptr =
    raw.verify_request(len, methodLen, pathLen, queryLen, digestLen, signatureLen, slot, andValidate, opts.strict, opts.maxBytes, opts.maxDepth) >>> 0;
  views();
  if (ptr === 0) throw new Error("healthie-webhooks: no secret reached the instance");
  return ptr >>> 2;
}

// The verification at word `at`. `signedWhenValid` false: no signedString on
// a valid verification (the receiver shows verifications only on failure, and
// decoding the string is a TextDecoder call outside Node).
function readVerification(at, signedWhenValid = true) {
  if (verificationCodes === null) loadCodeNames();
  const w = u32;
  const message = w[at + 2] === w[at + 3] ? "" : scratchText(w[at + 2], w[at + 3]);
  const result = { valid: w[at + 1] === 1, code: verificationCodes[w[at]], message };
  if (w[at + 4] !== ABSENT && (signedWhenValid || !result.valid)) {
    if (requestAscii && bufferLatin1 !== null) {
      if (scratchBase < 0) scratchBase = raw.scratch_ptr() >>> 0;
      result.signedString = bufferLatin1.call(u8, scratchBase + (w[at + 4] - IN_SCRATCH), scratchBase + w[at + 5]);
    } else {
      result.signedString = scratchText(w[at + 4], w[at + 5]);
    }
  }
  if (w[at + 6] !== ABSENT) result.likelyCause = scratchText(w[at + 6], w[at + 7]);
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
  requireBound();
  try {
    return readVerification(runVerify(bytes, method, path, query, digest, signature, secrets, 0, LENIENT));
  } catch (e) {
    throw restarted(e);
  }
}

/**
 * A receiver's whole hot path in one call: verify the signature and, when it
 * is valid, validate the body (written into the instance once). Returns
 * { verification, report }; `report` is null when the signature is not valid
 * (an unauthenticated body is not worth reading).
 */
export function verifyAndValidate(request, secret, options) {
  return verifyValidateKeyed(request, secret, options, "verifyAndValidate", false);
}

/**
 * @internal The receiver's call (receiver.js): verifyAndValidate plus, when
 * authentic, the delivery key, read from the digest verification computed
 * (deliveryKey(body) would write the body in and hash it again); a valid
 * verification comes without its signedString, which the receiver never shows.
 */
export function __verifyAndValidateKeyed(request, secret, options) {
  return verifyValidateKeyed(request, secret, options, "createWebhooks", true);
}

function verifyValidateKeyed(request, secret, options, fn, keyed) {
  const { method, path, query } = readRequest(request, fn);
  const secrets = readSecrets(secret, fn);
  const opts = options === undefined ? LENIENT : readOptions(options);
  const bytes = rawBody(request.body, fn);
  const digest = headerValue(request.headers, "content-digest");
  const signature = headerValue(request.headers, "signature");
  requireBound();
  try {
    const at = runVerify(bytes, method, path, query, digest, signature, secrets, 1, opts);
    const verification = readVerification(at, !keyed);
    let report = null;
    let deliveryKey = null;
    if (verification.valid) {
      if (keyed) deliveryKey = hexWords(at + VERIFICATION_WORDS - 8);
      const r = at + VERIFICATION_WORDS;
      const text = (u32[r] & EVENT_AND_ASCII) === EVENT_AND_ASCII ? byteText(bytes, 0, bytes.length, false) : null;
      report = readReport(r, text, bytes, opts.mode);
    }
    return keyed ? { verification, report, deliveryKey } : { verification, report };
  } catch (e) {
    throw restarted(e);
  }
}

const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

// Lower-case hex of the 32 bytes in the 8 words at word index `at`.
function hexWords(at) {
  const bytes = u8;
  let hex = "";
  for (let i = at * 4, end = i + 32; i < end; i++) hex += HEX_BYTES[bytes[i]];
  return hex;
}

/**
 * Sign a request the way Healthie does, for your own tests. Returns the
 * headers Content-Type, Content-Digest, Content-Length, Signature-Input, Signature.
 */
export function signRequest(request, secret) {
  const fn = "signRequest";
  const { method, path, query } = readRequest(request, fn);
  const checked = readSecrets(secret, fn);
  const key = typeof checked === "string" ? checked : checked[0];
  if (Array.isArray(secret) && secret.length !== 1) throw new TypeError(`${fn}: sign with one secret`);
  const bytes = rawBody(request.body, fn);
  return callWasm(() => {
    // The body, then the strings, as verify_request takes them.
    ensureInput(bytes.length + (method.length + path.length + query.length + key.length) * 3);
    u8.set(bytes, inputPtr);
    let p = inputPtr + bytes.length;
    const lengths = [method, path, query, key].map((text) => {
      const written = writeText(text, p);
      p += written;
      return written;
    });
    const headers = handedText(raw.sign_input(bytes.length, ...lengths));
    // No plain copy of the secret stays in the instance (see secretSlot).
    views();
    u8.fill(0, inputPtr + bytes.length, p);
    return parseResult(headers);
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
    const at = (raw.digest_input(bytes.length) >>> 0) >>> 2;
    views();
    return hexWords(at);
  });
}

/** @internal Test hook: traps the wasm instance (see hardening tests). */
export function __trapForTests() {
  return callWasm(() => glue.__test_trap());
}

/** @internal Test hook: whether the UTF-8 of `text` occurs anywhere in the instance's memory (see hardening tests). */
export function __memoryIncludesForTests(text) {
  requireBound();
  const needle = utf8Encoder.encode(text);
  const hay = new Uint8Array(memory.buffer);
  outer: for (let i = hay.indexOf(needle[0]); i !== -1 && i + needle.length <= hay.length; i = hay.indexOf(needle[0], i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** @internal Test hook: the current instance's wasm memory in bytes (see hardening tests). */
export function __memoryBytesForTests() {
  requireBound();
  return memory.buffer.byteLength;
}
