// Pure text-position helpers of the inspector (examples-js/inspector/positions.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { indexJson, issueRange, lineColumnOf, offsetOf, parseHeaderLines } from "../../examples-js/inspector/positions.js";

const slice = (text, r) => text.slice(r.start, r.end);

test("JSON Pointers map to the member in the text, with escaped keys and non-ASCII", () => {
  const text = '{\n  "a/b": {"x~": [1, {"é😀": 2}]},\n  "k": "v"\n}';
  const index = indexJson(text);
  assert.equal(slice(text, issueRange(text, { path: "/a~1b/x~0/1/é😀" }, index)), '"é😀": 2');
  assert.equal(slice(text, issueRange(text, { path: "/a~1b/x~0/0" }, index)), "1");
  const k = issueRange(text, { path: "/k" }, index);
  assert.deepEqual([slice(text, k), k.line, k.column, k.exact], ['"k": "v"', 3, 3, true]);
});

test("an absent member is shown at its enclosing object; the whole body at its first character", () => {
  const text = '{"a": {"b": 1}}';
  const missing = issueRange(text, { path: "/a/c" });
  assert.deepEqual([slice(text, missing), missing.exact, missing.column], ["{", false, 7]);
  const root = issueRange(text, { path: "" });
  assert.deepEqual([slice(text, root), root.exact], ["{", false]);
  const notJson = issueRange("nope", { path: "/x" });
  assert.deepEqual([notJson.start, notJson.end], [0, 1]);
});

test("line/column issues: columns count code points; points at a line end stay empty", () => {
  const text = '{"a":"é😀", x}';
  const r = issueRange(text, { line: 1, column: 12, path: "" });
  assert.equal(slice(text, r), "x");
  assert.deepEqual(lineColumnOf(text, r.start), { line: 1, column: 12 });
  const end = issueRange('{"a":\n', { line: 2, column: 1, path: "" });
  assert.deepEqual([end.start, end.end], [6, 6]);
  const dup = issueRange('{"k":1,"k":2}', { line: 1, column: 8, path: "/k" });
  assert.equal(slice('{"k":1,"k":2}', dup), '"k"');
  assert.equal(offsetOf("ab\ncd", 9, 9), 5);
  assert.equal(offsetOf("ab\ncd", 1, 99), 2);
});

test("header lines: Name: value, any case; request line and pseudo-headers noted; junk ignored", () => {
  const parsed = parseHeaderLines("POST /hook?x=1 HTTP/1.1\r\ncontent-digest: sha-256=ab==\n:path: /p\nSignature:sig1=ff\n\nnot a header");
  assert.deepEqual(parsed.headers, { "content-digest": "sha-256=ab==", signature: "sig1=ff" });
  assert.deepEqual(parsed.requestLine, { method: "POST", target: "/hook?x=1" });
  assert.equal(parsed.pseudo.path, "/p");
  assert.deepEqual(parsed.ignored, [":path: /p", "not a header"]);
});
