// Writes the seed corpora for the fuzz targets from the reference examples
// (tests/fixtures/reference-examples.json), at run time: corpora are not
// committed (fuzz/corpus is git-ignored). Run by `make fuzz`; idempotent, and
// it leaves inputs the fuzzer added alone.
//
//   node fuzz/seed.mjs            # writes fuzz/corpus/{parse_validate,verify_signature}/seed-*
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const examples = JSON.parse(readFileSync(join(here, "../tests/fixtures/reference-examples.json"), "utf8"));

function write(target, name, bytes) {
  const dir = join(here, "corpus", target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `seed-${name}`), bytes);
}

// ---- parse_validate: the body is the whole input.
const bodies = examples.map((e) => e.body);
// A few shapes the examples lack, so the fuzzer starts next to each rule.
bodies.push(
  '{"resource_id":"1","resource_id_type":"Goal","event_type":"goal.created","changed_fields":["x"],"user_id":null,"extra":[1,-2.5e+3,true,{"a":null}]}',
  '{"resource_id":"1","event\\u005ftype":"goal.created","event_type":"goal.created"}',
  '{"resource_id":"\\u00e9\\ud83d\\ude00","resource_id_type":"Goal","event_type":"goal.updated","changed_fields":["n\\u0000\\"\\\\"]}',
  '{"resource_id":"é","resource_id_type":"","event_type":"Goal.Created","changed_fields":[1]}',
  '{"x":{"y":[{"a":1,"a":2}]}}',
  "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
  '\ufeff{"a":1}',
  '{"resource_id":"1","resource_id_type":"Goal","event_type":"goal.deleted","changed_fields":[]}\n\n{',
);
bodies.forEach((body, i) => write("parse_validate", String(i).padStart(3, "0"), Buffer.from(body, "utf8")));

// ---- verify_signature: flags, then method, path, query, content-digest,
// signature, secret, body separated by 0xFF (see fuzz_targets/verify_signature.rs).
function signedString(method, path, query, digestB64, length) {
  return `${method.toLowerCase()} ${path} ${query.replace(/^\?/, "")} ${digestB64} application/json ${length}`;
}

function request({ flags = 0, method = "POST", path = "/webhooks/healthie", query = "", digest, signature, secret, body }) {
  const parts = [method, path, query, digest, signature, secret].map((s) => Buffer.from(s, "utf8"));
  const out = [Buffer.from([flags])];
  for (const p of parts) out.push(p, Buffer.from([0xff]));
  out.push(Buffer.from(body, "utf8"));
  return Buffer.concat(out);
}

const secrets = ["whsec_example", "s3cr3t with spaces ", "\u0001ctl-secret", "k"];
examples.slice(0, 24).forEach(({ body }, i) => {
  const secret = secrets[i % secrets.length];
  const query = ["", "?a=1", "x=y&z", "?"][i % 4];
  const b64 = createHash("sha256").update(body, "utf8").digest("base64");
  const mac = createHmac("sha256", secret).update(signedString("POST", "/webhooks/healthie", query, b64, Buffer.byteLength(body))).digest("hex");
  const good = { query, digest: `sha-256=${b64}`, signature: `sig1=${mac}`, secret, body };
  const name = String(i).padStart(3, "0");
  write("verify_signature", `${name}-valid`, request(good));
  write("verify_signature", `${name}-rotation`, request({ ...good, flags: 4 }));
  write("verify_signature", `${name}-colons`, request({ ...good, digest: `sha-256=:${b64}:, sha-512=:AAAA:` }));
  write("verify_signature", `${name}-upper`, request({ ...good, signature: `sig1=${mac.toUpperCase()}, sig2=00` }));
  write("verify_signature", `${name}-badmac`, request({ ...good, signature: `sig1=${mac.slice(1)}0` }));
  write("verify_signature", `${name}-baddigest`, request({ ...good, body: `${body} ` }));
  write("verify_signature", `${name}-missing`, request({ ...good, flags: i % 2 ? 1 : 2 }));
  write("verify_signature", `${name}-nosecret`, request({ ...good, secret: "" }));
});

console.log(`seeded ${bodies.length} parse_validate and ${24 * 8} verify_signature inputs in ${join(here, "corpus")}`);
