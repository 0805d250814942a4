//! `#[wasm_bindgen]` exports, used only by `pkg-template/core.js` (users never
//! call them directly; names start with `__` or are plain snake_case).
//!
//! The body travels through one input buffer that lives as long as the
//! instance: JS writes bytes (or encodes a string) straight into it and then
//! passes only its length, so a call allocates nothing on either side of the
//! boundary for typical bodies.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::encode::{self, Encoder};
use crate::signature::{self, Headers, Request, Secret};
use crate::validate::{too_large_report, validate, Issue, Mode, Options};

#[derive(Default)]
struct State {
    input: Vec<u8>,
    encoder: Encoder,
    issues: Vec<Issue>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// The instance's memory, so JS can write bodies and read reports in place
/// (fetched again after a re-instantiation).
#[wasm_bindgen]
pub fn instance_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes room for `capacity` body bytes and returns where JS writes them.
#[wasm_bindgen]
pub fn input_buffer(capacity: usize) -> *mut u8 {
    STATE.with_borrow_mut(|s| {
        if s.input.len() < capacity {
            s.input.resize(capacity, 0);
        }
        s.input.as_mut_ptr()
    })
}

/// Validates the first `len` bytes of the input buffer (or reports a body of
/// `len` bytes as too large without reading it) and returns where the
/// report's words are.
#[wasm_bindgen]
pub fn validate_input(len: usize, strict: bool, max_bytes: usize, max_depth: usize) -> *const u32 {
    let mode = if strict { Mode::Strict } else { Mode::Lenient };
    let options = Options { mode, max_bytes, max_depth };
    STATE.with_borrow_mut(|s| {
        let State { input, encoder, issues } = s;
        if len > max_bytes {
            let report = too_large_report(len, &options);
            encoder.encode(&[], &report);
            *issues = report.issues;
        } else {
            let body = &input[..len];
            let report = validate(body, &options);
            encoder.encode(body, &report);
            *issues = report.issues;
        }
        encoder.words.as_ptr()
    })
}

/// Where strings that needed unescaping were copied (see `encode`).
#[wasm_bindgen]
pub fn scratch_ptr() -> *const u8 {
    STATE.with_borrow(|s| s.encoder.scratch.as_ptr())
}

/// The last report's issues as JSON.
#[wasm_bindgen]
pub fn issues_json() -> String {
    STATE.with_borrow(|s| encode::issues_json(&s.issues))
}

/// Every event name, newline-separated, in catalogue order.
#[wasm_bindgen]
pub fn event_names() -> String {
    encode::event_names()
}

/// Catalogue entry `index` as EventInfo JSON.
#[wasm_bindgen]
pub fn event_info(index: usize) -> String {
    crate::catalogue::all().get(index).map(encode::event_info_json).unwrap_or_default()
}

/// Verifies the signature of the first `len` bytes of the input buffer.
/// Returns JSON `{valid, code, message, signedString?, likelyCause?}`, or
/// `{"misuse": "..."}` when no usable secret was given (JS throws).
#[wasm_bindgen]
pub fn verify_input(
    len: usize,
    method: &str,
    path: &str,
    query: &str,
    content_digest: Option<String>,
    signature_header: Option<String>,
    secrets: Vec<String>,
) -> String {
    let keys: Result<Vec<Secret>, _> = secrets.iter().map(Secret::new).collect();
    let keys = match keys {
        Ok(keys) => keys,
        Err(e) => return misuse(&e.to_string()),
    };
    STATE.with_borrow(|s| {
        let headers = Headers {
            content_digest: content_digest.as_deref(),
            signature: signature_header.as_deref(),
            ..Headers::default()
        };
        let request = Request { method, path, query, headers, body: &s.input[..len] };
        match signature::verify(&request, &keys) {
            Err(e) => misuse(&e.to_string()),
            Ok(v) => {
                let mut o = String::from(if v.is_valid() { "{\"valid\":true" } else { "{\"valid\":false" });
                o.push_str(",\"code\":");
                encode::json_string(&mut o, v.code.as_str());
                o.push_str(",\"message\":");
                encode::json_string(&mut o, &v.message);
                if let Some(signed) = &v.signed_string {
                    o.push_str(",\"signedString\":");
                    encode::json_string(&mut o, signed);
                }
                if let Some(cause) = v.likely_cause {
                    o.push_str(",\"likelyCause\":");
                    encode::json_string(&mut o, cause);
                }
                o.push('}');
                o
            }
        }
    })
}

/// Signs the first `len` bytes of the input buffer; returns the headers as
/// JSON (or `{"misuse": ...}`).
#[wasm_bindgen]
pub fn sign_input(len: usize, method: &str, path: &str, query: &str, secret: &str) -> String {
    let key = match Secret::new(secret) {
        Ok(key) => key,
        Err(e) => return misuse(&e.to_string()),
    };
    STATE.with_borrow(|s| {
        let h = signature::sign(method, path, query, &s.input[..len], &key);
        let mut o = String::from("{");
        for (i, (name, value)) in [
            ("Content-Type", &h.content_type),
            ("Content-Digest", &h.content_digest),
            ("Content-Length", &h.content_length),
            ("Signature-Input", &h.signature_input),
            ("Signature", &h.signature),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                o.push(',');
            }
            encode::json_string(&mut o, name);
            o.push(':');
            encode::json_string(&mut o, value);
        }
        o.push('}');
        o
    })
}

/// Lower-case hex SHA-256 of the first `len` bytes of the input buffer: the
/// receiver's delivery key (synchronous in every runtime, unlike WebCrypto).
#[wasm_bindgen]
pub fn digest_input(len: usize) -> String {
    use sha2::{Digest, Sha256};
    const HEX: &[u8; 16] = b"0123456789abcdef";
    STATE.with_borrow(|s| {
        let hash = Sha256::digest(&s.input[..len]);
        let mut out = String::with_capacity(64);
        for byte in hash {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
        out
    })
}

fn misuse(message: &str) -> String {
    let mut o = String::from("{\"misuse\":");
    encode::json_string(&mut o, message);
    o.push('}');
    o
}

/// Test-only hook: traps the instance, so JS tests can prove that the next
/// call still works (the JS layer re-instantiates after a trap).
#[wasm_bindgen]
pub fn __test_trap() {
    core::arch::wasm32::unreachable()
}
