// The package's contract cases in workerd (Cloudflare Workers' runtime) via
// Miniflare, offline: cf: false, loopback only.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { assertAllPassed, examplesText, repoRoot, startWorkerd } from "./support/env.mjs";

let mf;
before(async () => {
  mf = await startWorkerd(`${repoRoot}tests/js/workerd/worker.mjs`);
});
after(async () => {
  await mf?.dispose();
});

test("contract cases through the workerd entry", async () => {
  const response = await mf.dispatchFetch("http://127.0.0.1/run", { method: "POST", body: examplesText });
  assert.equal(response.status, 200, await response.clone().text());
  assertAllPassed(assert, await response.json());
});
