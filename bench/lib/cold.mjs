// Benchmark (6), the child side: a fresh Node process imports the package and
// validates one body. Prints the milliseconds from before the import to the
// first report (and since the process started), as JSON.
// `node bench/lib/cold.mjs baseline <schemas.json>`: the same for the plain-JS
// receiver (import ajv, read the schemas, compile the event's validator).
const t0 = performance.now();
const BODY = '{"resource_id":"67890","resource_id_type":"Appointment","event_type":"appointment.updated","changed_fields":["date","pm_status"],"resource_organization_id":"org_123"}';
let valid;
if (process.argv[2] === "baseline") {
  const { default: AjvModule } = await import("ajv");
  const { readFileSync } = await import("node:fs");
  const Ajv = AjvModule.default ?? AjvModule;
  const schemas = JSON.parse(readFileSync(process.argv[3], "utf8"));
  const event = JSON.parse(Buffer.from(BODY).toString());
  // Compiled lazily, per event type: the cheapest start a baseline can have.
  const validate = new Ajv().compile(schemas[event.event_type]);
  valid = validate(event);
} else {
  const { validate } = await import("healthie-webhooks");
  valid = validate(Buffer.from(BODY)).valid;
}
const t1 = performance.now();
process.stdout.write(JSON.stringify({ importAndFirstMs: t1 - t0, sinceProcessStartMs: t1, valid }));
