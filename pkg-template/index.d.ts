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
