import { createWebhooks } from "healthie-webhooks";

export default {
  async fetch(request, env) {
    const webhooks = createWebhooks({ secret: env.HEALTHIE_WEBHOOK_SECRET });
    webhooks.on("appointment.*", ({ event }) => console.log(event.event_type, event.resource_id));
    webhooks.on("*", ({ event }) => console.log("received", event.event_type));
    return webhooks.handle(request);
  },
};
