// The payload inspector: everything runs here, on the package's browser build.
// No fetch, no storage: the only requests are the page's own files.
import { init, validate, classify, events, verifySignature, signRequest } from "./pkg/browser.mjs";
import EXAMPLES from "./examples.js";
import { indexJson, issueRange, parseHeaderLines } from "./positions.js";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "id" || k === "title") node.setAttribute(k, v === true ? "" : String(v));
    else node[k] = v;
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
};

const ui = {
  body: $("body"),
  backdrop: $("backdrop"),
  gutter: $("gutter"),
  editor: $("editor"),
  editorStatus: $("editor-status"),
  verdict: $("verdict"),
  issues: $("issues"),
  cardBody: $("card-body"),
  search: $("cat-search"),
  section: $("cat-section"),
  resource: $("cat-resource"),
  count: $("cat-count"),
  list: $("event-list"),
  sigPath: $("sig-path"),
  sigQuery: $("sig-query"),
  sigHeaders: $("sig-headers"),
  sigSecret: $("sig-secret"),
  sigShow: $("sig-show"),
  sigSign: $("sig-sign"),
  sigResult: $("sig-result"),
};

const UNDOCUMENTED = "__undocumented";
const SECTIONS = ["Appointment", "Billing", "Clinical", "Document", "Message", "Organization"];
const encoder = new TextEncoder();
const state = { mode: "strict", catalogue: [], filtered: [], active: -1, loaded: null, renders: 0, sigChecks: 0 };

// ------------------------------------------------------------------ helpers

function debounce(fn, ms) {
  let timer = 0;
  const run = () => {
    clearTimeout(timer);
    timer = 0;
    fn();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  schedule.now = run;
  return schedule;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function setStatus(text) {
  ui.editorStatus.textContent = text;
}

// A state counter on <html> lets tests (and curious people) see that the page
// caught up with the input: data-renders, data-sig-checks.
function bump(key) {
  state[key]++;
  document.documentElement.dataset[key] = String(state[key]);
}

// ------------------------------------------------------------------ editor

/** Line numbers, with a marker on lines that carry an issue. */
function renderGutter(text, marks = new Map()) {
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  const frag = document.createDocumentFragment();
  for (let n = 1; n <= lines; n++) {
    const severity = marks.get(n);
    frag.append(el("div", { class: severity ? `ln ${severity}` : "ln", text: String(n), "data-line": n }));
  }
  ui.gutter.replaceChildren(frag);
}

/**
 * The backdrop behind the transparent textarea: the same text, invisible,
 * with <mark>s where issues are. ranges: [{ start, end, severity, index }].
 */
function renderBackdrop(text, ranges = []) {
  const frag = document.createDocumentFragment();
  const bounds = new Set([0, text.length]);
  for (const r of ranges) {
    bounds.add(r.start);
    bounds.add(r.end);
  }
  const cuts = [...bounds].sort((a, b) => a - b);
  const points = ranges.filter((r) => r.start === r.end);
  const pointAt = (at) => {
    const here = points.filter((r) => r.start === at);
    if (here.length === 0) return;
    // An empty range (end of line or text): a one-space mark before the line
    // break, which moves nothing that follows.
    frag.append(mark(" ", here, "point"));
  };
  for (let k = 0; k < cuts.length - 1; k++) {
    const a = cuts[k];
    const b = cuts[k + 1];
    pointAt(a);
    const covering = ranges.filter((r) => r.start <= a && r.end >= b && r.end > r.start);
    const piece = text.slice(a, b);
    frag.append(covering.length ? mark(piece, covering) : document.createTextNode(piece));
  }
  pointAt(text.length);
  // A trailing newline needs something after it to take up its line.
  frag.append(document.createTextNode("\n"));
  ui.backdrop.replaceChildren(frag);
}

function mark(piece, covering, extra = "") {
  const severity = covering.some((r) => r.severity === "error") ? "error" : "warning";
  return el("mark", {
    class: `hl ${severity} ${extra}`.trim(),
    "data-issues": covering.map((r) => r.index).join(" "),
    text: piece,
  });
}

function syncScroll() {
  const { scrollTop, scrollLeft } = ui.body;
  ui.backdrop.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
  ui.gutter.style.transform = `translateY(${-scrollTop}px)`;
}

function selectInEditor(start, end) {
  ui.body.focus();
  ui.body.setSelectionRange(start, end === start ? start : end);
  // Bring the selection into view: textareas scroll to the caret on focus in
  // Chromium, but not always to a range set programmatically.
  const before = ui.body.value.slice(0, start);
  const line = before.split("\n").length - 1;
  const lineHeight = parseFloat(getComputedStyle(ui.body).lineHeight) || 20;
  const top = line * lineHeight;
  if (top < ui.body.scrollTop || top > ui.body.scrollTop + ui.body.clientHeight - lineHeight * 2) {
    ui.body.scrollTop = Math.max(0, top - ui.body.clientHeight / 3);
  }
  syncScroll();
}

function setBody(text, status) {
  ui.body.value = text;
  ui.body.scrollTop = 0;
  ui.body.scrollLeft = 0;
  onBodyInput();
  revalidate.now();
  if (status) setStatus(status);
}

// ------------------------------------------------------------------ validation

const revalidate = debounce(runValidation, 120);

function onBodyInput() {
  // Cheap and immediate: line numbers and a backdrop without stale marks.
  const text = ui.body.value;
  renderGutter(text);
  renderBackdrop(text);
  syncScroll();
  revalidate();
  checkSignatureSoon();
}

function runValidation() {
  const text = ui.body.value;
  if (text.trim() === "") {
    ui.verdict.className = "verdict empty";
    ui.verdict.replaceChildren(el("p", { class: "verdict-line", text: "Paste a webhook body to inspect it." }));
    ui.issues.replaceChildren();
    renderCard(null, null, text);
    renderGutter(text);
    renderBackdrop(text);
    bump("renders");
    return;
  }
  let report;
  try {
    report = validate(text, { mode: state.mode });
  } catch (error) {
    ui.verdict.className = "verdict invalid";
    ui.verdict.replaceChildren(el("p", { class: "verdict-line", text: `The validator failed: ${error.message}` }));
    ui.issues.replaceChildren();
    bump("renders");
    return;
  }
  const index = indexJson(text);
  const located = report.issues.map((issue, i) => ({ issue, i, where: issueRange(text, issue, index) }));
  renderVerdict(report, located);
  renderIssues(located);
  const lineMarks = new Map();
  for (const { issue, where } of located) {
    if (lineMarks.get(where.line) !== "error") lineMarks.set(where.line, issue.severity);
  }
  renderGutter(text, lineMarks);
  renderBackdrop(
    text,
    located.map(({ issue, i, where }) => ({ start: where.start, end: where.end, severity: issue.severity, index: i })),
  );
  syncScroll();
  renderCard(report, located, text);
  bump("renders");
}

function renderVerdict(report, located) {
  const errors = located.filter((l) => l.issue.severity === "error").length;
  const warnings = located.length - errors;
  const name = report.event?.event_type ?? report.info?.eventType ?? null;
  const counts = [errors && plural(errors, "error"), warnings && plural(warnings, "warning")].filter(Boolean).join(", ");
  ui.verdict.className = `verdict ${report.valid ? "valid" : "invalid"}`;
  ui.verdict.replaceChildren(
    el("p", { class: "verdict-line" },
      el("span", { class: "verdict-word", text: report.valid ? "Valid" : "Invalid" }),
      el("span", { class: "verdict-mode", text: ` in ${report.mode} mode` }),
      name ? el("span", { class: "verdict-event" }, " · ", el("code", { text: name })) : null,
    ),
    el("p", { class: "verdict-counts", text: counts ? `${counts}.` : "No issues." }),
  );
}

function renderIssues(located) {
  ui.issues.replaceChildren(
    ...located.map(({ issue, i, where }) => {
      const place = `line ${where.line}, column ${where.column}`;
      const jump = el(
        "button",
        {
          type: "button",
          class: "where",
          title: "Select this place in the editor",
          "aria-label": `${place}${issue.path ? `, ${issue.path}` : ""}: show in the editor`,
        },
        el("span", { class: "place", text: place }),
        issue.path ? el("code", { class: "pointer", text: issue.path }) : null,
        where.exact ? null : el("span", { class: "approx", text: issue.path ? " (absent: shown at its object)" : "" }),
      );
      jump.addEventListener("click", () => selectInEditor(where.start, where.end));
      return el(
        "li",
        {
          class: `issue ${issue.severity}`,
          id: `issue-${i}`,
          "data-code": issue.code,
          "data-path": issue.path,
          "data-line": where.line,
          "data-column": where.column,
        },
        el("div", { class: "issue-head" },
          el("span", { class: `sev ${issue.severity}`, text: issue.severity === "error" ? "Error" : "Warning" }),
          el("code", { class: "code", text: issue.code }),
        ),
        el("p", { class: "message", text: issue.message }),
        jump,
      );
    }),
  );
}

// ------------------------------------------------------------------ classification card

function guessEventType(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && typeof value.event_type === "string" ? value.event_type : null;
  } catch {
    return null;
  }
}

function renderCard(report, located, text) {
  // The report's catalogue entry; when the envelope is broken, still classify
  // the body's event_type if it can be read.
  const eventType = report?.event?.event_type ?? report?.info?.eventType ?? guessEventType(text);
  const info = report?.info ?? (eventType ? classify(eventType) : null);
  if (!eventType) {
    ui.cardBody.replaceChildren(el("p", { class: "muted", text: "No event_type to classify yet." }));
    return;
  }
  if (!info) {
    ui.cardBody.replaceChildren(
      el("p", { class: "event-name" }, el("code", { text: eventType })),
      el("p", { class: "badge unknown", text: "Not in the catalogue" }),
      el("p", { class: "muted", text: "Healthie may have added this event since the reference was written; receivers should accept it with a warning." }),
    );
    return;
  }
  const rows = [
    ["Event type", el("code", { text: info.eventType })],
    ["Resource", el("code", { text: info.resource })],
    ["Action", el("code", { text: info.action })],
    ["Section", info.category ?? el("span", { class: "muted", text: "none (undocumented)" })],
    ["Resource type", info.resourceIdType ? el("code", { text: info.resourceIdType }) : el("span", { class: "muted", text: "not documented" })],
  ];
  if (report?.event) rows.push(["Resource ID", el("code", { text: report.event.resource_id })]);
  if (info.description) rows.push(["Description", info.description]);
  if (info.firesWhen) rows.push(["Fires when", info.firesWhen]);
  if (info.mutations.length) {
    rows.push(["Mutations", el("ul", { class: "inline-list" }, info.mutations.map((m) => el("li", {}, el("code", { text: m }))))]);
  }
  const dl = el("dl", { class: "facts" }, rows.map(([k, v]) => [el("dt", { text: k }), el("dd", { "data-field": k }, v)]));
  const parts = [dl];
  if (!info.documented) {
    parts.unshift(el("p", { class: "badge undocumented", text: "Undocumented: known only from Healthie's GraphQL enum; the reference describes no payload." }));
  }
  if (info.extraFields.length) {
    parts.push(
      el("h3", { text: "Extra fields" }),
      el("table", { class: "extra" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Field" }), el("th", { scope: "col", text: "Null allowed" }), el("th", { scope: "col", text: "Description" }))),
        el("tbody", {}, info.extraFields.map((f) =>
          el("tr", {},
            el("th", { scope: "row" }, el("code", { text: f.name })),
            el("td", { text: f.nullable ? "yes" : "no" }),
            el("td", { text: f.description || "—" }),
          ),
        )),
      ),
    );
  } else if (info.documented) {
    parts.push(el("p", { class: "muted", text: "No extra fields beyond the standard four." }));
  }
  ui.cardBody.replaceChildren(...parts);
}

// ------------------------------------------------------------------ signature

const checkSignatureSoon = debounce(checkSignature, 150);

function checkSignature() {
  const body = ui.body.value;
  const parsed = parseHeaderLines(ui.sigHeaders.value);
  let path = ui.sigPath.value.trim();
  let query = ui.sigQuery.value.trim();
  const notes = [];
  if (path === "") {
    // A pasted request line or HTTP/2 :path says where Healthie posted.
    const target = parsed.requestLine?.target ?? parsed.pseudo.path;
    if (target) {
      const q = target.indexOf("?");
      path = q < 0 ? target : target.slice(0, q);
      if (query === "" && q >= 0) query = target.slice(q + 1);
      notes.push(`Path taken from the pasted headers: ${target}`);
    }
  }
  const secret = ui.sigSecret.value;
  const missing = [];
  if (path === "") missing.push("the path");
  if (parsed.names.length === 0) missing.push("the headers");
  if (secret === "") missing.push("the secret");
  const byteLength = encoder.encode(body).length;
  const parts = [];
  if (missing.length) {
    ui.sigResult.className = "sig-result idle";
    parts.push(el("p", { text: `Enter ${missing.join(", ").replace(/, ([^,]*)$/, " and $1")} to check the signature.` }));
  } else {
    let result;
    try {
      result = verifySignature({ method: "POST", path, query, headers: parsed.headers, body }, secret);
    } catch (error) {
      result = { valid: false, code: "error", message: error.message };
    }
    ui.sigResult.className = `sig-result ${result.valid ? "valid" : "invalid"}`;
    ui.sigResult.dataset.code = result.code;
    parts.push(
      el("p", { class: "sig-verdict" },
        el("span", { class: "verdict-word", text: result.valid ? "Signature valid" : "Signature invalid" }),
        result.valid ? null : el("span", {}, " · failing step: ", el("code", { class: "sig-code", text: result.code })),
      ),
    );
    if (result.message) parts.push(el("p", { class: "sig-message", text: result.message }));
    if (result.likelyCause) parts.push(el("p", { class: "sig-cause" }, el("strong", { text: "Likely cause: " }), result.likelyCause));
    if (result.signedString !== undefined) {
      parts.push(
        el("p", { class: "sig-label", id: "signed-label", text: "Signed string, as computed here (method path query digest type length):" }),
        el("pre", { class: "signed-string", "aria-labelledby": "signed-label" }, el("code", { text: result.signedString })),
      );
    }
  }
  const facts = [`Body: ${plural(byteLength, "byte")} (UTF-8).`];
  if (parsed.names.length) facts.push(`Headers read: ${parsed.names.join(", ")}.`);
  if (parsed.ignored.length) facts.push(`Ignored ${plural(parsed.ignored.length, "line")} without "Name: value".`);
  parts.push(el("p", { class: "sig-facts", text: [...notes, ...facts].join(" ") }));
  if (missing.length) delete ui.sigResult.dataset.code;
  ui.sigResult.replaceChildren(...parts);
  bump("sigChecks");
}

function signBody() {
  const path = ui.sigPath.value.trim();
  const secret = ui.sigSecret.value;
  if (path === "" || secret === "") {
    ui.sigResult.className = "sig-result idle";
    ui.sigResult.replaceChildren(el("p", { text: "To sign the body, enter the path and a secret first." }));
    return;
  }
  try {
    const headers = signRequest({ method: "POST", path, query: ui.sigQuery.value.trim(), body: ui.body.value }, secret);
    ui.sigHeaders.value = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\n");
    checkSignatureSoon.now();
  } catch (error) {
    ui.sigResult.className = "sig-result invalid";
    ui.sigResult.replaceChildren(el("p", { text: error.message }));
  }
}

// ------------------------------------------------------------------ catalogue

function pascal(name) {
  return name.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

// Long names wrap after "." and "_" rather than anywhere.
function breakable(name) {
  return name.split(/(?<=[._])/).flatMap((part, i) => (i === 0 ? [part] : [document.createElement("wbr"), part]));
}

function loadEvent(info) {
  state.loaded = info.eventType;
  const example = EXAMPLES[info.eventType];
  if (example !== undefined) {
    let text = example;
    try {
      text = JSON.stringify(JSON.parse(example), null, 2);
    } catch {}
    setBody(text, `Loaded the reference's example of ${info.eventType} (formatted).`);
  } else {
    const skeleton = {
      resource_id: "12345",
      resource_id_type: info.resourceIdType ?? pascal(info.resource),
      event_type: info.eventType,
      changed_fields: [],
    };
    for (const f of info.extraFields) skeleton[f.name] = f.nullable ? null : "1";
    setBody(
      JSON.stringify(skeleton, null, 2),
      `The reference shows no example of ${info.eventType}${info.documented ? "" : " (undocumented)"}: loaded a skeleton` +
        `${info.resourceIdType ? "" : " whose resource_id_type is a guess"}.`,
    );
  }
  for (const li of ui.list.children) li.setAttribute("aria-selected", String(li.dataset.event === info.eventType));
}

function matches(info, words, section, resource) {
  if (section === UNDOCUMENTED ? info.documented : section && info.category !== section) return false;
  if (resource && info.resource !== resource) return false;
  if (words.length === 0) return true;
  const hay = `${info.eventType} ${info.resource} ${info.resourceIdType ?? ""} ${info.category ?? "undocumented"} ${info.description}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

function renderList() {
  const words = ui.search.value.toLowerCase().split(/\s+/).filter(Boolean);
  const section = ui.section.value;
  const resource = ui.resource.value;
  state.filtered = state.catalogue.filter((info) => matches(info, words, section, resource));
  const frag = document.createDocumentFragment();
  state.filtered.forEach((info, n) => {
    const hasExample = EXAMPLES[info.eventType] !== undefined;
    frag.append(
      el("li", {
        role: "option",
        id: `ev-${info.eventType.replace(/[^a-z0-9_-]/gi, "-")}`,
        class: "event",
        "data-event": info.eventType,
        "data-index": n,
        "aria-selected": String(info.eventType === state.loaded),
        title: info.description || undefined,
      },
        el("span", { class: "event-type" }, breakable(info.eventType)),
        el("span", { class: "event-meta" },
          info.documented
            ? el("span", { class: "tag", text: info.category })
            : el("span", { class: "tag undocumented", text: "undocumented" }),
          hasExample ? null : el("span", { class: "tag noexample", text: "no example" }),
        ),
      ),
    );
  });
  ui.list.replaceChildren(frag);
  ui.count.textContent = `${plural(state.filtered.length, "event")} of ${state.catalogue.length}`;
  setActive(state.filtered.length ? 0 : -1, false);
}

function setActive(n, scroll = true) {
  const items = ui.list.children;
  if (state.active >= 0 && items[state.active]) items[state.active].classList.remove("active");
  state.active = n;
  if (n < 0 || !items[n]) {
    ui.list.removeAttribute("aria-activedescendant");
    return;
  }
  items[n].classList.add("active");
  ui.list.setAttribute("aria-activedescendant", items[n].id);
  if (scroll) items[n].scrollIntoView({ block: "nearest" });
}

function onListKey(event) {
  const last = state.filtered.length - 1;
  if (last < 0) return;
  const moves = { ArrowDown: state.active + 1, ArrowUp: state.active - 1, Home: 0, End: last, PageDown: state.active + 10, PageUp: state.active - 10 };
  if (event.key in moves) {
    event.preventDefault();
    setActive(Math.max(0, Math.min(last, moves[event.key])));
  } else if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    if (state.active >= 0) loadEvent(state.filtered[state.active]);
  }
}

function setupCatalogue() {
  state.catalogue = events();
  const resources = [...new Set(state.catalogue.map((e) => e.resource))].sort();
  for (const s of SECTIONS) ui.section.append(el("option", { value: s, text: s }));
  ui.section.append(el("option", { value: UNDOCUMENTED, text: "Undocumented" }));
  for (const r of resources) ui.resource.append(el("option", { value: r, text: r }));
  ui.search.addEventListener("input", renderList);
  ui.section.addEventListener("change", renderList);
  ui.resource.addEventListener("change", renderList);
  ui.search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && state.filtered.length) {
      e.preventDefault();
      ui.list.focus();
    } else if (e.key === "Enter" && state.filtered.length) {
      e.preventDefault();
      loadEvent(state.filtered[Math.max(0, state.active)]);
    }
  });
  ui.list.addEventListener("keydown", onListKey);
  ui.list.addEventListener("click", (e) => {
    const li = e.target.closest("li[data-event]");
    if (!li) return;
    setActive(Number(li.dataset.index));
    loadEvent(state.filtered[Number(li.dataset.index)]);
  });
  renderList();
}

// ------------------------------------------------------------------ wiring

function setupEditor() {
  ui.body.addEventListener("input", () => {
    setStatus("");
    onBodyInput();
  });
  ui.body.addEventListener("scroll", syncScroll);
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => {
      state.mode = radio.value;
      revalidate.now();
    });
  }
  $("format").addEventListener("click", () => {
    try {
      setBody(JSON.stringify(JSON.parse(ui.body.value), null, 2), "Formatted (key order kept; the bytes changed, so an existing signature no longer matches).");
    } catch {
      setStatus("Cannot format: the body is not valid JSON (see the issues).");
    }
  });
  $("clear").addEventListener("click", () => {
    setBody("", "Cleared.");
    ui.body.focus();
  });
  const fileInput = $("file-input");
  $("open-file").addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    if (fileInput.files[0]) readFile(fileInput.files[0]);
    fileInput.value = "";
  });
  // Dropping a file replaces the body; dropped text is inserted as usual.
  ui.editor.addEventListener("dragover", (e) => {
    if ([...e.dataTransfer.types].includes("Files")) {
      e.preventDefault();
      ui.editor.classList.add("dropping");
    }
  });
  ui.editor.addEventListener("dragleave", () => ui.editor.classList.remove("dropping"));
  ui.editor.addEventListener("drop", (e) => {
    ui.editor.classList.remove("dropping");
    const file = e.dataTransfer.files?.[0];
    if (file) {
      e.preventDefault();
      readFile(file);
    }
  });
}

async function readFile(file) {
  // Read as bytes and decoded as UTF-8, the way a receiver sees the body.
  const bytes = new Uint8Array(await file.arrayBuffer());
  setBody(new TextDecoder("utf-8").decode(bytes), `Loaded ${file.name} (${plural(bytes.length, "byte")}).`);
}

function setupSignature() {
  for (const input of [ui.sigPath, ui.sigQuery, ui.sigHeaders, ui.sigSecret]) input.addEventListener("input", checkSignatureSoon);
  ui.sigShow.addEventListener("change", () => {
    ui.sigSecret.type = ui.sigShow.checked ? "text" : "password";
  });
  ui.sigSign.addEventListener("click", signBody);
}

async function main() {
  try {
    await init();
  } catch (error) {
    const box = $("load-error");
    box.hidden = false;
    box.textContent = `Could not load the healthie-webhooks WebAssembly module (${error.message}). Build the package with \`make pkg\` and serve this page with \`make inspector\`.`;
    document.documentElement.dataset.ready = "error";
    return;
  }
  setupEditor();
  setupSignature();
  setupCatalogue();
  const first = classify("appointment.created");
  if (first) loadEvent(first);
  else setBody("", "");
  checkSignature();
  document.documentElement.dataset.ready = "true";
}

/** Resolves once the page is usable (true), or false when the wasm failed to load. */
export const ready = main().then(() => document.documentElement.dataset.ready === "true");

/**
 * Loads a whole delivery (used by the DevTools panel): the body into the
 * editor, and path, query and headers into the signature check. The secret is
 * left as it is.
 */
export function loadDelivery({ body, path = "", query = "", headers = [], note = "" }) {
  ui.sigPath.value = path;
  ui.sigQuery.value = query;
  ui.sigHeaders.value = headers.map(({ name, value }) => `${name}: ${value}`).join("\n");
  setBody(body, note);
  checkSignatureSoon.now();
}
