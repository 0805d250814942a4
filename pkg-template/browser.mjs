// Browser (and default) entry: compiling wasm is asynchronous here, so call
// `await init()` once before using the API. Calling it again is harmless.
import initGlue from "./healthie_webhooks.js";
import { bindInstance, isBound } from "./core.js";

let pending = null;

/**
 * Loads the wasm. `input` is optional: a URL, Response, BufferSource or
 * WebAssembly.Module; by default the .wasm next to this file.
 */
export function init(input) {
  if (isBound()) return Promise.resolve();
  if (pending === null) {
    const module_or_path = input ?? new URL("./healthie_webhooks_bg.wasm", import.meta.url);
    pending = initGlue({ module_or_path }).then(
      () => bindInstance(),
      (error) => {
        pending = null;
        throw error;
      },
    );
  }
  return pending;
}
export default init;
export * from "./core.js";
export * from "./receiver.js";
