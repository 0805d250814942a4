// What every package test runner shares: the reference examples and Node's own
// crypto as an implementation independent of the package.
import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const examplesText = readFileSync(new URL("../../fixtures/reference-examples.json", import.meta.url), "utf8");
export const examples = JSON.parse(examplesText);

export const nodeCryptoEnv = {
  examples,
  async sha256Base64(bytes) {
    return createHash("sha256").update(bytes).digest("base64");
  },
  async hmacHex(secret, text) {
    return createHmac("sha256", secret).update(text, "utf8").digest("hex");
  },
};

/** Fails the node:test test with every failing case's message. */
export function assertAllPassed(assert, results) {
  const failed = results.filter((r) => r.error !== null);
  assert.ok(results.length >= 15, `only ${results.length} cases ran`);
  assert.deepEqual(failed, [], failed.map((f) => `${f.name}: ${f.error}`).join("\n\n"));
}

/** Signs like Healthie with Node's own crypto: independent of the package. */
export function nodeCryptoSign(path, body, secret) {
  const bytes = Buffer.from(body, "utf8");
  const digest = createHash("sha256").update(bytes).digest("base64");
  const signed = `post ${path}  ${digest} application/json ${bytes.length}`;
  return {
    "Content-Type": "application/json",
    "Content-Digest": `sha-256=${digest}`,
    "Content-Length": String(bytes.length),
    "Signature-Input": 'sig1=("@method" "@path" "@query" "content-digest" "content-type" "content-length")',
    Signature: `sig1=${createHmac("sha256", secret).update(signed, "utf8").digest("hex")}`,
  };
}

/**
 * workerd through Miniflare, offline (cf: false, loopback): a module worker and what it imports, .wasm as compiled modules.
 * `extra`: more Miniflare options (the workerd profiler adds an inspector port).
 */
export async function startWorkerd(scriptPath, extra = {}) {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: repoRoot,
    modulesRules: [
      { type: "ESModule", include: ["**/*.mjs", "**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
    cf: false,
    host: "127.0.0.1",
    port: 0,
    ...extra,
  });
  await mf.ready;
  return mf;
}

/** Fails with the fix when the package was not built (tests import pkg/, not the sources). */
export function assertPkgBuilt() {
  for (const file of ["browser.mjs", "core.js", "healthie_webhooks.js", "healthie_webhooks_bg.wasm"]) {
    if (!existsSync(`${repoRoot}pkg/${file}`)) throw new Error(`pkg/${file} is missing: run \`make pkg\` first`);
  }
}
