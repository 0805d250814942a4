// The package's contract cases in headless Chromium through the `browser`
// entry, served from loopback; asserts the page requested nothing else.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "./support/chromium.mjs";
import { assertAllPassed, repoRoot } from "./support/env.mjs";
import { startServer } from "../../examples-js/inspector/serve.mjs";

let server;
let browser;
before(async () => {
  // The inspector's loopback static server, mounting only what the page needs.
  server = await startServer({
    port: 0,
    mounts: ["pkg", "tests/js", "tests/fixtures"].map((dir) => [`/${dir}/`, `${repoRoot}${dir}`]),
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("contract cases through the browser entry, after await init()", async () => {
  const page = await browser.context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${new URL(server.url).origin}/tests/js/browser/index.html`);
  await page.waitForFunction(() => window.__done !== undefined, null, { timeout: 120_000 });
  const done = await page.evaluate(() => window.__done);
  assert.equal(done.error, undefined, done.error);
  assert.match(done.before, /await init\(\)/, "calling before init() says what to do");
  assertAllPassed(assert, done.results);
  const outside = requests.filter((u) => !u.startsWith(new URL(server.url).origin));
  assert.deepEqual(outside, [], "requests outside loopback");
  assert.ok(requests.some((u) => u.endsWith(".wasm")), "the wasm was loaded from the server");
});
