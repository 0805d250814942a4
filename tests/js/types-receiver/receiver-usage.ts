// Compiled (not run) by receiver.test.mjs: the receiver's types must describe
// realistic consumers (node:http, Workers) and catch their mistakes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createWebhooks, deliveryKey, WebhookError } from "healthie-webhooks";
import type { WebhookContext, Webhooks, DocumentedEvents, WebhookEvent } from "healthie-webhooks";

const webhooks: Webhooks = createWebhooks({ secret: "s", mode: "lenient", path: "/webhooks/healthie", maxBytes: 1 << 16 });
createWebhooks({ secrets: ["old", "new"], onUnknownEvent: "reject" });
// @ts-expect-error unknown mode
createWebhooks({ secret: "s", mode: "loose" });
// @ts-expect-error unknown policy
createWebhooks({ secret: "s", onUnknownEvent: "drop" });

// An exact documented name: its extra fields are typed.
webhooks.on("appointment.participant_joined", ({ event, deliveryKey: key, raw }) => {
  const email: string = event.user_email;
  const bytes: Uint8Array = raw;
  return `${email} ${key} ${bytes.length}`;
});
webhooks.on("appointment.participant_joined", ({ event }) => {
  // @ts-expect-error participant_joined documents no care_plan_id
  return event.care_plan_id;
});
// A nullable extra field stays nullable.
webhooks.on("goal.deleted", ({ event }) => {
  // @ts-expect-error care_plan_id is string | null
  const plan: string = event.care_plan_id;
  return plan;
});
// Several names: the union of their events, narrowed by event_type.
webhooks.on(["patient.created", "appointment.created"], async ({ event }) => {
  if (event.event_type === "appointment.created") {
    const org: string = event.resource_organization_id;
    return org;
  }
  return event.resource_id;
});
// A resource wildcard: the resource's events (or an unknown one).
webhooks.on("appointment.*", ({ event, info }) => {
  const type: string = event.event_type;
  const category = info?.category;
  return [type, category];
});
// "*": every event.
webhooks.on("*", (ctx: WebhookContext<WebhookEvent>) => ctx.report.issues.length);
// An unknown (new) name still type-checks, as an UnknownEvent.
webhooks.on("brand_new.thing", ({ event }) => event.resource_id);
// @ts-expect-error handler must be a function
webhooks.on("*", 42);

webhooks.onError((error) => {
  const status: number = error.status;
  if (error.code === "signature_invalid") return error.verification?.likelyCause;
  if (error.code === "handler_failed") return error.cause;
  // @ts-expect-error not a code
  if (error.code === "nope") return null;
  return status;
});
webhooks.onError((error: unknown) => (error instanceof WebhookError ? error.code : null));
const asError: Error = new WebhookError(500, "handler_failed", "failed", { cause: new Error("x") });

// Adapters: Node's own types and the fetch types fit.
const middleware = webhooks.nodeMiddleware();
createServer(middleware);
createServer((req: IncomingMessage, res: ServerResponse) => middleware(req, res));
const handled: Promise<Response> = webhooks.handle(new Request("https://example.com/webhooks/healthie", { method: "POST" }));
const worker = {
  fetch(request: Request): Promise<Response> {
    return webhooks.handle(request);
  },
};
const key: string = deliveryKey(new Uint8Array(0));
deliveryKey("{}");
// @ts-expect-error a parsed object has lost its bytes
deliveryKey({ a: 1 });
type Joined = DocumentedEvents["appointment.participant_joined"];
export { handled, worker, key, asError };
export type { Joined };
