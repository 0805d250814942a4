// `make demo`: the package, imported by name as a user would, on every
// example payload of Healthie's reference, on broken payloads, and on a
// signed delivery and a tampered one.
import { readFileSync } from "node:fs";
import { classify, events, signRequest, summarizeBatch, validate, verifySignature } from "healthie-webhooks";

const examples = JSON.parse(readFileSync(new URL("../tests/fixtures/reference-examples.json", import.meta.url), "utf8"));
const green = (s) => (process.stdout.isTTY ? `\x1b[32m${s}\x1b[0m` : s);
const red = (s) => (process.stdout.isTTY ? `\x1b[31m${s}\x1b[0m` : s);
const yellow = (s) => (process.stdout.isTTY ? `\x1b[33m${s}\x1b[0m` : s);

function show(label, report) {
  const verdict = report.valid ? green("valid  ") : red("INVALID");
  const what = report.info
    ? `${report.info.eventType} [${report.info.category ?? "undocumented"}, ${report.info.resourceIdType ?? "?"}]`
    : report.event
      ? `${report.event.event_type} [not in the catalogue]`
      : "-";
  console.log(`${verdict} ${label.padEnd(40)} ${what}`);
  for (const issue of report.issues) {
    const tag = issue.severity === "error" ? red("error  ") : yellow("warning");
    console.log(`          ${tag} ${issue.code} at ${JSON.stringify(issue.path)}: ${issue.message}`);
  }
}

console.log(`Catalogue: ${events().length} events (${events().filter((e) => e.documented).length} documented)\n`);
console.log(`Every example payload of the reference, strict mode (${examples.length}):`);
let valid = 0;
for (const { event_type, body } of examples) {
  const report = validate(Buffer.from(body), { mode: "strict" });
  if (report.valid && report.issues.length === 0) valid += 1;
  show(event_type, report);
}
console.log(`\n${valid}/${examples.length} valid with no issue.\n`);

console.log("Broken and unusual payloads:");
const broken = [
  ["not JSON", '{\n  "resource_id": "1",\n  "event_type" "patient.created"\n}', "lenient"],
  ["wrong resource type (strict)", '{"resource_id":"1","resource_id_type":"Appointment","event_type":"patient.created","changed_fields":[]}', "strict"],
  ["wrong resource type (lenient)", '{"resource_id":"1","resource_id_type":"Appointment","event_type":"patient.created","changed_fields":[]}', "lenient"],
  ["duplicate key via escape", '{"resource_id":"1","resource_id_type":"User","event_type":"patient.created","event\\u005ftype":"patient.deleted","changed_fields":[]}', "lenient"],
  ["typo in event name (strict)", '{"resource_id":"1","resource_id_type":"User","event_type":"patient.create","changed_fields":[]}', "strict"],
  ["malformed event name", '{"resource_id":"1","resource_id_type":"User","event_type":"Patient Created","changed_fields":[]}', "lenient"],
  ["null where not allowed (strict)", '{"resource_id":"1","resource_id_type":"Goal","event_type":"goal.created","changed_fields":[],"care_plan_id":null,"parent_id":null,"user_id":null}', "strict"],
  ["older delivery, no changed_fields", '{"resource_id":"1","resource_id_type":"User","event_type":"patient.updated"}', "lenient"],
  ["undocumented but known event", '{"resource_id":"1","resource_id_type":"Appointment","event_type":"appointment.transcript_failed","changed_fields":[]}', "strict"],
  ["changed_fields with a number", '{"resource_id":"1","resource_id_type":"User","event_type":"patient.updated","changed_fields":["email",7]}', "lenient"],
  ["top level is an array", "[]", "lenient"],
];
for (const [label, body, mode] of broken) show(label, validate(body, { mode }));
show("over maxBytes (100)", validate(examples[0].body + " ".repeat(100), { maxBytes: 100 }));

console.log("\nA batch (newline-delimited JSON): every example, then two broken lines, through summarizeBatch:");
const ndjson = [...examples.map((e) => e.body), '{"resource_id":"1"}', "", examples[0].body.replace('"', "")].join("\n");
const summary = summarizeBatch(ndjson, { mode: "strict" });
console.log(`${summary.count} bodies, ${summary.valid} valid, ${Object.keys(summary.eventTypes).length} event types; the flagged lines:`);
for (const { line, report } of summary.flagged) show(`line ${line}`, report);

console.log("\nSignatures:");
const secret = "whsec_demo_only";
const body = Buffer.from(examples.find((e) => e.event_type === "patient.created").body);
const headers = signRequest({ method: "POST", path: "/webhooks/healthie", body }, secret);
const request = { method: "POST", path: "/webhooks/healthie", query: "", headers, body };
const check = (label, result) => {
  console.log(`${result.valid ? green("valid  ") : red("REJECT ")} ${label.padEnd(40)} ${result.code}${result.message ? `: ${result.message}` : ""}`);
  if (!result.valid && result.likelyCause) console.log(`          likely cause: ${result.likelyCause}`);
  if (!result.valid && result.signedString) console.log(`          signed string computed: ${JSON.stringify(result.signedString)}`);
};
check("signed delivery", verifySignature(request, secret));
check("rotated secrets [old, current]", verifySignature(request, ["whsec_old", secret]));
check("tampered body, same length", verifySignature({ ...request, body: Buffer.from(body.toString().replace("45678", "45679")) }, secret));
check("path seen behind a proxy prefix", verifySignature({ ...request, path: "/api/webhooks/healthie" }, secret));
check("wrong secret", verifySignature(request, "whsec_wrong"));
check("no Signature header", verifySignature({ ...request, headers: { "content-digest": headers["Content-Digest"] } }, secret));

console.log(`\nclassify("appointment.created"):`, classify("appointment.created"));
