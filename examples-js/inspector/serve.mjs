// A tiny static server for the inspector: the page's files at "/" and the
// built npm package (pkg/, from `make pkg`) at "/pkg/". Loopback only.
//
//   node examples-js/inspector/serve.mjs [port]     (or PORT=..., default 8787)
//
// The test suite imports `startServer` and listens on port 0.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "..", "..");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** URL prefix -> directory on disk. The first matching prefix wins. */
export function defaultMounts() {
  return [
    ["/pkg/", join(repoRoot, "pkg")],
    ["/", here],
  ];
}

function resolveFile(mounts, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  if (decoded === "/") decoded = "/index.html";
  for (const [prefix, dir] of mounts) {
    if (!decoded.startsWith(prefix)) continue;
    const file = normalize(join(dir, decoded.slice(prefix.length)));
    // No escaping the mounted directory with "..".
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return null;
    return file;
  }
  return null;
}

/**
 * Starts the server on 127.0.0.1. Resolves to { url, port, close() }.
 * `port: 0` picks a free port.
 */
export function startServer({ port = 8787, host = "127.0.0.1", mounts = defaultMounts(), log = false } = {}) {
  const server = createServer((req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    const urlPath = new URL(req.url, "http://localhost").pathname;
    const file = resolveFile(mounts, urlPath);
    let stat = null;
    try {
      stat = file && statSync(file);
    } catch {
      stat = null;
    }
    if (log) console.log(`${req.method} ${urlPath} ${stat?.isFile() ? 200 : 404}`);
    if (!stat || !stat.isFile()) {
      const hint = urlPath.startsWith("/pkg/") ? " (build the package first: make pkg)" : "";
      return send(404, `not found: ${urlPath}${hint}\n`);
    }
    res.writeHead(200, {
      "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": stat.size,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        port: actual,
        url: `http://${host}:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: not a port: ${process.argv[2] ?? process.env.PORT}`);
    process.exit(2);
  }
  try {
    statSync(join(repoRoot, "pkg", "browser.mjs"));
  } catch {
    console.error("serve.mjs: pkg/browser.mjs is missing; build the package first (make pkg)");
    process.exit(1);
  }
  const { url } = await startServer({ port, log: process.env.INSPECTOR_LOG === "1" });
  console.log(`Payload inspector: ${url}  (127.0.0.1 only; Ctrl-C to stop)`);
}
