// A Cloudflare Worker receiving Healthie webhooks at POST /webhooks/healthie.
// The package is imported by name; wrangler picks its `workerd` build (the
// wasm is imported as a compiled module, as Workers require).
import { createWebhooks } from "healthie-webhooks";

const WEBHOOK_PATH = "/webhooks/healthie";
/** How long a delivery key is remembered: Healthie retries for about three days. */
const RETRY_WINDOW_SECONDS = 3 * 24 * 60 * 60;

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== WEBHOOK_PATH) {
      return Response.json({ error: "not_found" }, { status: 404 });
    }
    return createReceiver(env).handle(request);
  },
};

/** One JSON line per log entry: Workers Logs indexes JSON fields. */
function log(fields) {
  console.log(JSON.stringify(fields));
}

// Built per request from env (secrets and bindings live there); building one
// costs microseconds. The package verifies the signature and validates the
// payload before any handler runs.
function createReceiver(env) {
  const webhooks = createWebhooks({
    // `wrangler secret put HEALTHIE_WEBHOOK_SECRET`; createWebhooks throws without it.
    secret: env.HEALTHIE_WEBHOOK_SECRET,
    // Only when Healthie posts to another path than the Worker sees (a prefix rewritten upstream).
    path: env.HEALTHIE_WEBHOOK_PATH || undefined,
  });

  // Every accepted event, documented or new.
  webhooks.on("*", ({ event, info, deliveryKey }) => {
    log({ handler: "*", event_type: event.event_type, resource: `${event.resource_id_type}#${event.resource_id}`, known: info !== null, deliveryKey });
  });

  // Every event of one resource.
  webhooks.on("appointment.*", ({ event }) => {
    log({ handler: "appointment.*", event_type: event.event_type, appointment_id: event.resource_id });
  });

  // Several names, one handler.
  webhooks.on(["patient.created", "patient.updated"], ({ event }) => {
    log({ handler: "patient.created|patient.updated", event_type: event.event_type, user_id: event.resource_id, changed_fields: event.changed_fields ?? [] });
  });

  // An idempotent side effect: a retry of a delivery already processed has the
  // same deliveryKey. The key is written to KV once the work succeeded; if KV
  // fails, the handler throws, the Worker answers 500 and Healthie retries.
  webhooks.on("patient.created", async ({ event, deliveryKey }) => {
    if ((await env.PROCESSED.get(deliveryKey)) !== null) {
      log({ handler: "welcome", event_type: event.event_type, duplicate: true, deliveryKey });
      return;
    }
    log({ handler: "welcome", event_type: event.event_type, user_id: event.resource_id, sent: true });
    await env.PROCESSED.put(deliveryKey, event.event_type, { expirationTtl: RETRY_WINDOW_SECONDS });
  });

  webhooks.onError((error) => {
    log({ handler: "onError", status: error.status, code: error.code, message: error.message, cause: error.cause === undefined ? undefined : String(error.cause) });
  });

  return webhooks;
}
