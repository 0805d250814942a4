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
use super::fast::{self, Fast};
use crate::signature::{self, Headers, Request, Secret};
use crate::validate::{too_large_report, validate, Mode, Options};

#[derive(Default)]
struct State {
    input: Vec<u8>,
    encoder: Encoder,
    fast: Fast,
    /// Secret sets registered by `secret_slot`, keyed HMAC state included:
    /// slot `n` is `secrets[n - 1]`.
    secrets: Vec<Vec<Secret>>,
    /// The last string handed to JS, and its [pointer, byte length] (see
    /// `hand_over`).
    text: String,
    text_words: [u32; 2],
}

/// Strings go back to JS as a pointer to two words, [pointer, byte length],
/// that JS decodes from memory. A `String` return would cross as a
/// multi-value (pointer, length) result, whose JS-to-wasm wrapper V8 compiles
/// with the module, before the first call: with five such exports that was
/// about 0.8 ms of a 10 ms cold-start budget (issue 7), for functions most
/// processes never call.
fn hand_over(text: String) -> *const u32 {
    STATE.with_borrow_mut(|s| {
        s.text = text;
        // wasm32: pointers and lengths are 32-bit.
        s.text_words = [s.text.as_ptr() as u32, s.text.len() as u32];
        s.text_words.as_ptr()
    })
}

/// The strings JS wrote into the input buffer after the body, one after the
/// other, taken by byte length (`u32::MAX`: absent).
struct Following<'a> {
    rest: &'a [u8],
}

impl<'a> Following<'a> {
    fn next(&mut self, len: u32) -> Option<&'a str> {
        if len == u32::MAX {
            return None;
        }
        let (text, after) = self.rest.split_at_checked(len as usize).unwrap_or((self.rest, &[]));
        self.rest = after;
        // JS wrote these with TextEncoder, which always produces UTF-8.
        Some(std::str::from_utf8(text).unwrap_or_default())
    }
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Secret sets kept at once; JS forgets them all (`forget_secrets`) before
/// registering one more.
const SECRET_SLOTS: usize = 16;


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

fn options(strict: bool, max_bytes: usize, max_depth: usize) -> Options {
    Options { mode: if strict { Mode::Strict } else { Mode::Lenient }, max_bytes, max_depth }
}

/// Validates `body` (or, when `len > max_bytes`, reports a body of `len`
/// bytes as too large without reading it) and appends the report: through
/// the allocation-free pass when the body is a clean delivery (see `fast`).
fn append_report(fast: &mut Fast, encoder: &mut Encoder, body: &[u8], len: usize, base: usize, options: &Options) {
    if len > options.max_bytes {
        encoder.append(&[], base, &too_large_report(len, options));
    } else if !fast.append_clean(encoder, body, base, options.max_depth) {
        general_report(encoder, body, base, options);
    }
}

/// Not a clean delivery: the general parser and rules, which find and word
/// every issue. Kept out of line: the engine compiles wasm functions on first
/// call, so a process whose first deliveries are clean never compiles it.
#[inline(never)]
fn general_report(encoder: &mut Encoder, body: &[u8], base: usize, options: &Options) {
    encoder.append(body, base, &validate(body, options));
}

/// Validates the first `len` bytes of the input buffer (or reports a body of
/// `len` bytes as too large without reading it) and returns where the
/// report's words are.
#[wasm_bindgen]
pub fn validate_input(len: usize, strict: bool, max_bytes: usize, max_depth: usize) -> *const u32 {
    let options = options(strict, max_bytes, max_depth);
    STATE.with_borrow_mut(|s| {
        let State { input, encoder, fast, .. } = s;
        encoder.words.clear();
        encoder.scratch.clear();
        let body = if len > max_bytes { &[][..] } else { &input[..len] };
        append_report(fast, encoder, body, len, 0, &options);
        encoder.words.as_ptr()
    })
}

/// Validates every line of the first `len` bytes of the input buffer
/// (newline-delimited JSON; empty and whitespace-only lines are skipped) in
/// one call. Returns where the words are: the number of reports, the number
/// of newlines in the chunk (so JS can number the next chunk's lines), then
/// each report preceded by its line's 0-based index in the chunk, spans
/// relative to the buffer's start.
#[wasm_bindgen]
pub fn validate_batch(len: usize, strict: bool, max_bytes: usize, max_depth: usize) -> *const u32 {
    let options = options(strict, max_bytes, max_depth);
    STATE.with_borrow_mut(|s| {
        let State { input, encoder, fast, .. } = s;
        encoder.words.clear();
        encoder.scratch.clear();
        encoder.words.extend([0, 0]);
        let mut count = 0u32;
        let mut line_index = 0u32;
        let mut start = 0;
        let chunk = &input[..len];
        while start <= len {
            let rest = &chunk[start..];
            let line = &rest[..fast::line_length(rest)];
            if !line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
                encoder.words.push(line_index);
                append_report(fast, encoder, line, line.len(), start, &options);
                count += 1;
            }
            start += line.len() + 1;
            line_index += 1;
        }
        encoder.words[0] = count;
        // The loop counted one line past the last newline.
        encoder.words[1] = line_index - 1;
        encoder.words.as_ptr()
    })
}

/// Where strings that needed unescaping, and issue texts, were copied (see
/// `encode`).
#[wasm_bindgen]
pub fn scratch_ptr() -> *const u8 {
    STATE.with_borrow(|s| s.encoder.scratch.as_ptr())
}

/// The issue codes and the verification codes in index order (read once).
#[wasm_bindgen]
pub fn code_names() -> *const u32 {
    hand_over(encode::code_names())
}

/// Every event name, newline-separated, in catalogue order.
#[wasm_bindgen]
pub fn event_names() -> *const u32 {
    hand_over(encode::event_names())
}

/// Catalogue entry `index` as EventInfo JSON.
#[wasm_bindgen]
pub fn event_info(index: usize) -> *const u32 {
    hand_over(crate::catalogue::all().get(index).map(encode::event_info_json).unwrap_or_default())
}

/// Registers `count` secrets written at the start of the input buffer (each
/// a little-endian `u32` byte length, then its UTF-8) and returns their slot
/// (1-based), or 0 when one is empty or the bytes are malformed. Keying the
/// HMAC happens here, once per secret, not once per delivery.
#[wasm_bindgen]
pub fn secret_slot(len: usize, count: usize) -> u32 {
    STATE.with_borrow_mut(|s| {
        let mut bytes = &s.input[..len];
        let mut set = Vec::with_capacity(count);
        for _ in 0..count {
            let Some((head, rest)) = bytes.split_first_chunk::<4>() else { return 0 };
            let n = u32::from_le_bytes(*head) as usize;
            let Some((secret, rest)) = rest.split_at_checked(n) else { return 0 };
            match Secret::new(secret) {
                Ok(secret) => set.push(secret),
                Err(_) => return 0,
            }
            bytes = rest;
        }
        if set.is_empty() {
            return 0;
        }
        if s.secrets.len() >= SECRET_SLOTS {
            s.secrets.clear();
        }
        s.secrets.push(set);
        u32::try_from(s.secrets.len()).unwrap_or(0)
    })
}

/// Drops every registered secret set (JS does so before a seventeenth).
#[wasm_bindgen]
pub fn forget_secrets() {
    STATE.with_borrow_mut(|s| s.secrets.clear());
}

/// Verifies the delivery whose body is the first `len` bytes of the input
/// buffer against secret set `slot`. The request's strings follow the body:
/// method, path, query, Content-Digest, Signature, of the given byte lengths
/// (`u32::MAX`: header absent). With `and_validate` set, a valid delivery is also
/// validated (one crossing for the receiver's whole hot path). Returns where
/// the words are: a verification (with the body's SHA-256 when authentic: the
/// receiver's delivery key), then the report when there is one.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn verify_request(
    len: usize,
    method_len: u32,
    path_len: u32,
    query_len: u32,
    digest_len: u32,
    signature_len: u32,
    slot: u32,
    and_validate: bool,
    strict: bool,
    max_bytes: usize,
    max_depth: usize,
) -> *const u32 {
    STATE.with_borrow_mut(|s| {
        let State { input, encoder, fast, secrets, .. } = s;
        let (body, rest) = input.split_at(len);
        let mut strings = Following { rest };
        let (method, path, query) = (
            strings.next(method_len).unwrap_or_default(),
            strings.next(path_len).unwrap_or_default(),
            strings.next(query_len).unwrap_or_default(),
        );
        let headers = Headers { content_digest: strings.next(digest_len), signature: strings.next(signature_len), ..Headers::default() };
        let keys = secrets.get((slot as usize).wrapping_sub(1)).map_or(&[][..], Vec::as_slice);
        let request = Request { method, path, query, headers, body };
        // No secrets cannot happen: JS registers at least one per slot.
        let Ok((verification, body_digest)) = signature::verify_keeping_digest(&request, keys) else { return std::ptr::null() };
        encoder.verification(&verification, body_digest.as_ref());
        if and_validate && verification.is_valid() {
            append_report(fast, encoder, body, len, 0, &options(strict, max_bytes, max_depth));
        }
        encoder.words.as_ptr()
    })
}

/// Signs the first `len` bytes of the input buffer with the method, path,
/// query and secret written after them (byte lengths given); hands over the
/// headers as JSON (or `{"misuse": ...}`).
#[wasm_bindgen]
pub fn sign_input(len: usize, method_len: u32, path_len: u32, query_len: u32, secret_len: u32) -> *const u32 {
    let json = STATE.with_borrow(|s| {
        let (body, rest) = s.input.split_at(len);
        let mut strings = Following { rest };
        let (method, path, query, secret) = (
            strings.next(method_len).unwrap_or_default(),
            strings.next(path_len).unwrap_or_default(),
            strings.next(query_len).unwrap_or_default(),
            strings.next(secret_len).unwrap_or_default(),
        );
        let key = match Secret::new(secret) {
            Ok(key) => key,
            Err(e) => return misuse(&e.to_string()),
        };
        let h = signature::sign(method, path, query, body, &key);
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
    });
    hand_over(json)
}

/// SHA-256 of the first `len` bytes of the input buffer, as the 8 words of
/// `Encoder::digest`: the receiver's delivery key (synchronous in every
/// runtime, unlike WebCrypto), hex-encoded by JS as for a verification's.
#[wasm_bindgen]
pub fn digest_input(len: usize) -> *const u32 {
    use sha2::{Digest, Sha256};
    STATE.with_borrow_mut(|s| {
        let State { input, encoder, .. } = s;
        let hash: [u8; 32] = Sha256::digest(&input[..len]).into();
        encoder.words.clear();
        encoder.digest(&hash);
        encoder.words.as_ptr()
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
