// The DevTools panel extension (examples-js/devtools-extension/), loaded
// unpacked into headless Chromium. Headless Chromium has no DevTools window to
// host the panel, so its pages are opened as extension pages in a tab, with
// `chrome.devtools` stood in for by a shim that serves HAR entries shaped like
// DevTools' own. What runs is the real extension: its manifest and CSP
// (wasm-unsafe-eval), panel.html, the inspector and the package's wasm.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./support/chromium.mjs";
import { assertPkgBuilt } from "./support/env.mjs";
import { build } from "../../examples-js/devtools-extension/build.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixture = JSON.parse(readFileSync(join(root, "tests/fixtures/reference-examples.json"), "utf8"));
const exampleOf = (eventType) => fixture.find((e) => e.event_type === eventType).body;

const WAIT = 60_000;
const TEST = { timeout: 180_000 };

/** Chromium's ID of an unpacked extension: SHA-256 of its absolute path, first 32 hex digits as a-p. */
function extensionId(dir) {
  const hex = createHash("sha256").update(dir).digest("hex").slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("");
}

function harEntry({ method = "POST", url, headers = [], mimeType = "application/json", text, status = 200, time }) {
  return {
    startedDateTime: time,
    request: { method, url, headers, postData: text === undefined ? undefined : { mimeType, text } },
    response: { status },
  };
}

// A delivery signed with Node's crypto (independently of the package).
const secret = "whsec-devtools-test";
const signedBody = exampleOf("applied_tag.created");
const bytes = Buffer.from(signedBody, "utf8");
const digest = createHash("sha256").update(bytes).digest("base64");
const signedString = `post /webhooks/healthie tenant=7 ${digest} application/json ${bytes.length}`;
const signature = createHmac("sha256", secret).update(signedString).digest("hex");
const signedHeaders = [
  { name: ":path", value: "/webhooks/healthie?tenant=7" },
  { name: "content-type", value: "application/json" },
  { name: "content-digest", value: `sha-256=${digest}` },
  { name: "content-length", value: String(bytes.length) },
  { name: "signature-input", value: 'sig1=("@method" "@path" "@query" "content-digest" "content-type" "content-length")' },
  { name: "signature", value: `sig1=${signature}` },
];

// In the log before the panel opens: a JSON POST, a GET and a form POST.
const earlier = [
  harEntry({ url: "http://127.0.0.1:9/hooks/a", text: exampleOf("appointment.created").replace('"Appointment"', '"User"'), time: "2026-12-03T10:00:00.000Z" }),
  harEntry({ method: "GET", url: "http://127.0.0.1:9/api/list", time: "2026-12-03T10:00:01.000Z" }),
  harEntry({ url: "http://127.0.0.1:9/login", mimeType: "application/x-www-form-urlencoded", text: "user=a&pass=b", time: "2026-12-03T10:00:02.000Z" }),
];
// Finished after the panel opened.
const later = harEntry({ url: "http://127.0.0.1:9/webhooks/healthie?tenant=7", headers: signedHeaders, text: signedBody, time: "2026-12-03T10:00:03.000Z" });

let context = null;
let page = null;
let id = null;
let workDir = null;
let profile = null;
const requests = [];
const pageErrors = [];

describe("DevTools panel extension, loaded unpacked", { timeout: 600_000 }, () => {
  before(async () => {
    assertPkgBuilt();
    workDir = realpathSync(mkdtempSync(join(tmpdir(), "inspector-extension-")));
    const dir = build(join(workDir, "extension"));
    id = extensionId(dir);
    profile = mkdtempSync(join(tmpdir(), "inspector-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      // Playwright disables extensions by default.
      ignoreDefaultArgs: ["--disable-extensions"],
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
      viewport: { width: 1440, height: 900 },
      timeout: WAIT,
    });
    context.setDefaultTimeout(WAIT);
    context.on("request", (request) => requests.push(request.url()));
    // The stand-in for chrome.devtools (see the top of this file).
    await context.addInitScript((har) => {
      const listeners = [];
      window.__panels = [];
      window.__finish = (entry) => listeners.forEach((fn) => fn(entry));
      window.chrome = window.chrome || {};
      window.chrome.devtools = {
        panels: { create: (...args) => window.__panels.push(args.filter((a) => typeof a !== "function")) },
        network: {
          getHAR: (callback) => setTimeout(() => callback({ entries: har })),
          onRequestFinished: { addListener: (fn) => listeners.push(fn) },
        },
      };
    }, earlier);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
    });
  });

  after(async () => {
    await context?.close().catch(() => {});
    for (const dir of [profile, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("manifest: MV3, a DevTools page, wasm-unsafe-eval, no permissions or background", () => {
    const manifest = JSON.parse(readFileSync(join(root, "examples-js/devtools-extension/manifest.json"), "utf8"));
    assert.equal(manifest.manifest_version, 3);
    assert.equal(manifest.devtools_page, "devtools.html");
    assert.match(manifest.content_security_policy.extension_pages, /script-src 'self' 'wasm-unsafe-eval'/);
    for (const key of ["permissions", "host_permissions", "background", "content_scripts"]) assert.equal(manifest[key], undefined, key);
  });

  test("the DevTools page creates the panel", TEST, async () => {
    await page.goto(`chrome-extension://${id}/devtools.html`, { timeout: WAIT });
    await page.waitForFunction(() => window.__panels.length > 0, null, { timeout: WAIT });
    assert.deepEqual(await page.evaluate(() => window.__panels), [["Healthie webhooks", "", "panel.html"]]);
  });

  test("the panel lists the JSON POST bodies and inspects the chosen one", TEST, async () => {
    await page.goto(`chrome-extension://${id}/panel.html`, { timeout: WAIT });
    await page.waitForFunction(() => document.documentElement.dataset.panel === "ready", null, { timeout: WAIT });
    // The wasm ran under the extension's CSP.
    assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), "true");
    const rows = page.locator("#captured-list li");
    await page.waitForFunction(() => document.querySelectorAll("#captured-list li").length === 1, null, { timeout: WAIT });
    await page.evaluate((entry) => window.__finish(entry), later);
    await page.waitForFunction(() => document.querySelectorAll("#captured-list li").length === 2, null, { timeout: WAIT });
    const listed = await rows.evaluateAll((els) => els.map((li) => [...li.children].slice(2).map((s) => s.textContent)));
    assert.deepEqual(listed, [
      ["/hooks/a", "appointment.created", "invalid"],
      ["/webhooks/healthie?tenant=7", "applied_tag.created", "valid"],
    ]);
    assert.match(await page.locator("#captured-count").innerText(), /2 captured/);

    // Keyboard: into the list, to the last row, Enter.
    await page.focus("#captured-list");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.waitForFunction((body) => document.getElementById("body").value === body, signedBody, { timeout: WAIT });
    assert.equal(await page.inputValue("#sig-path"), "/webhooks/healthie");
    assert.equal(await page.inputValue("#sig-query"), "tenant=7");
    assert.match(await page.inputValue("#sig-headers"), /^content-digest: sha-256=/m);
    assert.doesNotMatch(await page.inputValue("#sig-headers"), /^:path/m);
    await page.waitForFunction(() => document.querySelector("#card-body dd[data-field='Event type']")?.textContent === "applied_tag.created", null, { timeout: WAIT });
    await page.fill("#sig-secret", secret);
    await page.waitForSelector('#sig-result[data-code="valid"]', { timeout: WAIT });
    assert.equal(await page.locator("#sig-result .signed-string").innerText(), signedString);

    // Mouse: the earlier, invalid one.
    await rows.first().click();
    await page.waitForFunction(() => document.querySelector('#issues li[data-code="resource_type_mismatch"]'), null, { timeout: WAIT });
    assert.equal(await page.inputValue("#sig-path"), "/hooks/a");
    assert.match(await page.locator("#verdict").innerText(), /^Invalid in strict mode/);
  });

  test("the extension's pages requested nothing but their own files", () => {
    assert.ok(requests.length > 0);
    const outside = requests.filter((url) => !url.startsWith(`chrome-extension://${id}/`) && !url.startsWith("data:"));
    assert.deepEqual(outside, []);
    assert.deepEqual(pageErrors, []);
  });
});
