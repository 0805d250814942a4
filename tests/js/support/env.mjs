// What every package test runner shares: the reference examples and Node's own
// crypto as an implementation independent of the package.
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
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
