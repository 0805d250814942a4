// The steps from cargo's .wasm to the package's, shared by tools/build-pkg.mjs
// and bench/profile-workerd.mjs (which needs the same module with its
// function names kept, so a profile's wasm-function[N] can be read).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const cargoWasm = join(root, "target/wasm32-unknown-unknown/release/healthie_webhooks.wasm");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

/** wasm-bindgen's glue and module for `--target web` into `outDir`. */
export function bindgen(outDir) {
  run("wasm-bindgen", [
    "--target", "web",
    // Our own index.d.ts types the package; the glue's internals stay untyped.
    "--no-typescript",
    // Lets core.js start a fresh instance after a trap (see callWasm).
    "--experimental-reset-state-function",
    "--out-dir", outDir,
    cargoWasm,
  ]);
  return join(outDir, "healthie_webhooks_bg.wasm");
}

/**
 * binaryen's wasm-opt (the npm one: Debian's binaryen 108 silently breaks
 * modules from current wasm-bindgen), in place. `keepNames`: the same
 * optimisation with the name section kept, for profiles.
 */
export function optimize(wasm, { keepNames = false } = {}) {
  // `--no-inline` before -Oz keeps the general validation path out of the fast
  // path's function: V8 compiles wasm functions on first call, so a process
  // whose first deliveries are clean never compiles it (cold start, issue 7;
  // see general_report in src/wasm/exports.rs).
  const passes = ["--no-inline=*general_report*", "-Oz", ...(keepNames ? [] : ["--strip-debug"]), "--strip-producers"];
  run(join(root, "node_modules/.bin/wasm-opt"), [...(keepNames ? ["-g"] : []), ...passes, wasm, "-o", wasm]);
}
