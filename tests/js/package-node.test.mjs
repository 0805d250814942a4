// The package as Node users import it: by name, as ESM and as CommonJS.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { test } from "node:test";
import * as esm from "healthie-webhooks";
import { runCases } from "./cases.mjs";
import { assertAllPassed, nodeCryptoEnv, repoRoot } from "./support/env.mjs";

const require = createRequire(import.meta.url);

test("contract cases through the ESM entry (import)", async () => {
  assertAllPassed(assert, await runCases(esm, nodeCryptoEnv));
});

test("contract cases through the CommonJS entry (require)", async () => {
  const cjs = require("healthie-webhooks");
  assert.equal(typeof cjs.validate, "function");
  assertAllPassed(assert, await runCases(cjs, nodeCryptoEnv));
});

test("usable synchronously right after import, init() is harmless", async () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e",
    'import { validate, init } from "healthie-webhooks"; const r = validate("{}"); await init(); await init(); console.log(r.issues.length > 0 && validate("{}").valid === false);'], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(out.trim(), "true");
});

test("a Node without process.getBuiltinModule (< 20.16) gets an Error naming the version needed, from both entries", () => {
  const run = (args) => execFileSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8" });
  const esmOut = run(["--input-type=module", "-e",
    'delete process.getBuiltinModule; try { await import("healthie-webhooks"); console.log("loaded"); } catch (e) { console.log(e instanceof Error, e.message); }']);
  const cjsOut = run(["-e",
    'delete process.getBuiltinModule; try { require("healthie-webhooks"); console.log("loaded"); } catch (e) { console.log(e instanceof Error, e.message); }']);
  for (const out of [esmOut, cjsOut]) assert.match(out.trim(), /^true healthie-webhooks needs Node\.js >= 20\.16/);
});

test("Node Buffers are the fast path and give the same report as strings", () => {
  const body = '{"resource_id":"1","resource_id_type":"User","event_type":"patient.created","changed_fields":[]}';
  assert.deepEqual(esm.validate(Buffer.from(body)), esm.validate(body));
  // A Buffer slice of a larger pooled allocation.
  const pooled = Buffer.from(`xxxx${body}yyyy`).subarray(4, 4 + body.length);
  assert.deepEqual(esm.validate(pooled), esm.validate(body));
});

test("package.json exports: conditions with types first, raw wasm, zero runtime dependencies", () => {
  const manifest = require("healthie-webhooks/package.json");
  assert.equal(manifest.name, "healthie-webhooks");
  const dot = manifest.exports["."];
  assert.deepEqual(Object.keys(dot), ["workerd", "node", "browser", "default"]);
  for (const branch of Object.values(dot)) assert.equal(Object.keys(branch)[0], "types");
  assert.deepEqual(Object.keys(dot.node), ["types", "import", "require"]);
  assert.ok(manifest.exports["./healthie_webhooks_bg.wasm"]);
  assert.equal(manifest.dependencies, undefined);
  const wasm = require.resolve("healthie-webhooks/healthie_webhooks_bg.wasm");
  assert.ok(WebAssembly.validate(require("node:fs").readFileSync(wasm)));
});

test("the TypeScript types compile against a realistic consumer", () => {
  execFileSync(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, "-p", `${repoRoot}tests/js/types/tsconfig.json`], { cwd: repoRoot, encoding: "utf8", stdio: "pipe" });
});
