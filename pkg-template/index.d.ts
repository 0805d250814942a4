// Types of the healthie-webhooks package (every runtime entry exports the same API).
import type { DocumentedEvents, KnownEventType, StandardFields, UndocumentedEventType } from "./events.js";

export type { DocumentedEvents, KnownEventType, StandardFields, UndocumentedEventType };

/** A documented event, discriminated on `event_type`, with its extra fields. */
export type DocumentedEvent = DocumentedEvents[keyof DocumentedEvents];

/**
 * An event the reference does not document (known only from Healthie's GraphQL
 * enum, or new): the standard fields plus whatever else the body carried.
 */
export interface UnknownEvent extends StandardFields {
  /**
   * Any other name. TypeScript cannot exclude the documented names from
   * `string`, so `switch (event.event_type)` narrows a documented case to
   * `ThatEvent | UnknownEvent`: check extra fields with `typeof`, or take
   * `DocumentedEvents["goal.deleted"]` from the router's typed `on()`.
   */
  event_type: string;
  [field: string]: unknown;
}

/** The event carried by a body whose envelope is sound. */
export type WebhookEvent = DocumentedEvent | UnknownEvent;

/** Stable codes of validation issues. */
export type IssueCode =
  | "invalid_json"
  | "body_too_large"
  | "not_an_object"
  | "duplicate_key"
  | "missing_field"
  | "wrong_type"
  | "empty_value"
  | "malformed_event_type"
  | "unknown_event_type"
  | "resource_type_mismatch"
  | "changed_fields_not_empty"
  | "missing_extra_field"
  | "null_not_allowed"
  | "unexpected_field";

export interface Issue {
  code: IssueCode;
  severity: "error" | "warning";
  /** JSON Pointer to the offending place; "" is the whole body. */
  path: string;
  /** A sentence for people. */
  message: string;
  /** 1-based line (invalid_json, duplicate_key). */
  line?: number;
  /** 1-based column in characters (invalid_json, duplicate_key). */
  column?: number;
}

export interface ExtraFieldInfo {
  readonly name: string;
  readonly nullable: boolean;
  readonly description: string;
}

/** A catalogue entry. The same frozen object for one event type every time. */
export interface EventInfo {
  readonly eventType: string;
  readonly resource: string;
  readonly action: string;
  /** The reference's section: Appointment, Message, Billing, Clinical, Document, Organization; null when undocumented. */
  readonly category: "Appointment" | "Message" | "Billing" | "Clinical" | "Document" | "Organization" | null;
  readonly resourceIdType: string | null;
  readonly description: string;
  readonly firesWhen: string | null;
  readonly mutations: readonly string[];
  readonly extraFields: readonly ExtraFieldInfo[];
  /** False for names known only from Healthie's GraphQL enum. */
  readonly documented: boolean;
}

export interface Report {
  /** No issue of severity "error". */
  valid: boolean;
  mode: "lenient" | "strict";
  /** The event when the envelope is sound, else null. */
  event: WebhookEvent | null;
  /** The catalogue entry when the event type is known, else null. */
  info: EventInfo | null;
  /** In document order. */
  issues: Issue[];
}

export interface ValidateOptions {
  /** "lenient" (default, for receivers) or "strict" (contract tests, inspectors). */
  mode?: "lenient" | "strict";
  /** Largest body accepted, in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Deepest nesting accepted. Default 64. */
  maxDepth?: number;
}

/**
 * The raw body (bytes are the fast path), a string, or an already parsed plain
 * object (then duplicate keys and syntax errors cannot be detected any more).
 */
export type Body = Uint8Array | ArrayBuffer | ArrayBufferView | string | Record<string, unknown>;

/** Parse, classify and validate a body. Bad input gives a report; misuse throws a TypeError. */
export function validate(body: Body, options?: ValidateOptions): Report;
/**
 * Validate many bodies at once: newline-delimited JSON, one body per line
 * (empty and whitespace-only lines are skipped), one crossing into wasm per
 * megabyte. One Report per body, in order; `maxBytes` applies to each line.
 */
export function validateBatch(ndjson: Uint8Array | ArrayBuffer | ArrayBufferView | string, options?: ValidateOptions): Report[];

/** A body of a batch that has an issue: its report and where it is. */
export interface FlaggedLine {
  /** 1-based line number in the input (blank lines count). */
  line: number;
  report: Report;
}

/** What summarizeBatch answers about a batch. */
export interface BatchSummary {
  /** Bodies validated: the non-blank lines. */
  count: number;
  /** How many of them are valid (no issue of severity "error"). */
  valid: number;
  /** Bodies per event type, keys sorted, for every body whose envelope is sound (valid or not, catalogued or not). */
  eventTypes: Record<string, number>;
  /** Every body with an issue (error or warning), in order. Clean bodies have no entry. */
  flagged: FlaggedLine[];
}

/**
 * Validate newline-delimited JSON as validateBatch does, but return counts and
 * the reports of the bodies with issues only: for replaying or auditing stored
 * deliveries. Clean bodies are counted without building their reports, most
 * of validateBatch's cost.
 */
export function summarizeBatch(ndjson: Uint8Array | ArrayBuffer | ArrayBufferView | string, options?: ValidateOptions): BatchSummary;
/** Catalogue entry of an event type, or null. */
export function classify(eventType: string): EventInfo | null;
/** The whole catalogue (179 entries), sorted by eventType. */
export function events(): EventInfo[];
/** Whether the catalogue knows this name (documented or not). */
export function isKnownEvent(name: string): name is KnownEventType;

/** A fetch Headers object, Node's IncomingHttpHeaders, or a plain object in any letter case. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface SignedRequest {
  /** Default "POST". */
  method?: string;
  /** The URL path Healthie posted to, as Healthie saw it (before any proxy rewrite or framework base path). */
  path: string;
  /** The query string, with or without its leading "?"; "" or omitted for none. */
  query?: string;
  headers: HeadersLike;
  /** The raw body bytes (or the exact string, encoded as UTF-8). A parsed object throws a TypeError. */
  body: Uint8Array | ArrayBuffer | ArrayBufferView | string;
}

export type VerificationCode = "valid" | "missing_header" | "malformed_header" | "digest_mismatch" | "signature_mismatch";

export interface Verification {
  valid: boolean;
  code: VerificationCode;
  /** What failed, for people ("" when valid). Never contains a secret. */
  message: string;
  /** The string that was signed, as computed here (holds no secret), to compare with what you expected. */
  signedString?: string;
  /** The likely cause of a mismatch (body re-serialised, path prefix, wrong secret...). */
  likelyCause?: string;
}

/** Verify a delivery's signature against one secret or several (rotation). Synchronous; throws a TypeError on misuse (no secret, parsed body). */
export function verifySignature(request: SignedRequest, secret: string | readonly string[]): Verification;

export interface VerifiedReport {
  verification: Verification;
  /** The report when the signature is valid; null otherwise (an unauthenticated body is not read). */
  report: Report | null;
}

/**
 * Verify and, when the signature is valid, validate a delivery in one call
 * (the body crosses into wasm once). Same misuse errors as verifySignature.
 */
export function verifyAndValidate(request: SignedRequest, secret: string | readonly string[], options?: ValidateOptions): VerifiedReport;

export interface SignedHeaders {
  "Content-Type": string;
  "Content-Digest": string;
  "Content-Length": string;
  "Signature-Input": string;
  Signature: string;
}

/** Sign a request as Healthie does, for your own tests. */
export function signRequest(request: Omit<SignedRequest, "headers">, secret: string): SignedHeaders;

/** Loads the wasm (needed once in browsers; a no-op elsewhere). Safe to call twice. */
export function init(input?: unknown): Promise<void>;
export default init;

// ============================================================================
// Receivers (receiver.js): createWebhooks, its router and its adapters.
// ============================================================================

/** The resource part of an event type ("appointment" for "appointment.created"). */
export type KnownResource = KnownEventType extends infer T ? (T extends `${infer R}.${string}` ? R : never) : never;

/** What `on()` accepts: an event type, a resource wildcard like "appointment.*", or "*" (every accepted event). */
export type EventSelector = "*" | KnownEventType | `${KnownResource}.*` | (string & {});

/** The event a handler registered for `S` receives. */
export type EventFor<S extends string> = S extends "*"
  ? WebhookEvent
  : S extends keyof DocumentedEvents
    ? DocumentedEvents[S]
    : S extends `${infer R}.*`
      ? Extract<DocumentedEvent, { event_type: `${R}.${string}` }> | UnknownEvent
      : UnknownEvent & { event_type: S };

/** What every handler receives. */
export interface WebhookContext<E = WebhookEvent> {
  /** The verified, validated event. */
  event: E;
  /** The catalogue entry; null for an event type the catalogue does not know. */
  info: EventInfo | null;
  /** The full validation report (warnings included). */
  report: Report;
  /** The raw body bytes exactly as received (and as signed). */
  raw: Uint8Array;
  /** deliveryKey(raw): lower-case hex SHA-256 of the raw body, for dropping Healthie's retries. */
  deliveryKey: string;
}

export type WebhookHandler<E = WebhookEvent> = (context: WebhookContext<E>) => unknown;

export type WebhookErrorCode =
  | "method_not_allowed"
  | "unsupported_media_type"
  | "body_too_large"
  | "body_already_read"
  | "body_read_failed"
  | "signature_invalid"
  | "invalid_payload"
  | "handler_failed";

/** Given to onError handlers for every delivery that was not answered 200. */
export class WebhookError extends Error {
  constructor(status: number, code: WebhookErrorCode, message: string, details?: Partial<Pick<WebhookError, "verification" | "issues" | "event" | "info" | "report" | "deliveryKey" | "handlerType" | "cause">>);
  readonly name: "WebhookError";
  /** The HTTP status answered: 405, 415, 413, 401, 400 or 500. */
  readonly status: number;
  readonly code: WebhookErrorCode;
  /** signature_invalid: the verification result (with likelyCause and the signed string, never a secret). */
  readonly verification?: Verification;
  /** invalid_payload: the issues of severity "error". */
  readonly issues?: Issue[];
  readonly event?: WebhookEvent;
  readonly info?: EventInfo;
  readonly report?: Report;
  /** Set once the signature was verified. */
  readonly deliveryKey?: string;
  /** handler_failed: the selector the failing handler was registered with. */
  readonly handlerType?: string;
  /** handler_failed: what the handler threw. */
  readonly cause?: unknown;
}

export interface WebhooksOptions {
  /** The webhook's signing secret. Required (or `secrets`): createWebhooks throws a TypeError without one. */
  secret?: string | readonly string[];
  /** Several secrets during rotation; a delivery signed with any of them is accepted. */
  secrets?: readonly string[];
  /** "lenient" (default): accept new event types and fields with warnings. "strict": reject them with 400. */
  mode?: "lenient" | "strict";
  /**
   * The URL path Healthie posted to, as Healthie saw it, when it differs from
   * the path the app sees (reverse proxy rewrites, framework base paths).
   * Default: the request's own path.
   */
  path?: string;
  /**
   * Events the catalogue does not know (lenient mode): "accept" (default;
   * 200, reach "*" and matching handlers), "ignore" (200, no handler) or
   * "reject" (400; Healthie will retry for days).
   */
  onUnknownEvent?: "accept" | "ignore" | "reject";
  /** Largest body accepted, in bytes (413 above). Default 1 MiB. */
  maxBytes?: number;
}

/** The parts of node:http's IncomingMessage (or Express's Request) the middleware uses. */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  /** Express: the URL before a router stripped its mount path. */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by body parsers: a Buffer (express.raw) is used; a parsed object is an error. */
  body?: unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** The parts of node:http's ServerResponse (or Express's Response) the middleware uses. */
export interface NodeResponseLike {
  statusCode: number;
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(chunk: Uint8Array): unknown;
}

export type NodeMiddleware = (req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void) => Promise<void>;

export interface Webhooks {
  /** Runs `handler` for matching deliveries, after verification and validation, in order of registration. */
  on<const S extends EventSelector>(type: S, handler: WebhookHandler<EventFor<S>>): Webhooks;
  on<const S extends readonly EventSelector[]>(types: S, handler: WebhookHandler<EventFor<S[number]>>): Webhooks;
  /** Called for every delivery not answered 200 (rejections and handler failures). */
  onError(handler: (error: WebhookError) => unknown): Webhooks;
  /** The fetch adapter (Workers, Deno, Bun, Node's Request). Reads the body once, bounded by maxBytes. */
  handle(request: Request): Promise<Response>;
  /** The adapter for node:http, Express and Connect; always answers (never calls next). */
  nodeMiddleware(): NodeMiddleware;
}

/** Creates a receiver. Throws a TypeError when no usable secret is given (fail closed). */
export function createWebhooks(options: WebhooksOptions): Webhooks;

/** Lower-case hex SHA-256 of the raw body: a stable key to drop retries of a delivery already processed. */
export function deliveryKey(rawBody: Uint8Array | ArrayBuffer | ArrayBufferView | string): string;
