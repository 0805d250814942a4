// Where an issue is in the text: pure functions, no DOM (tested in Node too).
//
// Issues carry a JSON Pointer (`path`) and, for syntax errors and duplicate
// keys, a 1-based line and column counted in characters (code points). The
// editor needs string offsets (UTF-16), so both are mapped here.

/** Escapes one key as a JSON Pointer segment (RFC 6901). */
export function pointerSegment(key) {
  return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Offsets of every value in a JSON text: Map pointer -> { key: [start, end] | null, value: [start, end] }.
 * `key` is the member's key token (objects only). The first of duplicate keys
 * wins. Returns an empty Map when the text is not valid JSON.
 */
export function indexJson(text) {
  const map = new Map();
  let i = 0;
  const fail = () => {
    throw new SyntaxError("not JSON");
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) i++;
      else break;
    }
  };
  const string = () => {
    if (text[i] !== '"') fail();
    const start = i++;
    while (i < text.length) {
      const c = text[i];
      if (c === "\\") i += 2;
      else if (c === '"') return [start, ++i];
      else i++;
    }
    return fail();
  };
  const value = (pointer, keyRange, depth) => {
    if (depth > 512) fail();
    ws();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") i++;
      else {
        for (;;) {
          ws();
          const k = string();
          const key = JSON.parse(text.slice(k[0], k[1]));
          ws();
          if (text[i] !== ":") fail();
          i++;
          value(`${pointer}/${pointerSegment(key)}`, k, depth + 1);
          ws();
          if (text[i] === ",") i++;
          else if (text[i] === "}") {
            i++;
            break;
          } else fail();
        }
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") i++;
      else {
        for (let n = 0; ; n++) {
          value(`${pointer}/${n}`, null, depth + 1);
          ws();
          if (text[i] === ",") i++;
          else if (text[i] === "]") {
            i++;
            break;
          } else fail();
        }
      }
    } else if (c === '"') string();
    else {
      while (i < text.length && /[-+.0-9a-zA-Z]/.test(text[i])) i++;
      if (i === start) fail();
    }
    if (!map.has(pointer)) map.set(pointer, { key: keyRange, value: [start, i] });
  };
  try {
    value("", null, 0);
  } catch {
    return new Map();
  }
  return map;
}

/** String offset of a 1-based line and column (column in code points), clamped to the line. */
export function offsetOf(text, line, column) {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  let lineEnd = text.indexOf("\n", at);
  if (lineEnd < 0) lineEnd = text.length;
  for (let c = 1; c < column && at < lineEnd; c++) {
    const code = text.codePointAt(at);
    at += code > 0xffff ? 2 : 1;
  }
  return Math.min(at, lineEnd);
}

/** 1-based line and column (in code points) of a string offset. */
export function lineColumnOf(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf("\n"); nl >= 0 && nl < offset; nl = text.indexOf("\n", nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  let column = 1;
  for (let at = lineStart; at < offset; column++) at += text.codePointAt(at) > 0xffff ? 2 : 1;
  return { line, column };
}

/**
 * Where to highlight an issue: { start, end, line, column, exact }.
 * - line/column issues: the token there (a key string for duplicate_key), or
 *   an empty range at the spot (end of line, end of text).
 * - pointer issues: the member (`"key": value`) or element; when the pointer
 *   names something absent (a missing field), the nearest enclosing value's
 *   first character, with exact = false.
 * `index` is indexJson(text), passed in so several issues share one scan.
 */
export function issueRange(text, issue, index = indexJson(text)) {
  let start;
  let end;
  let exact = true;
  if (Number.isInteger(issue.line) && Number.isInteger(issue.column)) {
    start = offsetOf(text, issue.line, issue.column);
    end = start;
    if (text[start] === '"') {
      // A string token (duplicate keys point at the key).
      end = start + 1;
      while (end < text.length && text[end] !== '"' && text[end] !== "\n") end += text[end] === "\\" ? 2 : 1;
      end = Math.min(end + 1, text.length);
    } else if (start < text.length && text[start] !== "\n" && text[start] !== "\r") {
      end = start + (text.codePointAt(start) > 0xffff ? 2 : 1);
    }
  } else {
    let pointer = typeof issue.path === "string" ? issue.path : "";
    let found = index.get(pointer);
    while (found === undefined && pointer !== "") {
      pointer = pointer.slice(0, pointer.lastIndexOf("/"));
      found = index.get(pointer);
      exact = false;
    }
    if (found === undefined) {
      // Not JSON at all (or empty): the first character.
      exact = false;
      start = 0;
      end = Math.min(1, text.length);
    } else if (exact) {
      start = found.key ? found.key[0] : found.value[0];
      end = found.value[1];
      if (pointer === "" && end - start > 1) {
        // The whole body: mark its first character only, not every line.
        end = start + 1;
        exact = false;
      }
    } else {
      start = found.value[0];
      end = start + 1;
    }
  }
  return { start, end, exact, ...lineColumnOf(text, start) };
}

/**
 * Reads pasted request headers: one `Name: value` per line. Lines without a
 * colon, and HTTP/2 pseudo-headers (`:path: ...`) are returned in `ignored`.
 * A request line (`POST /path?query HTTP/1.1`) is returned as `requestLine`.
 */
export function parseHeaderLines(text) {
  const headers = {};
  const names = [];
  const ignored = [];
  let requestLine = null;
  const pseudo = {};
  for (const raw of String(text).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    const request = /^([A-Z]+)\s+(\S+)\s+HTTP\/[\d.]+$/.exec(line);
    if (request) {
      requestLine = { method: request[1], target: request[2] };
      continue;
    }
    const pseudoMatch = /^:([a-z]+):\s*(.*)$/.exec(line);
    if (pseudoMatch) {
      pseudo[pseudoMatch[1]] = pseudoMatch[2];
      ignored.push(line);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      ignored.push(line);
      continue;
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const key = name.toLowerCase();
    if (!(key in headers)) names.push(name);
    headers[key] = value;
  }
  return { headers, names, ignored, requestLine, pseudo };
}
