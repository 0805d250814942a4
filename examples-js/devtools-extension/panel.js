// The DevTools panel: the inspector page plus a list of the inspected page's
// JSON POST requests, read from DevTools' network log (HAR). Choosing one
// loads its body, path, query and headers into the inspector. Nothing is sent
// anywhere: the extension has no permissions, no background script and no
// network access of its own.
import { loadDelivery, ready } from "./inspector.js";
import { validate } from "./pkg/browser.mjs";

const network = globalThis.chrome?.devtools?.network;
const MAX = 200; // the newest requests kept in the list

const captured = [];
const seen = new Set();
let active = -1;

const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

// ------------------------------------------------------------------ the section

const section = el("section", "captured");
section.setAttribute("aria-labelledby", "captured-h");
const head = el("div", "captured-head");
const title = el("h2", "", "JSON POST requests of the inspected page");
title.id = "captured-h";
const count = el("p", "count");
count.id = "captured-count";
count.setAttribute("aria-live", "polite");
const clear = el("button", "", "Clear list");
clear.type = "button";
clear.id = "captured-clear";
head.append(title, count, clear);
const help = el(
  "p",
  "hint",
  "From DevTools' network log. Choosing one (click, or arrow keys and Enter) loads its body, path, query and headers into the inspector; " +
    "enter the secret to check its signature. The body is the text DevTools recorded, so a body that is not UTF-8 may differ from the bytes sent.",
);
help.id = "captured-help";
const list = el("ul", "captured-list");
list.id = "captured-list";
list.setAttribute("role", "listbox");
list.tabIndex = 0;
list.setAttribute("aria-labelledby", "captured-h");
list.setAttribute("aria-describedby", "captured-help");
section.append(head, help, list);
document.querySelector("main.layout").before(section);

// ------------------------------------------------------------------ HAR entries

function header(headers, name) {
  return headers?.find((h) => h.name.toLowerCase() === name)?.value ?? "";
}

/** A HAR entry as a delivery, or null when it is not a POST with a JSON body. */
export function deliveryFromHar(entry) {
  const request = entry?.request;
  if (!request || request.method !== "POST") return null;
  const body = request.postData?.text;
  if (typeof body !== "string") return null;
  const type = (request.postData.mimeType || header(request.headers, "content-type")).toLowerCase();
  if (!type.includes("json") && !/^\s*[{[]/.test(body)) return null;
  let url;
  try {
    url = new URL(request.url);
  } catch {
    return null;
  }
  return {
    url: request.url,
    path: url.pathname,
    query: url.search.replace(/^\?/, ""),
    // HTTP/2 pseudo-headers (":path") are not request headers.
    headers: (request.headers ?? []).filter((h) => !h.name.startsWith(":")),
    body,
    status: entry.response?.status ?? 0,
    time: entry.startedDateTime ?? "",
  };
}

function add(entry) {
  const delivery = deliveryFromHar(entry);
  if (!delivery) return;
  const key = `${delivery.time} ${delivery.url} ${delivery.body.length}`;
  if (seen.has(key)) return;
  seen.add(key);
  captured.push(delivery);
  if (captured.length > MAX) captured.shift();
  render();
}

function mode() {
  return document.querySelector('input[name="mode"]:checked')?.value ?? "strict";
}

function render() {
  const frag = document.createDocumentFragment();
  captured.forEach((d, n) => {
    const li = el("li");
    li.setAttribute("role", "option");
    li.id = `captured-${n}`;
    li.dataset.index = String(n);
    li.setAttribute("aria-selected", String(d === captured.loaded));
    const report = validate(d.body, { mode: mode() });
    const time = d.time ? new Date(d.time) : null;
    li.append(
      el("span", "req-time", time && !Number.isNaN(time.valueOf()) ? time.toLocaleTimeString([], { hour12: false }) : ""),
      el("span", "req-status", d.status ? String(d.status) : ""),
      el("span", "req-path", d.path + (d.query ? `?${d.query}` : "")),
      el("span", "req-event", report.event?.event_type ?? report.info?.eventType ?? "(no event_type)"),
      el("span", `req-verdict ${report.valid ? "valid" : "invalid"}`, report.valid ? "valid" : "invalid"),
    );
    frag.append(li);
  });
  list.replaceChildren(frag);
  count.textContent = `${captured.length} captured`;
  setActive(Math.min(Math.max(active, 0), captured.length - 1), false);
}

function setActive(n, scroll = true) {
  active = n;
  for (const li of list.children) li.classList.toggle("active", Number(li.dataset.index) === n);
  const item = list.children[n];
  if (item) {
    list.setAttribute("aria-activedescendant", item.id);
    if (scroll) item.scrollIntoView({ block: "nearest" });
  } else list.removeAttribute("aria-activedescendant");
}

function choose(n) {
  const d = captured[n];
  if (!d) return;
  captured.loaded = d;
  setActive(n);
  loadDelivery({ body: d.body, path: d.path, query: d.query, headers: d.headers, note: `Loaded the POST to ${d.url}.` });
  for (const li of list.children) li.setAttribute("aria-selected", String(Number(li.dataset.index) === n));
}

list.addEventListener("click", (e) => {
  const li = e.target.closest("li[data-index]");
  if (li) choose(Number(li.dataset.index));
});
list.addEventListener("keydown", (e) => {
  const last = captured.length - 1;
  const moves = { ArrowDown: active + 1, ArrowUp: active - 1, Home: 0, End: last };
  if (e.key in moves && last >= 0) {
    e.preventDefault();
    setActive(Math.max(0, Math.min(last, moves[e.key])));
  } else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    choose(active);
  }
});
clear.addEventListener("click", () => {
  captured.length = 0;
  captured.loaded = undefined;
  seen.clear();
  active = -1;
  render();
});
for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener("change", render);

// ------------------------------------------------------------------ wiring

if (await ready) {
  render();
  if (network) {
    // What the page sent before the panel opened, then everything after.
    network.getHAR((har) => {
      for (const entry of har?.entries ?? []) add(entry);
    });
    network.onRequestFinished.addListener(add);
  } else {
    count.textContent = "Not running inside DevTools: no network log to read.";
  }
  document.documentElement.dataset.panel = "ready";
}
