// Node.js entry (ESM; node.cjs is built from this file): the wasm is read and
// instantiated synchronously, so the API is usable right after import.
import { initSync } from "./healthie_webhooks.js";
import { bindInstance } from "./core.js";

// node:fs through process.getBuiltinModule (Node >= 20.16), not `import ... from
// "node:fs"`: an ESM import of a builtin first builds its namespace, which for
// fs evaluates every lazy export, the whole streams stack included: about 3 ms
// of a cold start whose budget is 10 (issue 7).
if (typeof process.getBuiltinModule !== "function") {
  throw new Error(`healthie-webhooks needs Node.js >= 20.16 (process.getBuiltinModule); this is ${process.version}`);
}
const { readFileSync } = process.getBuiltinModule("node:fs");
initSync({ module: new WebAssembly.Module(readFileSync(new URL("./healthie_webhooks_bg.wasm", import.meta.url))) });
bindInstance();

/** Already initialised in Node; kept so code shared with browsers can always `await init()`. */
export async function init() {}
export default init;
export * from "./core.js";
export * from "./receiver.js";
