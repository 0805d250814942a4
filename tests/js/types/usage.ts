// Compiled (not run) by package-node.test.mjs: the package's types must
// describe a realistic consumer, and catch its mistakes.
import { validate, classify, events, isKnownEvent, verifySignature, signRequest, summarizeBatch, init } from "healthie-webhooks";
import type { BatchSummary, DocumentedEvents, EventInfo, Issue, Report, WebhookEvent, Verification } from "healthie-webhooks";

declare const raw: Uint8Array;

const report: Report = validate(raw, { mode: "strict", maxBytes: 1 << 16 });
const issues: Issue[] = report.issues;
const firstCode: string | undefined = issues[0]?.code;

function handle(event: WebhookEvent): string {
  switch (event.event_type) {
    case "appointment.participant_joined": {
      // Narrowed to the documented member (or an unknown event of that name).
      const email = event.user_email;
      return typeof email === "string" ? email : "";
    }
    default:
      return event.resource_id;
  }
}

// A documented event's extra fields are typed, nullable ones as string | null.
function goal(event: DocumentedEvents["goal.deleted"]): string {
  const plan: string | null = event.care_plan_id;
  // @ts-expect-error care_plan_id is nullable
  const notNull: string = event.care_plan_id;
  return plan ?? notNull ?? event.user_id;
}
// @ts-expect-error patient.created documents no user_email
const wrong = (event: DocumentedEvents["patient.created"]) => event.user_email;

if (report.event) handle(report.event);
const info: EventInfo | null = classify("patient.updated");
const category: string | null | undefined = info?.category;
const all: EventInfo[] = events();
if (isKnownEvent("x.y")) {
  const known: string = "x.y";
}
const verification: Verification = verifySignature(
  { method: "POST", path: "/hooks", query: "", headers: new Headers(), body: raw },
  ["a", "b"],
);
const signed = signRequest({ path: "/hooks", body: "{}" }, "secret");
const digest: string = signed["Content-Digest"];
const summary: BatchSummary = summarizeBatch(raw, { mode: "strict" });
const firstFlagged: number | undefined = summary.flagged[0]?.line;
const appointments: number = summary.eventTypes["appointment.created"] ?? 0;
// @ts-expect-error a summary is not a list of reports
const reports: Report[] = summarizeBatch("");
// @ts-expect-error a number is not a body
validate(42);
// @ts-expect-error unknown mode
validate(raw, { mode: "loose" });
await init();
export { goal, wrong, firstCode, category, all, verification, digest, firstFlagged, appointments, reports };
