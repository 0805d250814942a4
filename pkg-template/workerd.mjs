// Cloudflare Workers entry: Workers refuse to compile wasm from bytes, so the
// .wasm is imported as a module (the bundler hands over a WebAssembly.Module)
// and instantiated synchronously at import.
import wasmModule from "./healthie_webhooks_bg.wasm";
import { initSync } from "./healthie_webhooks.js";
import { bindInstance } from "./core.js";

initSync({ module: wasmModule });
bindInstance();

/** Already initialised in Workers; kept so shared code can always `await init()`. */
export async function init() {}
export default init;
export * from "./core.js";
export * from "./receiver.js";
