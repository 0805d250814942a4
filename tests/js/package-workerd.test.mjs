// The package's contract cases in workerd (Cloudflare Workers' runtime) via
// Miniflare, offline: cf: false, loopback only.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Miniflare } from "miniflare";
import { assertAllPassed, examplesText, repoRoot } from "./support/env.mjs";

let mf;
before(async () => {
  mf = new Miniflare({
    modules: true,
    scriptPath: `${repoRoot}tests/js/workerd/worker.mjs`,
    modulesRoot: repoRoot,
    modulesRules: [
      { type: "ESModule", include: ["**/*.mjs", "**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    cf: false,
    host: "127.0.0.1",
    port: 0,
  });
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
});

test("contract cases through the workerd entry", async () => {
  const response = await mf.dispatchFetch("http://127.0.0.1/run", { method: "POST", body: examplesText });
  assert.equal(response.status, 200, await response.clone().text());
  assertAllPassed(assert, await response.json());
});
