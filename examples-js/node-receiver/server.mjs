// A Healthie webhook receiver on plain node:http.
//
//   HEALTHIE_WEBHOOK_SECRET=... node server.mjs      (PORT, HOST optional)
//
// Listens on 127.0.0.1:3000 by default; put it behind your reverse proxy.
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { createReceiver, WEBHOOK_PATH } from "./receiver.mjs";

export function createHealthieServer({ webhooks = createReceiver() } = {}) {
  const middleware = webhooks.nodeMiddleware();
  return createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === WEBHOOK_PATH) return middleware(req, res);
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not_found"}');
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const host = process.env.HOST || "127.0.0.1";
  const port = Number(process.env.PORT ?? 3000);
  const server = createHealthieServer();
  server.listen(port, host, () => {
    console.log(`node:http receiver listening on http://${host}:${server.address().port}${WEBHOOK_PATH}`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => server.close(() => process.exit(0)));
}
