// The webhook receiver shared by server.mjs (node:http) and express.mjs
// (Express): which events to handle, and what to do with them. The package
// verifies the signature and validates the payload before any handler runs.
import { createWebhooks } from "healthie-webhooks";

/** The route the servers mount the receiver on. */
export const WEBHOOK_PATH = "/webhooks/healthie";

/** How long a delivery key is remembered: Healthie retries for about three days. */
const RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Builds the receiver. `secret` defaults to $HEALTHIE_WEBHOOK_SECRET (and
 * createWebhooks throws without one: no secret, no server). `path` is the
 * path Healthie signed when a proxy changes it ($HEALTHIE_WEBHOOK_PATH).
 */
export function createReceiver({
  secret = process.env.HEALTHIE_WEBHOOK_SECRET,
  path = process.env.HEALTHIE_WEBHOOK_PATH || undefined,
  log = console.log,
  // Delivery keys already processed. In production use a store shared by all
  // instances, e.g. Redis: SET key 1 NX EX 259200.
  processed = new Map(),
} = {}) {
  const webhooks = createWebhooks({ secret, path });

  // Every accepted event, documented or new.
  webhooks.on("*", ({ event, info, deliveryKey }) => {
    const note = info === null ? " (not in the catalogue)" : "";
    log(`[*] ${event.event_type} ${event.resource_id_type}#${event.resource_id}${note} key=${deliveryKey.slice(0, 12)}`);
  });

  // Every event of one resource.
  webhooks.on("appointment.*", ({ event }) => {
    log(`[appointment.*] ${event.event_type} appointment ${event.resource_id}`);
  });

  // Several names with one handler.
  webhooks.on(["patient.created", "patient.updated"], ({ event }) => {
    const changed = event.changed_fields?.length ? ` changed: ${event.changed_fields.join(", ")}` : "";
    log(`[patient.created|patient.updated] ${event.event_type} user ${event.resource_id}${changed}`);
  });

  // An idempotent side effect: Healthie retries a delivery it thinks failed
  // (a timeout, a 5xx), with the same body, so the same deliveryKey. Remember
  // the key after the work succeeded, and skip a delivery already done.
  webhooks.on("patient.created", async ({ event, deliveryKey }) => {
    forgetOld(processed);
    if (processed.has(deliveryKey)) {
      log(`[welcome] patient.created duplicate delivery ${deliveryKey.slice(0, 12)} skipped`);
      return;
    }
    await sendWelcomeMessage(event.resource_id, log);
    processed.set(deliveryKey, Date.now());
  });

  webhooks.onError((error) => {
    log(`[rejected] ${error.status} ${error.code}: ${error.message}`);
    if (error.code === "handler_failed") console.error(error.cause);
  });

  return webhooks;
}

async function sendWelcomeMessage(userId, log) {
  // Stands for real work (an email, a CRM call).
  log(`[welcome] patient.created welcome message sent to user ${userId}`);
}

function forgetOld(processed) {
  const cutoff = Date.now() - RETRY_WINDOW_MS;
  for (const [key, at] of processed) {
    if (at >= cutoff) break; // a Map iterates in insertion order: oldest first
    processed.delete(key);
  }
}
