//! Verify (and, for tests and local tooling, produce) Healthie's webhook
//! signatures.
//!
//! Healthie signs a delivery with HMAC-SHA256 over six parts joined by single
//! spaces:
//!
//! ```text
//! <method, lower case> <path> <query> <digest> application/json <body length in bytes>
//! ```
//!
//! where `<digest>` is the base64 value of the `Content-Digest` header after
//! `sha-256=`. The HMAC covers that *header*, not the body, so [`verify`] also
//! recomputes SHA-256 over the raw body bytes and compares it with the header:
//! otherwise a body swapped for another of the same length would pass.
//!
//! The signed string carries no timestamp or nonce and Healthie retries a
//! failed delivery for about three days, so replay protection and
//! de-duplication remain the receiver's job.
//!
//! ```
//! use healthie_webhooks::signature::{sign, verify, Headers, Request, Secret};
//!
//! let secret = Secret::new("whsec_example").unwrap();
//! let body = br#"{"resource_id":"1","event_type":"patient.created"}"#;
//! let signed = sign("POST", "/webhooks/healthie", "", body, &secret);
//!
//! let request = Request {
//!     method: "POST",
//!     path: "/webhooks/healthie",
//!     query: "",
//!     headers: Headers::from_pairs([
//!         ("content-digest", signed.content_digest.as_str()),
//!         ("signature", signed.signature.as_str()),
//!     ]),
//!     body,
//! };
//! let result = verify(&request, &[secret]).unwrap();
//! assert!(result.is_valid(), "{}", result.message);
//! ```

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Healthie always signs the literal content type, whatever header arrived.
const CONTENT_TYPE: &str = "application/json";

/// The components Healthie lists; emitted by [`sign`] so that signed test
/// requests look like real deliveries.
const SIGNATURE_INPUT: &str =
    "sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\" \"content-type\" \"content-length\")";

/// A webhook secret.
///
/// Kept opaque so it cannot leak through `Debug`, results or errors, and so an
/// empty secret (which would make every HMAC forgeable by anyone) cannot be
/// constructed at all.
#[derive(Clone)]
pub struct Secret {
    /// HMAC-SHA256 keyed with the secret, before any message: cloning it
    /// skips hashing the padded key (two of the five SHA-256 blocks of a
    /// typical verification) for every delivery.
    keyed: HmacSha256,
    /// Whether the secret starts or ends with whitespace (for diagnostics).
    padded: bool,
}

impl Secret {
    /// Wraps the secret's bytes (for a string, its UTF-8 bytes), exactly as
    /// given: surrounding whitespace is kept because Healthie keys the HMAC
    /// with the secret verbatim, but [`verify`] mentions it when a signature
    /// does not match.
    ///
    /// # Errors
    ///
    /// [`SignatureError::EmptySecret`] when the secret has no bytes.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Secret, SignatureError> {
        let key = secret.as_ref();
        let (Some(first), Some(last)) = (key.first(), key.last()) else {
            return Err(SignatureError::EmptySecret);
        };
        // HMAC accepts keys of any length, so this never fails; no `unwrap`
        // keeps panic formatting out of the wasm build.
        let keyed = HmacSha256::new_from_slice(key).map_err(|_| SignatureError::EmptySecret)?;
        Ok(Secret { keyed, padded: first.is_ascii_whitespace() || last.is_ascii_whitespace() })
    }

    fn has_surrounding_whitespace(&self) -> bool {
        self.padded
    }

    fn mac(&self) -> Option<HmacSha256> {
        Some(self.keyed.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Misuse of the API, as opposed to a bad request: reported as an `Err` so it
/// can never be mistaken for a verification outcome, let alone a valid one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// A secret with no bytes was given.
    EmptySecret,
    /// No secret was given to verify against.
    NoSecrets,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::EmptySecret => "webhook secret is empty",
            SignatureError::NoSecrets => "no webhook secret given to verify against",
        })
    }
}

impl std::error::Error for SignatureError {}

/// The request headers that take part in verification.
///
/// `None` means the header is absent. Only `content_digest` and `signature`
/// are required; `signature_input` and `content_type` are carried for callers
/// and diagnostics but do not change the signed string (Healthie always signs
/// the literal `application/json` and the components listed in the module
/// docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    /// `Content-Digest`, e.g. `sha-256=<base64>`.
    pub content_digest: Option<&'a str>,
    /// `Signature`, e.g. `sig1=<hex>`.
    pub signature: Option<&'a str>,
    /// `Signature-Input`.
    pub signature_input: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
}

impl<'a> Headers<'a> {
    /// Picks the relevant headers out of `(name, value)` pairs, matching names
    /// case-insensitively because frameworks variously keep, lower-case or
    /// capitalize them. When a name repeats, the first occurrence wins.
    pub fn from_pairs<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Self {
        let mut headers = Headers::default();
        for (name, value) in pairs {
            let slot = if name.eq_ignore_ascii_case("content-digest") {
                &mut headers.content_digest
            } else if name.eq_ignore_ascii_case("signature") {
                &mut headers.signature
            } else if name.eq_ignore_ascii_case("signature-input") {
                &mut headers.signature_input
            } else if name.eq_ignore_ascii_case("content-type") {
                &mut headers.content_type
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        headers
    }
}

/// A delivery as it reached the receiver.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// HTTP method, any case (Healthie signs it lower-cased).
    pub method: &'a str,
    /// URL path *as Healthie posted to it*. Behind a reverse proxy, a
    /// framework base path or a router mount prefix this can differ from the
    /// path the application sees; pass the external one.
    pub path: &'a str,
    /// Query string, with or without its leading `?`; empty when there is none.
    pub query: &'a str,
    /// The relevant headers.
    pub headers: Headers<'a>,
    /// The raw body bytes exactly as received: not re-serialized JSON, whose
    /// bytes (and length) generally differ.
    pub body: &'a [u8],
}

/// What verification concluded, naming the first thing found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerificationCode {
    /// Digest and signature both match.
    Valid,
    /// `Content-Digest` or `Signature` is absent (or empty).
    MissingHeader,
    /// A header is present but cannot be parsed.
    MalformedHeader,
    /// The body's SHA-256 differs from `Content-Digest`.
    DigestMismatch,
    /// The signature matches none of the secrets.
    SignatureMismatch,
}

impl VerificationCode {
    /// Every code, for docs, bindings and exhaustive tests.
    pub const ALL: [VerificationCode; 5] = [
        VerificationCode::Valid,
        VerificationCode::MissingHeader,
        VerificationCode::MalformedHeader,
        VerificationCode::DigestMismatch,
        VerificationCode::SignatureMismatch,
    ];

    /// Stable snake-case name, as used by the JavaScript binding.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationCode::Valid => "valid",
            VerificationCode::MissingHeader => "missing_header",
            VerificationCode::MalformedHeader => "malformed_header",
            VerificationCode::DigestMismatch => "digest_mismatch",
            VerificationCode::SignatureMismatch => "signature_mismatch",
        }
    }
}

/// The outcome of [`verify`]. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The verdict.
    pub code: VerificationCode,
    /// Empty when valid; otherwise a sentence for people naming the header or
    /// the comparison that failed (and, for mismatches, the body length in
    /// bytes that was used).
    pub message: String,
    /// The string whose HMAC was compared, once verification got that far;
    /// lets a person compare it with what Healthie signed.
    pub signed_string: Option<String>,
    /// For mismatches, the most likely cause and what to do about it.
    pub likely_cause: Option<&'static str>,
}

impl Verification {
    /// Whether the delivery is authentic.
    pub fn is_valid(&self) -> bool {
        self.code == VerificationCode::Valid
    }

    fn fail(code: VerificationCode, message: &str) -> Verification {
        Verification {
            code,
            message: String::from(message),
            signed_string: None,
            likely_cause: None,
        }
    }
}

const DIGEST_CAUSE: &str =
    "the body was changed or re-serialized after it arrived (e.g. a JSON body \
     parser ran first); pass the raw body bytes exactly as received";
const EMPTY_BODY_CAUSE: &str =
    "the body is empty: it was probably consumed by a body parser before \
     verification; pass the raw body bytes exactly as received";
const SIGNATURE_CAUSE: &str =
    "the secret is wrong (another webhook or environment), or the path or \
     query differs from what Healthie signed (a reverse proxy, framework base path or router mount \
     prefix changes the path the app sees)";
const WHITESPACE_CAUSE: &str =
    "a secret has leading or trailing whitespace (e.g. a newline from an \
     environment file); otherwise the secret, path or query differs from what Healthie signed";
const QUERY_IN_PATH_CAUSE: &str =
    "the path contains '?': pass the query string separately, not as part of the path";
const NOT_A_PATH_CAUSE: &str =
    "the path does not start with '/': pass only the URL path, not the full URL";

/// Verifies a delivery against one or more secrets; several secrets allow
/// rotation, and the delivery is valid if any of them matches.
///
/// A leading `?` on `request.query` is ignored. The content length is the
/// byte length of `request.body`, never a header, so a body that was
/// re-serialized cannot pass by accident.
///
/// # Errors
///
/// [`SignatureError::NoSecrets`] when `secrets` is empty: failing closed on
/// misuse rather than answering "not valid" keeps a misconfiguration from
/// hiding behind ordinary rejections.
pub fn verify(request: &Request<'_>, secrets: &[Secret]) -> Result<Verification, SignatureError> {
    verify_keeping_digest(request, secrets).map(|(verification, _)| verification)
}

/// [`verify`], also handing back the body's SHA-256 when the delivery is
/// authentic: the receiver's delivery key, which then costs no second hash.
pub(crate) fn verify_keeping_digest(request: &Request<'_>, secrets: &[Secret]) -> Result<(Verification, Option<[u8; 32]>), SignatureError> {
    if secrets.is_empty() {
        return Err(SignatureError::NoSecrets);
    }
    use VerificationCode::*;

    let digest_header = non_empty(request.headers.content_digest);
    let signature_header = non_empty(request.headers.signature);
    let (Some(digest_header), Some(signature_header)) = (digest_header, signature_header) else {
        let message = if digest_header.is_none() {
            "Content-Digest header is missing"
        } else {
            "Signature header is missing"
        };
        return Ok((Verification::fail(MissingHeader, message), None));
    };

    let digest = match parse_content_digest(digest_header) {
        Ok(digest) => digest,
        Err(message) => return Ok((Verification::fail(MalformedHeader, message), None)),
    };
    let expected_mac = match parse_signature(signature_header) {
        Ok(mac) => mac,
        Err(message) => return Ok((Verification::fail(MalformedHeader, message), None)),
    };

    let body_len = request.body.len();
    let signed = signed_string(
        request.method,
        request.path,
        request.query,
        digest.base64,
        body_len,
    );

    // Not constant-time on purpose: the digest is public (it travels in the
    // header), only the HMAC guards a secret.
    let actual: [u8; 32] = Sha256::digest(request.body).into();
    if actual != digest.bytes {
        let mut message = String::from("Content-Digest does not match the SHA-256 of the body");
        push_length_note(&mut message, body_len);
        let likely_cause = if request.body.is_empty() {
            EMPTY_BODY_CAUSE
        } else {
            DIGEST_CAUSE
        };
        return Ok((
            Verification {
                code: DigestMismatch,
                message,
                signed_string: Some(signed),
                likely_cause: Some(likely_cause),
            },
            None,
        ));
    }

    // Healthie's docs do not say what it would sign if it sent the RFC 9530
    // `sha-256=:…:` form; both readings come from the same authenticated
    // header, so trying the literal value as well costs no security.
    let literal = digest.colons.then(|| {
        let mut quoted = String::with_capacity(digest.base64.len() + 2);
        quoted.push(':');
        quoted.push_str(digest.base64);
        quoted.push(':');
        signed_string(
            request.method,
            request.path,
            request.query,
            &quoted,
            body_len,
        )
    });
    let matches = |candidate: &str| secrets.iter().any(|secret| mac_matches(secret, candidate, &expected_mac));
    let valid = |candidate: String| Verification {
        code: Valid,
        message: String::new(),
        signed_string: Some(candidate),
        likely_cause: None,
    };
    if matches(&signed) {
        return Ok((valid(signed), Some(actual)));
    }
    if let Some(candidate) = literal.filter(|candidate| matches(candidate)) {
        return Ok((valid(candidate), Some(actual)));
    }

    let mut message = String::from(if secrets.len() == 1 {
        "Signature does not match the secret"
    } else {
        "Signature matches none of the secrets"
    });
    push_length_note(&mut message, body_len);
    let likely_cause = if secrets.iter().any(Secret::has_surrounding_whitespace) {
        WHITESPACE_CAUSE
    } else if request.path.contains('?') {
        QUERY_IN_PATH_CAUSE
    } else if !request.path.starts_with('/') {
        NOT_A_PATH_CAUSE
    } else {
        SIGNATURE_CAUSE
    };
    Ok((
        Verification {
            code: SignatureMismatch,
            message,
            signed_string: Some(signed),
            likely_cause: Some(likely_cause),
        },
        None,
    ))
}

/// Builds the string Healthie signs:
/// `<method lower-cased> <path> <query> <digest_b64> application/json <body_len>`.
///
/// A leading `?` on `query` is dropped; an empty query leaves two spaces side
/// by side. `digest_b64` is the base64 value only, without `sha-256=`.
pub fn signed_string(
    method: &str,
    path: &str,
    query: &str,
    digest_b64: &str,
    body_len: usize,
) -> String {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut out = String::with_capacity(
        method.len() + path.len() + query.len() + digest_b64.len() + CONTENT_TYPE.len() + 26,
    );
    // Only the method is lower-cased; Healthie keeps the rest verbatim.
    out.extend(method.chars().map(|c| c.to_ascii_lowercase()));
    for part in [path, query, digest_b64, CONTENT_TYPE] {
        out.push(' ');
        out.push_str(part);
    }
    out.push(' ');
    push_decimal(&mut out, body_len);
    out
}

/// The headers Healthie would send with `body`, for tests and local tooling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Content-Type`: always `application/json`.
    pub content_type: String,
    /// `Content-Digest`: `sha-256=<base64>`.
    pub content_digest: String,
    /// `Content-Length`: the body's length in bytes.
    pub content_length: String,
    /// `Signature-Input`: the covered components.
    pub signature_input: String,
    /// `Signature`: `sig1=<lower-case hex>`.
    pub signature: String,
}

/// Signs a request the way Healthie does. A leading `?` on `query` is
/// dropped, as in [`verify`].
pub fn sign(method: &str, path: &str, query: &str, body: &[u8], secret: &Secret) -> SignedHeaders {
    let digest_b64 = base64::encode(&Sha256::digest(body));
    let signed = signed_string(method, path, query, &digest_b64, body.len());
    let mut signature = String::from("sig1=");
    if let Some(mut mac) = secret.mac() {
        mac.update(signed.as_bytes());
        hex::push_lower(&mut signature, &mac.finalize().into_bytes());
    }
    let mut content_length = String::new();
    push_decimal(&mut content_length, body.len());
    SignedHeaders {
        content_type: String::from(CONTENT_TYPE),
        content_digest: digest_header(&digest_b64),
        content_length,
        signature_input: String::from(SIGNATURE_INPUT),
        signature,
    }
}

/// The `Content-Digest` value for `body`: `sha-256=<base64 of its SHA-256>`.
pub fn content_digest(body: &[u8]) -> String {
    digest_header(&base64::encode(&Sha256::digest(body)))
}

fn digest_header(digest_b64: &str) -> String {
    let mut out = String::with_capacity(8 + digest_b64.len());
    out.push_str("sha-256=");
    out.push_str(digest_b64);
    out
}

fn mac_matches(secret: &Secret, signed: &str, expected: &[u8; 32]) -> bool {
    match secret.mac() {
        Some(mut mac) => {
            mac.update(signed.as_bytes());
            // `verify_slice` compares in constant time.
            mac.verify_slice(expected).is_ok()
        }
        None => false,
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

struct ParsedDigest<'a> {
    /// The base64 text that goes into the signed string.
    base64: &'a str,
    bytes: [u8; 32],
    /// Whether it arrived in the RFC 9530 `:…:` byte-sequence form.
    colons: bool,
}

/// Finds the `sha-256` member of a possibly multi-algorithm
/// `Content-Digest`. Splitting only at the first `=` of each member keeps the
/// base64 padding, which naive `split('=')` verifiers drop.
fn parse_content_digest(header: &str) -> Result<ParsedDigest<'_>, &'static str> {
    let value = member_value(header, "sha-256").ok_or("Content-Digest has no sha-256= entry")?;
    let (base64, colons) = match value.strip_prefix(':').and_then(|v| v.strip_suffix(':')) {
        Some(inner) => (inner, true),
        None => (value, false),
    };
    let mut bytes = [0u8; 32];
    let mut len = 0;
    let canonical = base64::decode_with(base64, |group| {
        for &b in group {
            if let Some(slot) = bytes.get_mut(len) {
                *slot = b;
            }
            len += 1;
        }
    });
    if !canonical {
        return Err("Content-Digest sha-256 value is not valid padded base64");
    }
    if len != 32 {
        return Err("Content-Digest sha-256 value is not 32 bytes long");
    }
    Ok(ParsedDigest {
        base64,
        bytes,
        colons,
    })
}

/// Extracts the HMAC bytes from `sig1=<hex>`, tolerating other members.
fn parse_signature(header: &str) -> Result<[u8; 32], &'static str> {
    let value = member_value(header, "sig1").ok_or("Signature header has no sig1= entry")?;
    hex::decode_32(value).ok_or("Signature sig1 value is not 64 hexadecimal digits")
}

/// The value of the first `name=value` member of a comma-separated header
/// (name compared without case, both sides trimmed).
fn member_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    // What Healthie sends: one member, `name=` first. Same answer as the
    // general search below, without its pattern machinery (issue 7).
    if let Some((head, rest)) = header.split_at_checked(name.len() + 1) {
        if head.as_bytes()[name.len()] == b'=' && head[..name.len()].eq_ignore_ascii_case(name) && !rest.contains(',') {
            return Some(rest.trim());
        }
    }
    search_members(header, name)
}

fn search_members<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(',')
        .filter_map(|member| member.trim().split_once('='))
        .find(|(member_name, _)| member_name.trim().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim())
}

fn push_length_note(message: &mut String, body_len: usize) {
    message.push_str(" (body length used: ");
    push_decimal(message, body_len);
    message.push_str(" bytes)");
}

/// Avoids `core::fmt` integer formatting, which is comparatively large in wasm.
fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

mod hex {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";

    pub(super) fn push_lower(out: &mut String, bytes: &[u8]) {
        for &b in bytes {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0xf)]));
        }
    }

    /// Case-insensitive, exactly 64 digits.
    pub(super) fn decode_32(text: &str) -> Option<[u8; 32]> {
        let text = text.as_bytes();
        if text.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
            *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(out)
    }

    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
}

/// Standard-alphabet base64 with padding; small enough not to warrant a
/// dependency.
mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(super) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
                | u32::from(chunk.get(2).copied().unwrap_or(0));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        decode_with(text, |bytes| out.extend_from_slice(bytes)).then_some(out)
    }

    /// Strict: padding required, no whitespace, no URL-safe alphabet, and
    /// unused trailing bits must be zero so each byte string has exactly one
    /// accepted spelling. Hands the bytes to `out` a group at a time (no
    /// allocation: a digest's 32 bytes go straight into an array); false when
    /// `text` is not such base64.
    pub(super) fn decode_with(text: &str, mut out: impl FnMut(&[u8])) -> bool {
        let text = text.as_bytes();
        if text.is_empty() || !text.len().is_multiple_of(4) {
            return false;
        }
        let last = text.len() / 4 - 1;
        for (index, quad) in text.chunks_exact(4).enumerate() {
            let padding = match (quad[2], quad[3]) {
                (b'=', b'=') => 2,
                (_, b'=') => 1,
                _ => 0,
            };
            if padding > 0 && index != last {
                return false;
            }
            let mut n = 0u32;
            for &c in &quad[..4 - padding] {
                let Some(v) = value(c) else { return false };
                n = (n << 6) | u32::from(v);
            }
            n <<= 6 * padding as u32;
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            let used = 3 - padding;
            if bytes[used..].iter().any(|&b| b != 0) {
                return false;
            }
            out(&bytes[..used]);
        }
        true
    }

    fn value(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{base64, member_value, search_members};

    #[test]
    fn member_value_fast_path_answers_as_the_search() {
        // Every header built from these pieces (up to three of them), for
        // both names: the one-member fast path must never differ.
        let pieces = [
            "sha-256=", "SHA-256=", "sig1=", "Sig1=", "sha-256", "sig1", "=", ",", " ", "\t", ":", "abc=", "x=y", "sha-2566=",
            "sig10=", "é", "AAAA", "==", "sig1=ab,sig1=cd",
        ];
        let mut headers = vec![String::new()];
        for _ in 0..3 {
            let mut longer = Vec::new();
            for header in &headers {
                for piece in pieces {
                    longer.push(format!("{header}{piece}"));
                }
            }
            headers.extend(longer);
        }
        assert!(headers.len() > 7000);
        for header in &headers {
            for name in ["sha-256", "sig1"] {
                // Callers pass trimmed headers (`non_empty`); check untrimmed too.
                for input in [header.as_str(), header.trim()] {
                    assert_eq!(member_value(input, name), search_members(input, name), "{input:?} {name}");
                }
            }
        }
    }

    #[test]
    fn base64_round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for len in 0..40 {
            let encoded = base64::encode(&data[..len]);
            assert_eq!(
                base64::decode(&encoded).as_deref(),
                if len == 0 { None } else { Some(&data[..len]) }
            );
        }
    }

    #[test]
    fn base64_rejects_non_canonical_and_misplaced_padding() {
        assert_eq!(base64::decode("QQ==").as_deref(), Some(&b"A"[..]));
        assert_eq!(base64::decode("QR=="), None); // unused bits set
        assert_eq!(base64::decode("QUI="), Some(b"AB".to_vec()));
        assert_eq!(base64::decode("QUJ="), None);
        assert_eq!(base64::decode("QQ==QUJD"), None);
        assert_eq!(base64::decode("Q==="), None);
        assert_eq!(base64::decode("QUJD QQ=="), None);
        assert_eq!(base64::decode("QQ"), None);
        assert_eq!(base64::decode("-_-_"), None);
    }
}
