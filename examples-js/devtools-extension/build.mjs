// Assembles the unpacked DevTools extension: this directory's files, the
// inspector page (examples-js/inspector/) as panel.html, and the package's
// browser build (pkg/, from `make pkg`) under pkg/.
//
//   node examples-js/devtools-extension/build.mjs [outDir]   (default target/devtools-extension)
//
// Then load outDir in chrome://extensions ("Load unpacked") and open DevTools.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const inspector = join(root, "examples-js", "inspector");
const pkg = join(root, "pkg");

const OWN = ["manifest.json", "devtools.html", "devtools.js", "panel.js", "panel.css"];
const FROM_INSPECTOR = ["inspector.js", "positions.js", "examples.js", "style.css"];

/** Builds the extension into outDir (emptied first); returns outDir. */
export function build(outDir = join(root, "target", "devtools-extension")) {
  outDir = resolve(outDir);
  if (!existsSync(join(pkg, "browser.mjs"))) throw new Error("pkg/ is not built: run `make pkg` first");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, "pkg"), { recursive: true });
  for (const f of OWN) copyFileSync(join(here, f), join(outDir, f));
  for (const f of FROM_INSPECTOR) copyFileSync(join(inspector, f), join(outDir, f));
  // The package's runtime files (its .d.ts and package.json are not needed).
  for (const f of readdirSync(pkg)) {
    if (/\.(m?js|wasm)$/.test(f) && !f.endsWith(".cjs")) copyFileSync(join(pkg, f), join(outDir, "pkg", f));
  }
  // panel.html: the inspector page, with the panel's script and styles.
  const page = readFileSync(join(inspector, "index.html"), "utf8");
  const panel = page
    .replace("<title>Healthie webhook payload inspector</title>", "<title>Healthie webhooks (DevTools panel)</title>")
    .replace('<script type="module" src="inspector.js"></script>', '<link rel="stylesheet" href="panel.css">\n  <script type="module" src="panel.js"></script>');
  if (panel === page || !panel.includes("panel.js")) throw new Error("index.html changed shape: update build.mjs");
  writeFileSync(join(outDir, "panel.html"), panel);
  return outDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = build(process.argv[2]);
  console.log(`Unpacked extension ready in ${out}: load it in chrome://extensions (Developer mode, "Load unpacked"), then open DevTools.`);
}
