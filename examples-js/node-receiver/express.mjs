// The same receiver in an Express app.
//
//   HEALTHIE_WEBHOOK_SECRET=... node express.mjs      (PORT, HOST optional)
//
// The webhook route is mounted BEFORE express.json(): the signature covers the
// raw bytes, which a JSON body parser consumes. (Alternatively mount it after,
// as app.post(path, express.raw({ type: "application/json" }), middleware).)
import express from "express";
import { pathToFileURL } from "node:url";
import { createReceiver, WEBHOOK_PATH } from "./receiver.mjs";

export function createApp({ webhooks = createReceiver() } = {}) {
  const app = express();
  app.disable("x-powered-by");
  // app.all, not app.post: the middleware answers other methods with 405.
  app.all(WEBHOOK_PATH, webhooks.nodeMiddleware());
  // The rest of the app may parse JSON as usual.
  app.use(express.json());
  app.get("/health", (req, res) => res.json({ ok: true }));
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const host = process.env.HOST || "127.0.0.1";
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp().listen(port, host, () => {
    console.log(`Express receiver listening on http://${host}:${server.address().port}${WEBHOOK_PATH}`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => server.close(() => process.exit(0)));
}
