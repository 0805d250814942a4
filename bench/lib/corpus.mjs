// The benchmark corpus: the reference's example payloads plus realistic
// `updated` deliveries (150–400 bytes, compact JSON as Healthie's servers send
// it), generated deterministically from the package's own catalogue.
//
// The corpus is committed as bench/corpus.ndjson (one body per line) so the
// native Rust bench (benches/native.rs) reads the very same bytes. Regenerate
// with `node bench/lib/corpus.mjs` after a catalogue change.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const corpusFile = new URL("../corpus.ndjson", import.meta.url);

const examples = JSON.parse(readFileSync(new URL("../../tests/fixtures/reference-examples.json", import.meta.url), "utf8"));

// Field names that real `updated` deliveries list in changed_fields.
const FIELD_NAMES = [
  "updated_at", "status", "name", "description", "notes", "date", "pm_status", "amount", "first_name",
  "last_name", "email", "phone_number", "dob", "location", "provider_id", "is_active", "archived",
  "start_time", "end_time", "contact_type", "timezone", "metadata", "position", "quantity", "priority",
];

/** A small deterministic PRNG (mulberry32), so every run sees the same corpus. */
function prng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `events` is the package's `events()`. Returns { bodies: string[], examples,
 * updated } where bodies are the reference examples followed by the generated
 * updated events.
 */
export function buildCorpus(events) {
  const random = prng(20261203);
  const id = () => String(100000 + Math.floor(random() * 9_900_000));
  const updated = [];
  for (const info of events) {
    if (info.action !== "updated" || !info.documented) continue;
    for (let variant = 0; variant < 4; variant++) {
      const changed = [];
      const want = 1 + Math.floor(random() * 5);
      while (changed.length < want) {
        const name = FIELD_NAMES[Math.floor(random() * FIELD_NAMES.length)];
        if (!changed.includes(name)) changed.push(name);
      }
      const event = {
        resource_id: id(),
        resource_id_type: info.resourceIdType,
        event_type: info.eventType,
        changed_fields: changed,
      };
      for (const field of info.extraFields) {
        event[field.name] = field.nullable && variant === 3 ? null : id();
      }
      let body = JSON.stringify(event);
      // Healthie's bodies are a few hundred bytes: pad each to a length drawn
      // from 150–350 with more changed fields (at most 8 unless still under 150).
      const target = 150 + Math.floor(random() * 200);
      while ((body.length < target && changed.length < 8) || body.length < 150) {
        const name = FIELD_NAMES[Math.floor(random() * FIELD_NAMES.length)];
        if (!changed.includes(name)) changed.push(name);
        body = JSON.stringify(event);
      }
      while (body.length > 400 && changed.length > 0) {
        changed.pop();
        body = JSON.stringify(event);
      }
      updated.push(body);
    }
  }
  const reference = examples.map((e) => e.body);
  return { bodies: [...reference, ...updated], reference, updated };
}

/** Byte statistics of a list of string bodies. */
export function describeCorpus(bodies) {
  const sizes = bodies.map((b) => Buffer.byteLength(b)).sort((a, b) => a - b);
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  return { count: sizes.length, minBytes: sizes[0], medianBytes: sizes[sizes.length >> 1], maxBytes: sizes[sizes.length - 1], meanBytes: Math.round(mean) };
}

/** The committed corpus: { bodies, reference, updated } as strings. */
export function loadCorpus() {
  const bodies = readFileSync(corpusFile, "utf8").split("\n").filter((line) => line.length > 0);
  return { bodies, reference: bodies.slice(0, examples.length), updated: bodies.slice(examples.length) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { events } = await import("healthie-webhooks");
  const { bodies } = buildCorpus(events());
  writeFileSync(corpusFile, bodies.join("\n") + "\n");
  console.log(`wrote ${fileURLToPath(corpusFile)}:`, describeCorpus(bodies));
}
