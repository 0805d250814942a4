// Node.js entry (ESM; node.cjs is built from this file): the wasm is read and
// instantiated synchronously, so the API is usable right after import.
import { readFileSync } from "node:fs";
import { initSync } from "./healthie_webhooks.js";
import { bindInstance } from "./core.js";

initSync({ module: new WebAssembly.Module(readFileSync(new URL("./healthie_webhooks_bg.wasm", import.meta.url))) });
bindInstance();

/** Already initialised in Node; kept so code shared with browsers can always `await init()`. */
export async function init() {}
export default init;
export * from "./core.js";
export * from "./receiver.js";
