//! The invariants the fuzz targets check, shared with the regression harness
//! `tests/fuzz_regressions.rs` (which includes this file with `#[path]`), so
//! a saved crash input is checked exactly as the fuzzer checked it. A failed
//! `assert!` is a finding like a panic.
//!
//! The encoder checks need the crate's `__fuzz` feature (on in `fuzz/`; for
//! the harness, `cargo test --features __fuzz --test fuzz_regressions`).
#![allow(dead_code)]

use std::borrow::Cow;

use healthie_webhooks::json::{self, Value};
use healthie_webhooks::signature::{self, sign, verify, Headers, Request, Secret, SignatureError, VerificationCode};
use healthie_webhooks::{classify, too_large_report, validate, validate_str, Code, Mode, Options, Report, Severity};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

// ------------------------------------------------------------ parse_validate

/// Arbitrary bytes through the strict parser, `validate` (both modes, default
/// and small limits) and the JS-boundary encoder. The input is the body
/// itself, so the seed corpus is plain example bodies (`fuzz/seed.mjs`); the
/// small limits are derived from the body.
pub fn parse_validate(body: &[u8]) {
    let lenient = validate(body, &Options::new(Mode::Lenient));
    let strict = validate(body, &Options::new(Mode::Strict));
    check(body, &lenient, &Options::new(Mode::Lenient));
    check(body, &strict, &Options::new(Mode::Strict));
    same_findings(&lenient, &strict);
    // Lenient mode only ever errs on the envelope.
    assert_eq!(lenient.valid, lenient.event.is_some(), "lenient: valid iff the envelope is sound");
    assert!(!strict.valid || lenient.valid, "valid in strict but not in lenient");
    // Deterministic, and the &str entry point agrees.
    assert_eq!(validate(body, &Options::new(Mode::Strict)), strict);
    if let Ok(text) = std::str::from_utf8(body) {
        assert_eq!(validate_str(text, &Options::new(Mode::Strict)), strict);
    }
    if let Some(event) = &lenient.event {
        assert_eq!(classify(&event.event_type).map(|s| s.event_type), lenient.spec.map(|s| s.event_type));
    }

    // Small limits: depth 1..=4, size the body's length or one byte short.
    let seed = body.first().copied().unwrap_or(0) as usize;
    let small = Options {
        mode: if seed & 1 == 0 { Mode::Lenient } else { Mode::Strict },
        max_bytes: body.len().saturating_sub((seed >> 1) & 1),
        max_depth: 1 + (seed >> 2) % 4,
    };
    let report = validate(body, &small);
    check(body, &report, &small);
    if body.len() > small.max_bytes {
        assert_eq!(report, too_large_report(body.len(), &small), "the JS path for oversized bodies must agree");
    }

    parser_against_serde_json(body);
}

/// Invariants of one report.
fn check(body: &[u8], report: &Report<'_>, options: &Options) {
    assert_eq!(report.mode, options.mode);
    let has_error = report.issues.iter().any(|i| i.severity == Severity::Error);
    assert_eq!(report.valid, !has_error, "valid iff no error issue: {:?}", report.issues);
    assert!(report.issues.windows(2).all(|w| w[0].offset <= w[1].offset), "issues not sorted by offset: {:?}", report.issues);
    for issue in &report.issues {
        assert!(!issue.message.is_empty());
        if matches!(issue.code, Code::InvalidJson | Code::DuplicateKey) {
            let (Some(line), Some(column)) = (issue.line, issue.column) else {
                panic!("{:?} without a position", issue.code)
            };
            assert!(line >= 1 && column >= 1, "{issue:?}");
            assert!(issue.offset <= body.len(), "{issue:?}");
        }
        if issue.code == Code::UnexpectedField {
            assert_eq!(issue.severity, Severity::Warning);
        }
        if is_envelope(issue.code, &issue.path) {
            assert_eq!(issue.severity, Severity::Error, "envelope issues are always errors: {issue:?}");
        }
    }
    let envelope_error = report.issues.iter().any(|i| i.severity == Severity::Error && is_envelope(i.code, &i.path));
    assert_eq!(report.event.is_some(), !envelope_error, "an event exists iff no envelope error: {:?}", report.issues);
    assert!(report.spec.is_none() || report.event.is_some(), "a catalogue entry without an event");
    let too_large = report.issues.iter().any(|i| i.code == Code::BodyTooLarge);
    assert_eq!(too_large, body.len() > options.max_bytes);
    if too_large {
        assert_eq!(report.issues.len(), 1);
    }
    if let Some(event) = &report.event {
        assert!(!event.resource_id.is_empty() && !event.resource_id_type.is_empty());
        assert!(healthie_webhooks::well_formed_event_type(&event.event_type));
    }
    check_encoding(body, report);
}

/// The rules that judge the envelope (and drop the event when broken).
fn is_envelope(code: Code, path: &str) -> bool {
    match code {
        Code::InvalidJson | Code::BodyTooLarge | Code::NotAnObject | Code::DuplicateKey => true,
        Code::EmptyValue | Code::MalformedEventType => true,
        Code::MissingField => matches!(path, "/resource_id" | "/resource_id_type" | "/event_type"),
        Code::WrongType => {
            matches!(path, "/resource_id" | "/resource_id_type" | "/event_type" | "/changed_fields")
                || path.starts_with("/changed_fields/")
        }
        _ => false,
    }
}

/// Modes change severities, never what is found.
fn same_findings(a: &Report<'_>, b: &Report<'_>) {
    let key = |r: &Report<'_>| r.issues.iter().map(|i| (i.code, i.path.clone(), i.offset)).collect::<Vec<_>>();
    assert_eq!(key(a), key(b), "lenient and strict found different issues");
    assert_eq!(a.event, b.event);
    assert_eq!(a.spec.map(|s| s.event_type), b.spec.map(|s| s.event_type));
}

/// The JS-boundary encoder (`src/wasm/encode.rs`) on every report: it runs
/// on every call from JS, so a panic there would be a trap in production.
/// Only the header words are checked here; their layout is stable, while the
/// rest of the layout belongs to the encoder's own tests and to the package
/// tests, which decode it for real.
#[cfg(feature = "__fuzz")]
fn check_encoding(body: &[u8], report: &Report<'_>) {
    use healthie_webhooks::__fuzz_encode as encode;
    let mut enc = encode::Encoder::default();
    enc.encode(body, report);
    let w = &enc.words;
    let flags = w[0];
    assert_eq!(flags & encode::VALID != 0, report.valid);
    assert_eq!(flags & encode::HAS_EVENT != 0, report.event.is_some());
    assert_eq!(flags & encode::HAS_ISSUES != 0, !report.issues.is_empty());
    assert_eq!(flags & encode::ASCII != 0, body.is_ascii());
    match report.spec {
        None => assert_eq!(w[1], 0),
        Some(spec) => assert_eq!(healthie_webhooks::catalogue::all()[w[1] as usize - 1].event_type, spec.event_type),
    }
    // Encoding again into used buffers gives the same words.
    let words = enc.words.clone();
    enc.encode(body, report);
    assert_eq!(enc.words, words);
}

/// The strict parser against serde_json: whatever we accept, serde_json
/// accepts with the same meaning; whatever serde_json accepts, we accept
/// unless a key repeats or nesting is too deep.
fn parser_against_serde_json(body: &[u8]) {
    const DEPTH: usize = 64; // below serde_json's own recursion limit of 128
    let ours = json::parse(body, DEPTH);
    let theirs = serde_json::from_slice::<serde_json::Value>(body);
    match (&ours, &theirs) {
        (Ok(node), Ok(value)) => {
            if let Some(ours) = to_serde(&node.value) {
                assert_eq!(&ours, value, "the parsers read different values");
            }
        }
        (Ok(_), Err(e)) => {
            // serde_json without arbitrary_precision rejects numbers past f64
            // (1e400); the grammar allows them and we keep their text.
            assert!(e.to_string().contains("number out of range"), "we accepted what serde_json rejects: {e}");
        }
        (Err(e), Ok(_)) => {
            assert!(
                matches!(e.kind, json::ErrorKind::DuplicateKey { .. } | json::ErrorKind::TooDeep { .. }),
                "serde_json accepted what we reject: {e:?}"
            );
        }
        (Err(_), Err(_)) => {}
    }
    if let Ok(node) = &ours {
        // Compact re-serialization parses to the same compact text.
        let mut once = String::new();
        node.value.write_json(&mut once);
        let again = json::parse(once.as_bytes(), DEPTH).expect("re-serialized JSON parses");
        let mut twice = String::new();
        again.value.write_json(&mut twice);
        assert_eq!(once, twice);
    }
}

/// Our value as serde_json's, or `None` when it holds a number serde_json
/// cannot represent (so the comparison would say nothing).
fn to_serde(value: &Value<'_>) -> Option<serde_json::Value> {
    Some(match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        // serde_json reads the same text the same way; `None` past f64.
        Value::Number(n) => serde_json::from_str(n).ok()?,
        Value::String(s) => serde_json::Value::String(Cow::clone(s).into_owned()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(|n| to_serde(&n.value)).collect::<Option<_>>()?),
        Value::Object(members) => {
            let mut map = serde_json::Map::new();
            for m in members {
                map.insert(m.key.to_string(), to_serde(&m.value.value)?);
            }
            serde_json::Value::Object(map)
        }
    })
}

#[cfg(not(feature = "__fuzz"))]
fn check_encoding(_body: &[u8], _report: &Report<'_>) {}

// ---------------------------------------------------------- verify_signature

/// Arbitrary requests through `signature::verify`, with an independent HMAC
/// oracle (the `hmac`/`sha2` crates called directly) so a false accept is a
/// finding, not only a panic.
///
/// Input layout (what `fuzz/seed.mjs` writes): one flags byte, then up to
/// seven fields separated by 0xFF (a byte UTF-8 never uses):
/// `method, path, query, content-digest, signature, secret, body`. The body
/// is last and may itself hold 0xFF. Text fields are decoded lossily. Flags:
/// bit 0 drops the Content-Digest header, bit 1 the Signature header, bit 2
/// verifies against two secrets (rotation).
pub fn verify_signature(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else { return };
    let mut fields = rest.splitn(7, |&b| b == 0xff);
    let mut next = || fields.next().unwrap_or_default();
    let method = String::from_utf8_lossy(next()).into_owned();
    let path = String::from_utf8_lossy(next()).into_owned();
    let query = String::from_utf8_lossy(next()).into_owned();
    let digest_header = String::from_utf8_lossy(next()).into_owned();
    let signature_header = String::from_utf8_lossy(next()).into_owned();
    let secret_bytes = next().to_vec();
    let body = next().to_vec();

    let headers = Headers {
        content_digest: (flags & 1 == 0).then_some(digest_header.as_str()),
        signature: (flags & 2 == 0).then_some(signature_header.as_str()),
        ..Headers::default()
    };
    let request = Request { method: &method, path: &path, query: &query, headers, body: &body };

    // Fail closed on misuse.
    assert_eq!(verify(&request, &[]), Err(SignatureError::NoSecrets));
    let secret = match Secret::new(&secret_bytes) {
        Err(e) => {
            assert!(secret_bytes.is_empty(), "a non-empty secret was refused");
            assert_eq!(e, SignatureError::EmptySecret);
            return;
        }
        Ok(secret) => {
            assert!(!secret_bytes.is_empty(), "an empty secret was accepted");
            secret
        }
    };
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");

    let mut other_bytes = secret_bytes.clone();
    other_bytes.push(b'x');
    let other = Secret::new(&other_bytes).unwrap();
    let secrets: Vec<Secret> = if flags & 4 == 0 { vec![secret.clone()] } else { vec![other.clone(), secret.clone()] };
    let keys: Vec<&[u8]> = if flags & 4 == 0 { vec![&secret_bytes] } else { vec![&other_bytes, &secret_bytes] };

    let v = verify(&request, &secrets).expect("secrets were given");
    assert_eq!(v.is_valid(), v.message.is_empty(), "{v:?}");
    assert_eq!(
        v.signed_string.is_some(),
        matches!(v.code, VerificationCode::Valid | VerificationCode::DigestMismatch | VerificationCode::SignatureMismatch),
        "{v:?}"
    );
    assert_eq!(v.likely_cause.is_some(), matches!(v.code, VerificationCode::DigestMismatch | VerificationCode::SignatureMismatch));
    if v.is_valid() {
        // No false accept: the oracle agrees on the digest and on the HMAC.
        let signed = v.signed_string.as_deref().unwrap();
        let digest_b64 = signature::content_digest(&body);
        assert!(digest_header.contains(&digest_b64["sha-256=".len()..]), "valid with a digest that is not the body's");
        let header = signature_header.to_ascii_lowercase();
        assert!(keys.iter().any(|k| header.contains(&hmac_hex(k, signed))), "valid without a matching HMAC: {v:?}");
    }
    no_leak(&secret_bytes, &[&method, &path, &query, &digest_header, &signature_header], &body, &v);

    // What `sign` produces verifies, with each secret of a rotation.
    let signed = sign(&method, &path, &query, &body, &secret);
    let good = Headers { content_digest: Some(&signed.content_digest), signature: Some(&signed.signature), ..Headers::default() };
    let request = Request { headers: good, ..request };
    let v = verify(&request, &secrets).unwrap();
    assert!(v.is_valid(), "a signed request did not verify: {v:?}");
    assert_eq!(v.signed_string.as_deref(), Some(signature::signed_string(&method, &path, &query, &signed.content_digest[8..], body.len()).as_str()));
    assert_eq!(signed.signature, format!("sig1={}", hmac_hex(&secret_bytes, v.signed_string.as_deref().unwrap())));
    assert_eq!(signed.content_length, body.len().to_string());
    if !query.starts_with('?') {
        let with_mark = format!("?{query}");
        let v = verify(&Request { query: &with_mark, ..request }, &secrets).unwrap();
        assert!(v.is_valid(), "a leading '?' changed the verdict: {v:?}");
    }
    // ... and nothing else does.
    let v = verify(&request, &[other]).unwrap();
    assert_eq!(v.code, VerificationCode::SignatureMismatch, "{v:?}");
    if let Some((last, head)) = body.split_last() {
        let mut tampered = head.to_vec();
        tampered.push(last ^ 1);
        let v = verify(&Request { body: &tampered, ..request }, &secrets).unwrap();
        assert_eq!(v.code, VerificationCode::DigestMismatch, "{v:?}");
    }
}

fn hmac_hex(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The secret appears in no output, unless the caller put it in an input
/// (the signed string repeats the method, path and query). Only checked for
/// secrets with a control byte, which no fixed message text contains.
fn no_leak(secret: &[u8], inputs: &[&str], body: &[u8], v: &signature::Verification) {
    let Ok(secret) = std::str::from_utf8(secret) else { return };
    if secret.len() < 4 || !secret.bytes().any(|b| b < 0x20 && !b.is_ascii_whitespace()) {
        return;
    }
    if inputs.iter().any(|i| i.contains(secret)) || body.windows(secret.len()).any(|w| w == secret.as_bytes()) {
        return;
    }
    let debug = format!("{v:?}");
    for out in [v.message.as_str(), v.signed_string.as_deref().unwrap_or(""), v.likely_cause.unwrap_or(""), debug.as_str()] {
        assert!(!out.contains(secret), "the secret leaked into {out:?}");
    }
}
