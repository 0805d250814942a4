// Receivers: a router over the package's own verification and validation,
// with a fetch adapter (`handle(request)`: Workers, Deno, Bun, Node's Request)
// and a Node adapter (`nodeMiddleware()`: node:http, Express, Connect).
// Runtime-independent: only web-standard globals (Response, TextEncoder) and
// the synchronous wasm API of core.js.
//
// The order of checks is fixed and cheap first: method (405), content type
// (415), declared length (413), bytes read under the limit (413), signature
// (401), payload (400), then handlers (200, or 500 when one throws). A request
// rejected at any step runs no handler.
import { __verifyAndValidateKeyed, events, isKnownEvent } from "./core.js";

const DEFAULT_MAX_BYTES = 1 << 20;
const OPTION_NAMES = new Set(["secret", "secrets", "mode", "path", "onUnknownEvent", "maxBytes"]);
const EXACT_NAME = /^[a-z0-9_]+\.[a-z0-9_]+$/;
const RESOURCE_WILDCARD = /^([a-z0-9_]+)\.\*$/;
const JSON_HEADERS = Object.freeze({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
const utf8 = new TextEncoder();

/** The error handed to `onError` handlers (and the shape of every non-200 answer). */
export class WebhookError extends Error {
  constructor(status, code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "WebhookError";
    /** The HTTP status answered. */
    this.status = status;
    /** method_not_allowed, unsupported_media_type, body_too_large, body_already_read, body_read_failed, signature_invalid, invalid_payload, handler_failed. */
    this.code = code;
    for (const key of ["verification", "issues", "event", "info", "report", "deliveryKey", "handlerType"]) {
      if (details[key] !== undefined) this[key] = details[key];
    }
  }
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "undefined";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function readSecrets(options) {
  const hasSecret = options.secret !== undefined;
  const hasSecrets = options.secrets !== undefined;
  if (hasSecret && hasSecrets) {
    throw new TypeError("createWebhooks: pass either `secret` or `secrets` (an array, during rotation), not both");
  }
  const given = hasSecrets ? options.secrets : options.secret;
  if (given === undefined || given === null) {
    throw new TypeError(
      "createWebhooks: no secret given (options.secret is " + describe(given) + "). Pass the webhook's signing secret, " +
        "e.g. { secret: process.env.HEALTHIE_WEBHOOK_SECRET } (check that the variable is set). Receivers fail closed: " +
        "without a secret every delivery would be unverifiable.",
    );
  }
  const list = Array.isArray(given) ? [...given] : [given];
  if (hasSecrets && !Array.isArray(given)) {
    throw new TypeError(`createWebhooks: options.secrets must be an array of strings, got ${describe(given)}`);
  }
  if (list.length === 0) {
    throw new TypeError("createWebhooks: the list of secrets is empty; pass at least one. Receivers fail closed.");
  }
  for (const s of list) {
    if (typeof s !== "string" || s.length === 0) {
      throw new TypeError(
        `createWebhooks: each secret must be a non-empty string, got ${s === "" ? "an empty string" : describe(s)}. Receivers fail closed.`,
      );
    }
  }
  return Object.freeze(list);
}

function readOptions(options) {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`createWebhooks(options): pass an object like { secret }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new TypeError(`createWebhooks: unknown option ${JSON.stringify(key)}; known options: ${[...OPTION_NAMES].join(", ")}`);
    }
  }
  const secrets = readSecrets(options);
  const { mode = "lenient", path, onUnknownEvent = "accept", maxBytes = DEFAULT_MAX_BYTES } = options;
  if (mode !== "lenient" && mode !== "strict") {
    throw new TypeError(`createWebhooks: mode must be "lenient" or "strict", got ${JSON.stringify(mode)}`);
  }
  if (path !== undefined && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new TypeError(
      `createWebhooks: path must be the URL path Healthie posts to, starting with "/" (e.g. "/webhooks/healthie"), got ${JSON.stringify(path)}`,
    );
  }
  if (onUnknownEvent !== "accept" && onUnknownEvent !== "ignore" && onUnknownEvent !== "reject") {
    throw new TypeError(`createWebhooks: onUnknownEvent must be "accept", "ignore" or "reject", got ${JSON.stringify(onUnknownEvent)}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > 0x7fffffff) {
    throw new TypeError(`createWebhooks: maxBytes must be a whole number of bytes (1 to 2^31-1), got ${String(maxBytes)}`);
  }
  return { secrets, mode, path, onUnknownEvent, maxBytes };
}

let resources = null;
function knownResources() {
  if (resources === null) resources = new Set(events().map((e) => e.resource));
  return resources;
}

const warned = new Set();
function warnOnce(message) {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

function closestKnown(name) {
  const [resource] = name.split(".");
  const same = events().filter((e) => e.resource === resource).map((e) => e.eventType);
  return same.length > 0 ? ` Known ${resource} events: ${same.join(", ")}.` : "";
}

// One registered handler: what it matches, compiled once.
function compileMatcher(type) {
  if (typeof type !== "string") {
    throw new TypeError(`on(eventType, handler): eventType must be a string (or an array of strings), got ${describe(type)}`);
  }
  if (type === "*") return { type, test: () => true };
  const wildcard = RESOURCE_WILDCARD.exec(type);
  if (wildcard !== null) {
    if (!knownResources().has(wildcard[1])) {
      warnOnce(`healthie-webhooks: on(${JSON.stringify(type)}): no known event has the resource "${wildcard[1]}"; the handler runs only if Healthie sends such events.`);
    }
    const prefix = `${wildcard[1]}.`;
    return { type, test: (eventType) => eventType.startsWith(prefix) };
  }
  if (!EXACT_NAME.test(type)) {
    throw new TypeError(
      `on(eventType, handler): ${JSON.stringify(type)} is not an event type; use a name like "appointment.created", a resource wildcard like "appointment.*", or "*"`,
    );
  }
  if (!isKnownEvent(type)) {
    warnOnce(`healthie-webhooks: on(${JSON.stringify(type)}): not a known Healthie event type (typo?); the handler runs only if Healthie sends it.${closestKnown(type)}`);
  }
  return { type, test: (eventType) => eventType === type };
}

function isJsonContentType(value) {
  if (typeof value !== "string") return false;
  const semi = value.indexOf(";");
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase() === "application/json";
}

// A declared Content-Length, or -1 when absent or unreadable.
function declaredLength(value) {
  if (typeof value !== "string" || !/^\s*\d+\s*$/.test(value)) return -1;
  return Number(value);
}

function splitUrl(url) {
  const hash = url.indexOf("#");
  if (hash !== -1) url = url.slice(0, hash);
  const q = url.indexOf("?");
  return q === -1 ? { path: url, query: "" } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function concat(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function asBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return utf8.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`the request body stream yielded ${describe(chunk)}, not bytes`);
}

const TOO_LARGE = Symbol("too large");

const PARSED_BODY_HELP =
  "The request body was already consumed by a body parser (e.g. express.json() or bodyParser.json()), so the raw bytes " +
  "Healthie signed are gone and the signature cannot be checked. Mount the webhook route before express.json(), " +
  "or give it the raw body: app.post(path, express.raw({ type: \"application/json\" }), webhooks.nodeMiddleware()).";

function errorBody(error) {
  const body = { error: error.code, message: error.message };
  if (error.verification !== undefined) body.reason = error.verification.code;
  if (error.issues !== undefined) {
    body.issues = error.issues.map((i) => ({ code: i.code, severity: i.severity, path: i.path, message: i.message }));
  }
  return body;
}

/**
 * Creates a receiver. Throws a TypeError when no usable secret is given:
 * receivers fail closed.
 */
export function createWebhooks(options) {
  const opts = readOptions(options);
  const handlers = []; // { matcher, fn } in registration order
  const errorHandlers = [];

  async function reportError(error) {
    if (errorHandlers.length === 0) {
      // A thrown handler must never vanish silently; rejections are expected traffic.
      if (error.code === "handler_failed") console.error("healthie-webhooks: a handler threw", error.cause ?? error);
      return;
    }
    for (const fn of errorHandlers) {
      try {
        await fn(error);
      } catch (e) {
        console.error("healthie-webhooks: an onError handler threw", e);
      }
    }
  }

  async function reject(error, extraHeaders) {
    await reportError(error);
    return { status: error.status, headers: extraHeaders, body: errorBody(error) };
  }

  // The shared pipeline. `input` describes the request without tying it to
  // a runtime: { method, url, contentType, contentLength, headers, readBody }.
  // Returns { status, headers?, body } (body: a JSON-serialisable object).
  async function run(input) {
    if (input.method !== "POST") {
      return reject(new WebhookError(405, "method_not_allowed", `Healthie delivers webhooks with POST, not ${input.method}`), { allow: "POST" });
    }
    if (!isJsonContentType(input.contentType)) {
      return reject(
        new WebhookError(415, "unsupported_media_type", `Content-Type must be application/json, got ${input.contentType === undefined || input.contentType === null ? "none" : JSON.stringify(String(input.contentType).slice(0, 100))}`),
      );
    }
    const declared = declaredLength(input.contentLength);
    if (declared > opts.maxBytes) {
      return reject(new WebhookError(413, "body_too_large", `the body is ${declared} bytes, over the limit of ${opts.maxBytes}`));
    }
    let raw;
    try {
      raw = await input.readBody(opts.maxBytes);
    } catch (e) {
      if (e instanceof WebhookError) return reject(e);
      return reject(new WebhookError(400, "body_read_failed", "the request body could not be read", { cause: e }));
    }
    if (raw === TOO_LARGE || raw.byteLength > opts.maxBytes) {
      return reject(new WebhookError(413, "body_too_large", `the body is over the limit of ${opts.maxBytes} bytes`));
    }

    const url = splitUrl(input.url);
    const path = opts.path ?? url.path;
    // One crossing: the body is written into wasm once, verified, then
    // validated; the delivery key is the body's SHA-256 verification computed.
    const { verification, report, deliveryKey: key } = __verifyAndValidateKeyed(
      { method: "POST", path, query: url.query, headers: input.headers, body: raw },
      opts.secrets,
      { mode: opts.mode, maxBytes: opts.maxBytes },
    );
    if (!verification.valid) {
      return reject(new WebhookError(401, "signature_invalid", `signature verification failed: ${verification.message}`, { verification }));
    }

    const { event, info } = report;
    if (!report.valid || event === null) {
      const issues = report.issues.filter((i) => i.severity === "error");
      return reject(new WebhookError(400, "invalid_payload", "the body is not a valid Healthie webhook payload", { issues, report, event: event ?? undefined, info: info ?? undefined, deliveryKey: key }));
    }
    if (info === null && opts.onUnknownEvent !== "accept") {
      if (opts.onUnknownEvent === "ignore") return { status: 200, body: { ok: true, ignored: true } };
      const issues = report.issues.filter((i) => i.code === "unknown_event_type").map((i) => ({ ...i, severity: "error" }));
      return reject(new WebhookError(400, "invalid_payload", `unknown event type ${JSON.stringify(event.event_type)} (this receiver rejects unknown events)`, { issues, report, event, deliveryKey: key }));
    }

    const context = { event, info, report, raw, deliveryKey: key };
    const eventType = event.event_type;
    // A snapshot: handlers registered while this delivery runs wait for the next one.
    for (const { matcher, fn } of handlers.slice()) {
      if (!matcher.test(eventType)) continue;
      try {
        await fn(context);
      } catch (e) {
        return reject(
          new WebhookError(500, "handler_failed", `the handler for ${JSON.stringify(matcher.type)} failed on ${eventType}`, {
            cause: e,
            event,
            info: info ?? undefined,
            report,
            deliveryKey: key,
            handlerType: matcher.type,
          }),
        );
      }
    }
    return { status: 200, body: { ok: true } };
  }

  // run() turns bad input into answers; only a bug or a wasm trap (core.js
  // restarts the instance) lands here, and still gets an answer.
  async function safeRun(input) {
    try {
      return await run(input);
    } catch (e) {
      console.error("healthie-webhooks: internal error", e);
      return { status: 500, body: { error: "internal_error", message: "the webhook receiver failed" } };
    }
  }

  function toResponse(result) {
    const headers = { ...JSON_HEADERS, ...result.headers };
    return new Response(JSON.stringify(result.body), { status: result.status, headers });
  }

  const webhooks = {
    on(type, handler) {
      const types = Array.isArray(type) ? type : [type];
      if (types.length === 0) throw new TypeError("on(eventTypes, handler): the list of event types is empty");
      if (typeof handler !== "function") {
        throw new TypeError(`on(eventType, handler): handler must be a function, got ${describe(handler)}`);
      }
      const matchers = types.map(compileMatcher);
      // One entry per call: a handler given several types runs once per delivery.
      const matcher =
        matchers.length === 1
          ? matchers[0]
          : { type: types.join(", "), test: (eventType) => matchers.some((m) => m.test(eventType)) };
      handlers.push({ matcher, fn: handler });
      return webhooks;
    },

    onError(handler) {
      if (typeof handler !== "function") {
        throw new TypeError(`onError(handler): handler must be a function, got ${describe(handler)}`);
      }
      errorHandlers.push(handler);
      return webhooks;
    },

    /** The fetch adapter: a web Request in, a Response out. Never throws for bad input. */
    async handle(request) {
      if (request === null || typeof request !== "object" || typeof request.headers?.get !== "function") {
        throw new TypeError(`handle(request): pass a fetch Request, got ${describe(request)}`);
      }
      const headers = request.headers;
      const result = await safeRun({
        method: String(request.method).toUpperCase(),
        url: requestPathAndQuery(request.url),
        contentType: headers.get("content-type") ?? undefined,
        contentLength: headers.get("content-length") ?? undefined,
        headers,
        readBody: (max) => readFetchBody(request, max),
      });
      return toResponse(result);
    },

    /** The Node adapter: (req, res, next?) for node:http, Express and Connect. Always answers. */
    nodeMiddleware() {
      return async function healthieWebhooksMiddleware(req, res, _next) {
        const headers = req.headers ?? {};
        const result = await safeRun({
          method: String(req.method ?? "").toUpperCase(),
          // Express strips a router's mount path from req.url; originalUrl keeps it.
          url: typeof req.originalUrl === "string" ? req.originalUrl : String(req.url ?? "/"),
          contentType: single(headers["content-type"]),
          contentLength: single(headers["content-length"]),
          headers,
          readBody: (max) => readNodeBody(req, max),
        });
        sendNode(res, result);
      };
    },
  };

  return webhooks;
}

function single(value) {
  return Array.isArray(value) ? value[0] : value;
}

function requestPathAndQuery(url) {
  // Request.url is absolute; keep the path and query as they appear in it.
  const s = String(url);
  const scheme = s.indexOf("://");
  if (scheme === -1) return s;
  const slash = s.indexOf("/", scheme + 3);
  if (slash === -1) {
    const q = s.indexOf("?", scheme + 3);
    return q === -1 ? "/" : `/${s.slice(q)}`;
  }
  return s.slice(slash);
}

async function readFetchBody(request, maxBytes) {
  if (request.bodyUsed) {
    throw new WebhookError(500, "body_already_read", "the request body was already read before handle(request); pass the untouched Request (or request.clone())");
  }
  const stream = request.body;
  if (stream === null || stream === undefined) return new Uint8Array(0);
  if (typeof stream.getReader !== "function") return new Uint8Array(await request.arrayBuffer());
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const bytes = asBytes(value);
      total += bytes.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        return TOO_LARGE;
      }
      chunks.push(bytes);
    }
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // Already released by cancel().
    }
  }
  return concat(chunks, total);
}

function readNodeBody(req, maxBytes) {
  const body = req.body;
  if (body instanceof Uint8Array) return body; // express.raw(), or a Buffer set by a framework
  if (typeof body === "string") return utf8.encode(body); // express.text(): UTF-8 round-trips for UTF-8 bodies
  if ((body !== undefined && body !== null) || req._body === true || req.readableEnded === true) {
    throw new WebhookError(500, "body_already_read", PARSED_BODY_HELP);
  }
  if (typeof req.on !== "function") {
    throw new WebhookError(500, "body_already_read", "the request has no readable body stream; pass node:http's IncomingMessage (or an Express request) untouched");
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let total = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk) => {
      const bytes = asBytes(chunk);
      total += bytes.byteLength;
      if (total > maxBytes) {
        cleanup();
        chunks.length = 0;
        // Keep draining (and discarding) so the answer can be written; the
        // 413 carries Connection: close, so the socket ends after it.
        req.resume();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      cleanup();
      resolve(concat(chunks, total));
    };
    const onError = (e) => {
      cleanup();
      reject(e);
    };
    const onAborted = () => {
      cleanup();
      reject(new Error("the client aborted the request"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

function sendNode(res, result) {
  if (res.headersSent || res.writableEnded) return;
  const bytes = utf8.encode(JSON.stringify(result.body));
  res.statusCode = result.status;
  for (const [name, value] of Object.entries({ ...JSON_HEADERS, ...result.headers })) res.setHeader(name, value);
  res.setHeader("content-length", String(bytes.byteLength));
  // Over the limit, the rest of the body is not wanted: end the connection
  // after the answer instead of reading it to keep the connection alive.
  if (result.status === 413) res.setHeader("connection", "close");
  res.end(bytes);
}
