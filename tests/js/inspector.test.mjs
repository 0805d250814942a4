// The browser payload inspector (examples-js/inspector/) in headless Chromium,
// served from loopback by the same static server as `make inspector`.
// Everything is asserted by reading the page. Run: make pkg && node --test tests/js/inspector.test.mjs
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./support/chromium.mjs";
import { assertPkgBuilt } from "./support/env.mjs";
import { isFresh } from "../../examples-js/inspector/gen-examples.mjs";
import { startServer } from "../../examples-js/inspector/serve.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixture = JSON.parse(readFileSync(join(root, "tests/fixtures/reference-examples.json"), "utf8"));
const exampleOf = (eventType) => fixture.find((e) => e.event_type === eventType).body;

// Generous: a noisy 2-core machine. Every wait is on page state, never a sleep.
const WAIT = 60_000;
const TEST = { timeout: 180_000 };

let server = null;
let context = null;
let page = null;
let profile = null;
const requests = []; // every URL the browser asked for
let requestsAtReady = -1;
const pageErrors = [];

const html = () => page.evaluate(() => document.documentElement.dataset);
const counter = async (key) => Number((await html())[key] ?? 0);

/** Waits until the page re-rendered after `action` (data-renders moved on). */
async function afterRender(action, key = "renders") {
  const before = await counter(key);
  await action();
  await page.waitForFunction(([k, n]) => Number(document.documentElement.dataset[k] ?? 0) > n, [key, before], { timeout: WAIT });
}

const setBody = (text) => afterRender(() => page.fill("#body", text));
const text = (selector) => page.locator(selector).first().innerText({ timeout: WAIT });
const cardField = (name) => text(`#card-body dd[data-field="${name}"]`);

function lineOf(body, needle) {
  const at = body.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the body`);
  return body.slice(0, at).split("\n").length;
}

/** Healthie's signature headers, computed with Node's crypto (not the package). */
function signWithNode({ path, query, body, secret }) {
  const bytes = Buffer.from(body, "utf8");
  const digest = createHash("sha256").update(bytes).digest("base64");
  const signedString = `post ${path} ${query} ${digest} application/json ${bytes.length}`;
  const signature = createHmac("sha256", Buffer.from(secret, "utf8")).update(signedString, "utf8").digest("hex");
  const headers = [
    "Content-Type: application/json",
    `Content-Digest: sha-256=${digest}`,
    `Content-Length: ${bytes.length}`,
    'Signature-Input: sig1=("@method" "@path" "@query" "content-digest" "content-type" "content-length")',
    `Signature: sig1=${signature}`,
  ].join("\n");
  return { headers, signedString };
}

describe("payload inspector in Chromium", { timeout: 600_000 }, () => {
  before(async () => {
    assertPkgBuilt();
    server = await startServer({ port: 0 });
    profile = mkdtempSync(join(tmpdir(), "inspector-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      timeout: WAIT,
    });
    context.setDefaultTimeout(WAIT);
    context.on("request", (request) => requests.push(request.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(server.url, { waitUntil: "load", timeout: WAIT });
    await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: WAIT });
    assert.equal((await html()).ready, "true", await page.locator("#load-error").innerText());
    requestsAtReady = requests.length;
  });

  after(async () => {
    await context?.close().catch(() => {});
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
  });

  test("examples.js is generated from tests/fixtures/reference-examples.json (not stale)", () => {
    assert.ok(isFresh(), "examples-js/inspector/examples.js is stale: run node examples-js/inspector/gen-examples.mjs");
  });

  test("the page starts on an example, and the catalogue lists all 179 events", TEST, async () => {
    assert.match(await text("#verdict"), /Valid/);
    assert.equal(await cardField("Event type"), "appointment.created");
    assert.equal(await page.locator("#event-list [role=option]").count(), 179);
    assert.match(await text("#cat-count"), /179 events of 179/);
    assert.match(await text("#privacy"), /Nothing leaves your browser/);
  });

  test("a valid example shows its classification and \"valid\"", TEST, async () => {
    await setBody(exampleOf("applied_tag.created"));
    const verdict = await text("#verdict");
    assert.match(verdict, /^Valid in strict mode/);
    assert.match(verdict, /No issues/);
    assert.equal(await page.locator("#issues li").count(), 0);
    assert.equal(await cardField("Event type"), "applied_tag.created");
    assert.equal(await cardField("Resource"), "applied_tag");
    assert.equal(await cardField("Action"), "created");
    assert.equal(await cardField("Section"), "Appointment");
    assert.equal(await cardField("Resource type"), "AppliedTag");
    assert.equal(await cardField("Resource ID"), "18000");
    const extra = await text("#card-body table.extra");
    assert.match(extra, /tag_id\s+no/);
    assert.match(extra, /user_id\s+no/);
  });

  test("a wrong resource type is an error at /resource_id_type in strict mode, a warning in lenient", TEST, async () => {
    const body = JSON.stringify({ ...JSON.parse(exampleOf("appointment.created")), resource_id_type: "User" }, null, 2);
    const line = lineOf(body, '"resource_id_type"');
    await setBody(body);
    assert.match(await text("#verdict"), /^Invalid in strict mode/);
    const issue = page.locator('#issues li[data-code="resource_type_mismatch"]');
    assert.equal(await issue.count(), 1);
    assert.equal(await issue.getAttribute("data-path"), "/resource_id_type");
    assert.equal(await issue.getAttribute("data-line"), String(line));
    assert.match(await issue.getAttribute("class"), /\berror\b/);
    assert.match(await issue.innerText(), new RegExp(`line ${line}, column 3`));
    // Highlighted at its place: the member in the text, and its line in the gutter.
    const index = (await issue.getAttribute("id")).replace("issue-", "");
    const mark = page.locator(`#backdrop mark[data-issues~="${index}"]`);
    assert.equal(await mark.first().textContent(), '"resource_id_type": "User"');
    assert.deepEqual(await page.locator("#gutter .ln.error").evaluateAll((els) => els.map((e) => e.dataset.line)), [String(line)]);
    // "Show in the editor" selects it in the textarea.
    await issue.locator("button.where").click();
    const selected = await page.evaluate(() => {
      const t = document.getElementById("body");
      return { focused: document.activeElement === t, text: t.value.slice(t.selectionStart, t.selectionEnd) };
    });
    assert.deepEqual(selected, { focused: true, text: '"resource_id_type": "User"' });

    await afterRender(() => page.getByLabel("Lenient").check());
    assert.match(await text("#verdict"), /^Valid in lenient mode/);
    assert.match(await issue.getAttribute("class"), /\bwarning\b/);
    await afterRender(() => page.getByLabel("Strict").check());
    assert.match(await text("#verdict"), /^Invalid in strict mode/);
  });

  test("invalid JSON shows its line and column", TEST, async () => {
    await setBody('{\n  "resource_id": "1",\n  "event_type": ,\n  "changed_fields": []\n}');
    assert.match(await text("#verdict"), /^Invalid/);
    const issue = page.locator('#issues li[data-code="invalid_json"]');
    assert.equal(await issue.count(), 1);
    assert.equal(await issue.getAttribute("data-line"), "3");
    assert.equal(await issue.getAttribute("data-column"), "17");
    assert.match(await issue.innerText(), /line 3, column 17/);
    const index = (await issue.getAttribute("id")).replace("issue-", "");
    assert.equal(await page.locator(`#backdrop mark[data-issues~="${index}"]`).first().textContent(), ",");
    assert.deepEqual(await page.locator("#gutter .ln.error").evaluateAll((els) => els.map((e) => e.dataset.line)), ["3"]);
  });

  test("signature: a correct one shows valid, a tampered body shows digest_mismatch and the signed string", TEST, async () => {
    // Non-ASCII on purpose: the content length is in bytes, not characters.
    const body = JSON.stringify({ ...JSON.parse(exampleOf("appointment.created")), resource_organization_id: "Zoë 😀" });
    const path = "/webhooks/healthie";
    const secret = "whsec-test-Ω-secret";
    const { headers, signedString } = signWithNode({ path, query: "tenant=7", body, secret });
    await setBody(body);
    await afterRender(async () => {
      await page.fill("#sig-path", path);
      await page.fill("#sig-query", "?tenant=7");
      await page.fill("#sig-headers", headers);
      await page.fill("#sig-secret", secret);
    }, "sigChecks");
    await page.waitForSelector('#sig-result[data-code="valid"]', { timeout: WAIT });
    assert.match(await text("#sig-result"), /Signature valid/);
    assert.equal(await text("#sig-result .signed-string"), signedString);
    assert.match(await text("#sig-result .sig-facts"), new RegExp(`Body: ${Buffer.byteLength(body)} bytes`));

    // Same length, different bytes: the digest step fails first.
    const tampered = body.replace('"67890"', '"67891"');
    assert.notEqual(tampered, body);
    await afterRender(() => page.fill("#body", tampered), "sigChecks");
    await page.waitForSelector('#sig-result[data-code="digest_mismatch"]', { timeout: WAIT });
    const result = await text("#sig-result");
    assert.match(result, /Signature invalid/);
    assert.match(result, /failing step: digest_mismatch/);
    assert.match(result, /Likely cause:/);
    assert.equal(await text("#sig-result .signed-string"), signedString);

    // The right body with the wrong secret fails at the HMAC step.
    await afterRender(() => page.fill("#body", body), "sigChecks");
    await afterRender(() => page.fill("#sig-secret", "another-secret"), "sigChecks");
    await page.waitForSelector('#sig-result[data-code="signature_mismatch"]', { timeout: WAIT });
    assert.equal(await text("#sig-result .signed-string"), signedString);
  });

  test("choosing an event in the catalogue loads its example (mouse and keyboard)", TEST, async () => {
    await page.fill("#cat-search", "tag");
    await page.selectOption("#cat-section", "Appointment");
    const names = await page.locator("#event-list [role=option]").evaluateAll((els) => els.map((e) => e.dataset.event));
    assert.ok(names.length > 0 && names.length < 179, `filtered list: ${names}`);
    assert.ok(names.includes("applied_tag.deleted"));
    assert.match(await text("#cat-count"), new RegExp(`^${names.length} events? of 179`));

    await afterRender(() => page.locator('#event-list [data-event="applied_tag.deleted"]').click());
    assert.deepEqual(JSON.parse(await page.inputValue("#body")), JSON.parse(exampleOf("applied_tag.deleted")));
    assert.equal(await cardField("Event type"), "applied_tag.deleted");
    assert.match(await text("#verdict"), /^Valid in strict mode/);
    assert.equal(await page.getAttribute('#event-list [data-event="applied_tag.deleted"]', "aria-selected"), "true");

    // Keyboard only: search, arrow into the list, Enter.
    await page.selectOption("#cat-section", "");
    await page.fill("#cat-search", "allergy_sensitivity.updated");
    await page.focus("#cat-search");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.id), "event-list");
    await afterRender(() => page.keyboard.press("Enter"));
    assert.deepEqual(JSON.parse(await page.inputValue("#body")), JSON.parse(exampleOf("allergy_sensitivity.updated")));
    assert.equal(await cardField("Event type"), "allergy_sensitivity.updated");

    // Undocumented events are listed as such, and load a skeleton.
    await page.fill("#cat-search", "");
    await page.selectOption("#cat-section", "__undocumented");
    const undocumented = page.locator("#event-list [role=option]");
    assert.equal(await undocumented.count(), 12);
    assert.equal(await page.locator("#event-list .tag.undocumented").count(), 12);
    await afterRender(() => undocumented.first().click());
    assert.match(await text("#card-body"), /Undocumented/);
    assert.match(await text("#editor-status"), /no example/);
  });

  test("screenshot for the README (docs/inspector.png)", TEST, async () => {
    await page.selectOption("#cat-section", "");
    await page.fill("#cat-search", "appointment");
    await afterRender(() => page.locator('#event-list [data-event="appointment.created"]').click());
    const original = await page.inputValue("#body");
    const path = "/webhooks/healthie";
    const secret = "whsec_example";
    const { headers } = signWithNode({ path, query: "", body: original, secret });
    await page.fill("#sig-path", path);
    await page.fill("#sig-query", "");
    await page.fill("#sig-headers", headers);
    await page.fill("#sig-secret", secret);
    // A delivery whose resource type was changed after signing.
    await afterRender(() => page.fill("#body", original.replace('"resource_id_type": "Appointment"', '"resource_id_type": "User"')));
    await page.waitForSelector('#sig-result[data-code="digest_mismatch"]', { timeout: WAIT });
    await page.evaluate(() => {
      document.activeElement?.blur();
      window.scrollTo(0, 0);
    });
    mkdirSync(join(root, "docs"), { recursive: true });
    await page.screenshot({ path: join(root, "docs/inspector.png"), fullPage: true, animations: "disabled", caret: "hide" });
  });

  test("the page made no request outside loopback, and none at all after loading", () => {
    assert.ok(requests.length > 0);
    const outside = requests.filter((url) => {
      const u = new URL(url);
      if (u.protocol === "data:" || u.protocol === "blob:") return false;
      return !(u.protocol === "http:" && (u.hostname === "127.0.0.1" || u.hostname === "localhost"));
    });
    assert.deepEqual(outside, []);
    assert.deepEqual(requests.slice(requestsAtReady), [], "requests after the page was ready");
    assert.deepEqual(pageErrors, []);
  });
});
