// The plain-JavaScript receivers ours is measured against, built from OUR
// catalogue (events()) so both sides check the same rules:
//   - `mapBaseline`: JSON.parse, then a Map from event_type to a small
//     compiled ajv validator per event, plus a Map lookup of the event's info
//     (the strongest design, and the baseline of the targets);
//   - `oneOfBaseline`: one ajv schema, `oneOf` over every event with ajv's
//     `discriminator` on event_type (what a schema-first receiver writes).
import AjvModule from "ajv";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const Ajv = AjvModule.default ?? AjvModule;

const envelope = {
  resource_id: { type: "string", minLength: 1 },
  resource_id_type: { type: "string", minLength: 1 },
  event_type: { type: "string", pattern: "^[a-z0-9_]+\\.[a-z0-9_]+$" },
  changed_fields: { type: "array", items: { type: "string" } },
};

/** The JSON Schema of one catalogue entry (the rules ours applies in strict mode). */
export function eventSchema(info) {
  const properties = { ...envelope, event_type: { const: info.eventType } };
  const required = ["resource_id", "resource_id_type", "event_type", "changed_fields"];
  if (info.resourceIdType !== null) properties.resource_id_type = { const: info.resourceIdType };
  if (info.action === "created" || info.action === "deleted") properties.changed_fields = { type: "array", maxItems: 0 };
  for (const field of info.extraFields) {
    properties[field.name] = { type: field.nullable ? ["string", "null"] : "string" };
    required.push(field.name);
  }
  return { type: "object", properties, required };
}

/** event_type → { validate, info }, plus a fallback for names the catalogue does not know. */
export function mapBaseline(events) {
  const ajv = new Ajv({ allErrors: false });
  const byType = new Map();
  for (const info of events) byType.set(info.eventType, { validate: ajv.compile(eventSchema(info)), info });
  const unknown = ajv.compile({ type: "object", properties: envelope, required: ["resource_id", "resource_id_type", "event_type"] });
  /** Validate + classify a parsed body; returns a report-like object. */
  function check(event) {
    const entry = event !== null && typeof event === "object" ? byType.get(event.event_type) : undefined;
    if (entry === undefined) return { valid: unknown(event), event, info: null, issues: unknown.errors ?? [] };
    const valid = entry.validate(event);
    return { valid, event, info: entry.info, issues: valid ? [] : entry.validate.errors };
  }
  return {
    check,
    fromBuffer: (buf) => check(JSON.parse(buf.toString())),
    fromString: (str) => check(JSON.parse(str)),
  };
}

export function oneOfBaseline(events) {
  const ajv = new Ajv({ allErrors: false, discriminator: true });
  const infos = new Map(events.map((info) => [info.eventType, info]));
  const validate = ajv.compile({
    type: "object",
    required: ["event_type"],
    discriminator: { propertyName: "event_type" },
    oneOf: events.map(eventSchema),
  });
  function check(event) {
    const valid = validate(event);
    return { valid, event, info: valid ? infos.get(event.event_type) : null, issues: valid ? [] : validate.errors };
  }
  return { check, fromBuffer: (buf) => check(JSON.parse(buf.toString())), fromString: (str) => check(JSON.parse(str)) };
}

/**
 * Healthie's signature with node:crypto: SHA-256 of the body against
 * Content-Digest, then HMAC-SHA256 of the signed string, compared with
 * timingSafeEqual. Returns true when authentic.
 */
export function nodeVerify({ method, path, query, headers, body }, secret) {
  const digestHeader = headers["content-digest"];
  const signature = headers.signature;
  if (typeof digestHeader !== "string" || typeof signature !== "string") return false;
  // Split at the first '=' only: the base64 padding is part of the value.
  const eq = digestHeader.indexOf("=");
  if (eq < 0 || digestHeader.slice(0, eq).toLowerCase() !== "sha-256") return false;
  const digest = digestHeader.slice(eq + 1);
  if (createHash("sha256").update(body).digest("base64") !== digest) return false;
  if (!signature.startsWith("sig1=") || signature.length !== 69) return false;
  const signed = `${method.toLowerCase()} ${path} ${query} ${digest} application/json ${body.length}`;
  const mac = createHmac("sha256", secret).update(signed).digest();
  return timingSafeEqual(mac, Buffer.from(signature.slice(5), "hex"));
}
