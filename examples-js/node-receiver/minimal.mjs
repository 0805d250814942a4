import { createServer } from "node:http";
import { createWebhooks } from "healthie-webhooks";

const webhooks = createWebhooks({ secret: process.env.HEALTHIE_WEBHOOK_SECRET });
webhooks.on("appointment.*", ({ event }) => console.log(event.event_type, event.resource_id));
webhooks.on("*", ({ event }) => console.log("received", event.event_type));
webhooks.onError((error) => console.error(error.status, error.code, error.message));

const server = createServer(webhooks.nodeMiddleware());
server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => console.log("listening on", server.address().port));
