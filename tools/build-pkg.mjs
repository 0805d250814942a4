// Assembles the npm package in pkg/: wasm-bindgen output of the release
// build, optimised by binaryen's wasm-opt (the npm one: Debian's binaryen 108
// silently breaks modules from current wasm-bindgen), the hand-written files
// of pkg-template/, and a CommonJS entry bundled from the ESM one by esbuild.
// Run through `make pkg`, which installs the tools first.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { bindgen, optimize, root } from "./wasm-pipeline.mjs";

const pkg = join(root, "pkg");
const template = join(root, "pkg-template");
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib"]);
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
const wasm = bindgen(pkg);
const before = statSync(wasm).size;
optimize(wasm);

for (const file of readdirSync(template)) copyFileSync(join(template, file), join(pkg, file));
// CommonJS users (`require`): the same entry, bundled; import.meta.url is
// rebuilt from __filename so the .wasm is found next to the file.
run(bin("esbuild"), [
  join(pkg, "node.mjs"),
  "--bundle", "--platform=node", "--format=cjs", "--target=node20", "--log-level=warning",
  "--define:import.meta.url=__healthie_webhooks_url",
  "--banner:js=const __healthie_webhooks_url = require(\"node:url\").pathToFileURL(__filename).href;",
  `--outfile=${join(pkg, "node.cjs")}`,
]);
// The Node ESM entry as one module as well (core, receiver and glue inlined):
// Node 20's ESM loader costs about a millisecond per module at start-up, a
// quarter of the cold-start budget (issue 7). The other entries stay split:
// bundlers and browsers load them their own way.
run(bin("esbuild"), [
  join(pkg, "node.mjs"),
  "--bundle", "--platform=node", "--format=esm", "--target=node20", "--log-level=warning",
  `--outfile=${join(pkg, "node.bundled.mjs")}`,
]);
renameSync(join(pkg, "node.bundled.mjs"), join(pkg, "node.mjs"));

const bytes = readFileSync(wasm);
const sizes = { wasmBytes: bytes.length, wasmGzipBytes: gzipSync(bytes, { level: 9 }).length, beforeWasmOpt: before };
writeFileSync(join(root, "target", "pkg-size.json"), JSON.stringify(sizes, null, 2) + "\n");
console.log(`pkg/ ready: healthie_webhooks_bg.wasm ${(sizes.wasmBytes / 1024).toFixed(1)} KiB, ${(sizes.wasmGzipBytes / 1024).toFixed(1)} KiB gzip (before wasm-opt ${(before / 1024).toFixed(1)} KiB)`);
