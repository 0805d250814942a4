// The workerd side of benchmark (4), run through Miniflare by bench/run.mjs.
// workerd freezes its clocks during a request (Spectre mitigation), so the
// worker only loops; the timing is taken outside, around each request.
//   POST /load      the deliveries (JSON [{ body, headers }]) and the secret
//   GET  /ours?reps  verifyAndValidate (synchronous, in wasm)
//   GET  /baseline?reps  crypto.subtle (digest + HMAC verify, key imported once) + JSON.parse
//   GET  /noop?reps  the loop alone, for the request overhead
//   GET  /ours-verify, /ours-validate, /baseline-crypto  the parts, for the profile
import * as api from "../../pkg/workerd.mjs";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const PATH = "/webhooks/healthie";
let deliveries = [];
let secret = "";
let key = null;

function hexBytes(hex) {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function base64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

// The plain Workers receiver: WebCrypto for the digest and the HMAC (its
// verify compares in constant time), then JSON.parse.
async function baselineCrypto(d) {
  const digestHeader = d.headers["content-digest"];
  const eq = digestHeader.indexOf("=");
  const digest = digestHeader.slice(eq + 1);
  if (base64(new Uint8Array(await crypto.subtle.digest("SHA-256", d.body))) !== digest) return false;
  const signed = `post ${PATH}  ${digest} application/json ${d.body.length}`;
  return crypto.subtle.verify("HMAC", key, d.mac, utf8.encode(signed));
}

async function baseline(d) {
  if (!(await baselineCrypto(d))) return false;
  const event = JSON.parse(utf8Decoder.decode(d.body));
  return event !== null && typeof event === "object" && typeof event.event_type === "string";
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/load") {
      const loaded = await request.json();
      secret = loaded.secret;
      deliveries = loaded.deliveries.map((d) => ({ body: utf8.encode(d.body), headers: d.headers, mac: hexBytes(d.headers.signature.slice(5)) }));
      key = await crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      return new Response("loaded");
    }
    const reps = Number(url.searchParams.get("reps") ?? 1);
    let valid = 0;
    if (url.pathname === "/ours") {
      for (let r = 0; r < reps; r++) {
        for (const d of deliveries) {
          const { report } = api.verifyAndValidate({ method: "POST", path: PATH, query: "", headers: d.headers, body: d.body }, secret);
          if (report !== null && report.valid) valid++;
        }
      }
    } else if (url.pathname === "/ours-verify") {
      // The breakdown of /ours: verification alone, then validation alone.
      for (let r = 0; r < reps; r++) {
        for (const d of deliveries) if (api.verifySignature({ method: "POST", path: PATH, query: "", headers: d.headers, body: d.body }, secret).valid) valid++;
      }
    } else if (url.pathname === "/ours-validate") {
      for (let r = 0; r < reps; r++) for (const d of deliveries) if (api.validate(d.body).valid) valid++;
    } else if (url.pathname === "/baseline-crypto") {
      // The baseline without JSON.parse: what WebCrypto alone costs.
      for (let r = 0; r < reps; r++) for (const d of deliveries) if (await baselineCrypto(d)) valid++;
    } else if (url.pathname === "/baseline") {
      for (let r = 0; r < reps; r++) for (const d of deliveries) if (await baseline(d)) valid++;
    } else if (url.pathname === "/noop") {
      for (let r = 0; r < reps; r++) for (const d of deliveries) if (d.body.length > 0) valid++;
    } else {
      return new Response("not found", { status: 404 });
    }
    return Response.json({ valid, events: reps * deliveries.length });
  },
};
