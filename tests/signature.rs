//! Signature verification against vectors computed outside this crate, plus
//! one case for each trap listed in `reference/signatures.md`.

use healthie_webhooks::signature::{
    content_digest, sign, signed_string, verify, Headers, Request, Secret, SignatureError,
    Verification, VerificationCode,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &str = "whsec_test_4f9a";

/// One delivery whose digest and signature were computed with Python's
/// standard library, independently of this crate:
///
/// ```text
/// python3 -c 'import hashlib,hmac,base64,sys; m,p,q,b=sys.argv[1:]; b=b.encode(); \
///   d=base64.b64encode(hashlib.sha256(b).digest()).decode(); \
///   s=f"{m.lower()} {p} {q} {d} application/json {len(b)}"; \
///   print(d); print(repr(s)); print(hmac.new(b"whsec_test_4f9a", s.encode(), hashlib.sha256).hexdigest())' \
///   POST /webhooks/healthie "" '{"resource_id":"77","note":"Zoë Ångström 日本"}'
/// ```
struct Vector {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    body: &'static str,
    digest: &'static str,
    signed: &'static str,
    signature: &'static str,
}

const ASCII: Vector = Vector {
    method: "POST",
    path: "/webhooks/healthie",
    query: "",
    body: r#"{"resource_id":"12345","resource_id_type":"Appointment","event_type":"appointment.created"}"#,
    digest: "0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc=",
    signed:
        "post /webhooks/healthie  0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc= application/json 91",
    signature: "b009ce86b729a231c1cefabafc0516f4ebe64466fc13c1eeab3d61cd07e55c37",
};

/// 45 characters, 52 bytes.
const UTF8: Vector = Vector {
    method: "POST",
    path: "/webhooks/healthie",
    query: "",
    body: r#"{"resource_id":"77","note":"Zoë Ångström 日本"}"#,
    digest: "06nLiImyUzpG+xhAkNMeZc7wy5AB9cfSHOvkBHUoNk4=",
    signed:
        "post /webhooks/healthie  06nLiImyUzpG+xhAkNMeZc7wy5AB9cfSHOvkBHUoNk4= application/json 52",
    signature: "bf76a54c07e943753800c5515195d2f5c051126ce7fe89684c68c486937225d6",
};

const QUERY: Vector = Vector {
    method: "POST",
    path: "/api/hooks",
    query: "tenant=acme&v=2",
    body: r#"{"resource_id":"9","event_type":"patient.updated"}"#,
    digest: "uLl4P/ednSGXNH+bXlnvypDEx1jEKdbfgbYBmhUnD6M=",
    signed: "post /api/hooks tenant=acme&v=2 uLl4P/ednSGXNH+bXlnvypDEx1jEKdbfgbYBmhUnD6M= application/json 50",
    signature: "af5ea041a9889c84253dce6ed54b1d2e0ede1d1ff8c58fa9fde8a2a9a6f8796a",
};

/// 52 characters, 60 bytes, with a query.
const UTF8_QUERY: Vector = Vector {
    method: "post",
    path: "/hooks/h",
    query: "x=1",
    body: r#"{"name":"Zoë Ångström 日本","email":"zoë@example.com"}"#,
    digest: "+T8N5hdo3VBgo4c7SYscdBAKEKWd+XsJIRjLZLsIroM=",
    signed: "post /hooks/h x=1 +T8N5hdo3VBgo4c7SYscdBAKEKWd+XsJIRjLZLsIroM= application/json 60",
    signature: "6f9d816427b8521765803c4967ef1486e2416597a30744239749f227130f8bfa",
};

const VECTORS: [&Vector; 4] = [&ASCII, &UTF8, &QUERY, &UTF8_QUERY];

fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

fn digest_header(v: &Vector) -> String {
    format!("sha-256={}", v.digest)
}

fn sig_header(v: &Vector) -> String {
    format!("sig1={}", v.signature)
}

fn request<'a>(v: &'a Vector, digest: &'a str, signature: &'a str) -> Request<'a> {
    Request {
        method: v.method,
        path: v.path,
        query: v.query,
        headers: Headers {
            content_digest: Some(digest),
            signature: Some(signature),
            signature_input: None,
            content_type: Some("application/json"),
        },
        body: v.body.as_bytes(),
    }
}

fn check(request: &Request<'_>) -> Verification {
    verify(request, &[secret()]).unwrap()
}

fn hmac_hex(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[track_caller]
fn assert_code(result: &Verification, code: VerificationCode) {
    assert_eq!(result.code, code, "{result:?}");
    assert_eq!(result.is_valid(), code == VerificationCode::Valid);
}

// ---------------------------------------------------------------- vectors

#[test]
fn fixed_vectors_verify() {
    for v in VECTORS {
        let (d, s) = (digest_header(v), sig_header(v));
        let result = check(&request(v, &d, &s));
        assert_code(&result, VerificationCode::Valid);
        assert_eq!(result.message, "");
        assert_eq!(result.signed_string.as_deref(), Some(v.signed));
        assert_eq!(result.likely_cause, None);
    }
}

#[test]
fn signed_string_is_exact_with_two_spaces_for_an_empty_query() {
    let s = signed_string("POST", ASCII.path, "", ASCII.digest, ASCII.body.len());
    assert_eq!(
        s,
        "post /webhooks/healthie  0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc= application/json 91"
    );
    assert!(s.contains("/webhooks/healthie  0JBr"));
    for v in VECTORS {
        let s = signed_string(v.method, v.path, v.query, v.digest, v.body.len());
        assert_eq!(s, v.signed);
    }
}

#[test]
fn sign_and_content_digest_reproduce_the_python_vectors() {
    for v in VECTORS {
        let signed = sign(v.method, v.path, v.query, v.body.as_bytes(), &secret());
        assert_eq!(signed.content_digest, digest_header(v));
        assert_eq!(signed.signature, sig_header(v));
        assert_eq!(signed.content_type, "application/json");
        assert_eq!(signed.content_length, v.body.len().to_string());
        assert_eq!(
            signed.signature_input,
            r#"sig1=("@method" "@path" "@query" "content-digest" "content-type" "content-length")"#
        );
        assert_eq!(content_digest(v.body.as_bytes()), digest_header(v));
    }
    // SHA-256 of nothing, from `python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.sha256(b"").digest()).decode())'`
    assert_eq!(
        content_digest(b""),
        "sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
}

#[test]
fn leading_question_mark_is_stripped_by_sign_and_verify() {
    let with = sign(
        "POST",
        QUERY.path,
        "?tenant=acme&v=2",
        QUERY.body.as_bytes(),
        &secret(),
    );
    assert_eq!(with.signature, sig_header(&QUERY));
    assert_eq!(
        signed_string("post", QUERY.path, "?tenant=acme&v=2", QUERY.digest, 50),
        QUERY.signed
    );
    let (d, s) = (digest_header(&QUERY), sig_header(&QUERY));
    let mut req = request(&QUERY, &d, &s);
    req.query = "?tenant=acme&v=2";
    assert_code(&check(&req), VerificationCode::Valid);
}

#[test]
fn method_case_does_not_matter() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    for method in ["POST", "post", "Post"] {
        let mut req = request(&ASCII, &d, &s);
        req.method = method;
        assert_code(&check(&req), VerificationCode::Valid);
    }
}

// ------------------------------------------------------------------ traps

/// Trap: splitting `Content-Digest` on every `=` drops the base64 padding.
#[test]
fn base64_padding_is_kept() {
    for v in VECTORS {
        // A 32-byte SHA-256 always encodes to 43 characters plus one `=`.
        assert!(v.digest.ends_with('=') && !v.digest.ends_with("=="));
    }
    let naive = digest_header(&ASCII).split('=').nth(1).unwrap().to_owned();
    assert_eq!(naive.len(), 43);
    // What a naive verifier signs can never match what Healthie signed.
    let naive_signed = signed_string("post", ASCII.path, "", &naive, ASCII.body.len());
    assert_ne!(hmac_hex(SECRET, &naive_signed), ASCII.signature);

    let s = sig_header(&ASCII);
    let padded = digest_header(&ASCII);
    assert_code(
        &check(&request(&ASCII, &padded, &s)),
        VerificationCode::Valid,
    );

    let unpadded = format!("sha-256={naive}");
    let result = check(&request(&ASCII, &unpadded, &s));
    assert_code(&result, VerificationCode::MalformedHeader);
    assert!(
        result.message.contains("Content-Digest"),
        "{}",
        result.message
    );
}

/// Trap: counting characters instead of bytes breaks on non-ASCII text.
#[test]
fn content_length_counts_bytes_not_characters() {
    for (v, chars, bytes) in [(&UTF8, 45, 52), (&UTF8_QUERY, 52, 60)] {
        assert_eq!(v.body.chars().count(), chars);
        assert_eq!(v.body.len(), bytes);
        let (d, s) = (digest_header(v), sig_header(v));
        let result = check(&request(v, &d, &s));
        assert_code(&result, VerificationCode::Valid);
        assert!(result
            .signed_string
            .unwrap()
            .ends_with(&format!(" {bytes}")));

        let by_chars = signed_string(v.method, v.path, v.query, v.digest, chars);
        assert_ne!(hmac_hex(SECRET, &by_chars), v.signature);
    }
}

/// Trap: the raw body differs from its re-serialization (whitespace, key
/// order, escapes), so a verifier fed `JSON.stringify(req.body)` fails.
#[test]
fn re_serialized_body_is_a_digest_mismatch_with_a_hint() {
    let raw = "{\"resource_id\": \"77\", \"note\": \"Zo\\u00eb\"}";
    let reserialized = r#"{"resource_id":"77","note":"Zoë"}"#;
    let signed = sign("POST", "/h", "", raw.as_bytes(), &secret());
    let req = Request {
        method: "POST",
        path: "/h",
        query: "",
        headers: Headers::from_pairs([
            ("Content-Digest", signed.content_digest.as_str()),
            ("Signature", signed.signature.as_str()),
        ]),
        body: reserialized.as_bytes(),
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::DigestMismatch);
    let cause = result.likely_cause.unwrap();
    assert!(
        cause.contains("re-serialized") && cause.contains("raw"),
        "{cause}"
    );
    let used = format!("{} bytes", reserialized.len());
    assert!(result.message.contains(&used), "{}", result.message);

    let raw_req = Request {
        body: raw.as_bytes(),
        ..req
    };
    assert_code(&check(&raw_req), VerificationCode::Valid);
}

/// Trap: the HMAC covers the digest header, not the body; a same-length
/// body swap must still fail.
#[test]
fn tampered_body_of_same_length_with_original_digest_is_a_digest_mismatch() {
    let tampered = ASCII.body.replace("12345", "99999");
    assert_eq!(tampered.len(), ASCII.body.len());
    // Proves a verifier that skipped the digest check would accept it.
    let would_be_signed = signed_string("post", ASCII.path, "", ASCII.digest, tampered.len());
    assert_eq!(hmac_hex(SECRET, &would_be_signed), ASCII.signature);

    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let req = Request {
        body: tampered.as_bytes(),
        ..request(&ASCII, &d, &s)
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::DigestMismatch);
    assert!(result.message.contains("91 bytes"), "{}", result.message);
}

#[test]
fn tampered_body_with_recomputed_digest_but_old_signature_is_a_signature_mismatch() {
    let tampered = ASCII.body.replace("12345", "99999");
    let d = content_digest(tampered.as_bytes());
    let s = sig_header(&ASCII);
    let req = Request {
        body: tampered.as_bytes(),
        ..request(&ASCII, &d, &s)
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::SignatureMismatch);
    assert!(result
        .signed_string
        .unwrap()
        .contains(&d["sha-256=".len()..]));
}

#[test]
fn empty_body_digest_mismatch_says_the_body_was_consumed() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let req = Request {
        body: b"",
        ..request(&ASCII, &d, &s)
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::DigestMismatch);
    assert!(result.likely_cause.unwrap().contains("empty"));
    assert!(result.message.contains("0 bytes"));
}

/// Trap: Fetch `Headers`, Node's lower-cased objects and plain objects all
/// spell header names differently.
#[test]
fn header_names_match_in_any_case() {
    let (d, s) = (digest_header(&UTF8), sig_header(&UTF8));
    let spellings = [
        [("content-digest", &d), ("signature", &s)],
        [("CONTENT-DIGEST", &d), ("SIGNATURE", &s)],
        [("Content-Digest", &d), ("Signature", &s)],
        [("cOnTeNt-DiGeSt", &d), ("sIgNaTuRe", &s)],
    ];
    for pairs in spellings {
        let headers = Headers::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())));
        let req = Request {
            headers,
            ..request(&UTF8, "", "")
        };
        assert_code(&check(&req), VerificationCode::Valid);
    }

    let headers = Headers::from_pairs([
        ("Host", "example.com"),
        ("Content-Type", "application/json"),
        ("SIGNATURE-INPUT", "sig1=()"),
        ("content-digest", d.as_str()),
        ("Content-Digest", "sha-256=ignored"),
        ("signature", s.as_str()),
    ]);
    assert_eq!(headers.content_type, Some("application/json"));
    assert_eq!(headers.signature_input, Some("sig1=()"));
    assert_eq!(
        headers.content_digest,
        Some(d.as_str()),
        "first occurrence wins"
    );
    assert_eq!(headers.signature, Some(s.as_str()));
}

// ---------------------------------------------------------- path & query

#[test]
fn empty_query_and_present_query() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let result = check(&request(&ASCII, &d, &s));
    assert!(result.signed_string.unwrap().contains("healthie  0JBr"));

    let (d, s) = (digest_header(&QUERY), sig_header(&QUERY));
    assert_code(&check(&request(&QUERY, &d, &s)), VerificationCode::Valid);
    for query in ["", "tenant=acme", "v=2&tenant=acme"] {
        let req = Request {
            query,
            ..request(&QUERY, &d, &s)
        };
        let result = check(&req);
        assert_code(&result, VerificationCode::SignatureMismatch);
        assert!(result.likely_cause.unwrap().contains("query"));
    }
}

#[test]
fn wrong_path_is_a_signature_mismatch_naming_proxies_and_mount_prefixes() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    // The app behind a proxy or mounted router sees a shorter path.
    let req = Request {
        path: "/healthie",
        ..request(&ASCII, &d, &s)
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::SignatureMismatch);
    let cause = result.likely_cause.unwrap();
    assert!(
        cause.contains("path") && cause.contains("proxy") && cause.contains("mount"),
        "{cause}"
    );
    assert_eq!(
        result.signed_string.as_deref(),
        Some("post /healthie  0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc= application/json 91")
    );
    assert!(result.message.contains("91 bytes"));
}

#[test]
fn query_glued_to_the_path_gets_its_own_hint() {
    let (d, s) = (digest_header(&QUERY), sig_header(&QUERY));
    let req = Request {
        path: "/api/hooks?tenant=acme&v=2",
        query: "",
        ..request(&QUERY, &d, &s)
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::SignatureMismatch);
    assert!(result.likely_cause.unwrap().contains("'?'"));
}

#[test]
fn full_url_instead_of_path_gets_its_own_hint() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let req = Request {
        path: "https://example.com/webhooks/healthie",
        ..request(&ASCII, &d, &s)
    };
    let result = check(&req);
    assert_code(&result, VerificationCode::SignatureMismatch);
    assert!(result.likely_cause.unwrap().contains("full URL"));
}

// ---------------------------------------------------------------- secrets

#[test]
fn wrong_secret_is_a_signature_mismatch() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let result = verify(
        &request(&ASCII, &d, &s),
        &[Secret::new("whsec_other").unwrap()],
    )
    .unwrap();
    assert_code(&result, VerificationCode::SignatureMismatch);
    assert!(result.likely_cause.unwrap().contains("secret"));
    assert!(result.message.contains("the secret"));
}

#[test]
fn rotation_accepts_any_matching_secret() {
    let (d, s) = (digest_header(&UTF8), sig_header(&UTF8));
    let req = request(&UTF8, &d, &s);
    let old = Secret::new("whsec_old").unwrap();
    let result = verify(&req, &[old.clone(), secret()]).unwrap();
    assert_code(&result, VerificationCode::Valid);
    assert_code(
        &verify(&req, &[secret(), old.clone()]).unwrap(),
        VerificationCode::Valid,
    );

    let result = verify(&req, &[old, Secret::new(b"whsec_older").unwrap()]).unwrap();
    assert_code(&result, VerificationCode::SignatureMismatch);
    assert!(
        result.message.contains("none of the secrets"),
        "{}",
        result.message
    );
}

#[test]
fn secret_with_a_stray_newline_gets_its_own_hint() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let padded = Secret::new(format!("{SECRET}\n")).unwrap();
    let result = verify(&request(&ASCII, &d, &s), &[padded]).unwrap();
    assert_code(&result, VerificationCode::SignatureMismatch);
    assert!(result.likely_cause.unwrap().contains("whitespace"));
}

#[test]
fn misuse_fails_closed() {
    assert_eq!(Secret::new("").unwrap_err(), SignatureError::EmptySecret);
    assert_eq!(Secret::new(b"").unwrap_err(), SignatureError::EmptySecret);
    assert_eq!(
        Secret::new(Vec::<u8>::new()).unwrap_err(),
        SignatureError::EmptySecret
    );

    // Even a request that is otherwise perfect.
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    assert_eq!(
        verify(&request(&ASCII, &d, &s), &[]).unwrap_err(),
        SignatureError::NoSecrets
    );
    // And one missing every header.
    let bare = Request {
        method: "POST",
        path: "/",
        query: "",
        headers: Headers::default(),
        body: b"",
    };
    assert_eq!(verify(&bare, &[]).unwrap_err(), SignatureError::NoSecrets);

    let err: &dyn std::error::Error = &SignatureError::NoSecrets;
    assert!(!err.to_string().is_empty());
    assert!(!SignatureError::EmptySecret.to_string().is_empty());
}

#[test]
fn secrets_never_appear_in_debug_display_or_results() {
    let s = secret();
    assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    assert_eq!(
        format!("{:#?}", [s.clone(), s.clone()])
            .matches(SECRET)
            .count(),
        0
    );

    let (d, sig) = (digest_header(&ASCII), sig_header(&ASCII));
    let ok = verify(&request(&ASCII, &d, &sig), std::slice::from_ref(&s)).unwrap();
    let req = Request {
        path: "/other",
        ..request(&ASCII, &d, &sig)
    };
    let bad = verify(&req, &[Secret::new("whsec_old").unwrap(), s.clone()]).unwrap();
    let tampered = Request {
        body: b"{}",
        ..request(&ASCII, &d, &sig)
    };
    let digest_bad = verify(&tampered, std::slice::from_ref(&s)).unwrap();
    for result in [&ok, &bad, &digest_bad] {
        let text = format!("{result:?} {result:#?} {}", result.message);
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("whsec_old"), "{text}");
    }
    for err in [SignatureError::EmptySecret, SignatureError::NoSecrets] {
        assert!(!format!("{err:?} {err}").contains(SECRET));
    }
    let signed = sign("POST", "/h", "", b"{}", &s);
    assert!(!format!("{signed:?}").contains(SECRET));
}

// ---------------------------------------------------------------- headers

#[test]
fn missing_headers() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let base = request(&ASCII, &d, &s);
    let cases = [
        (None, Some(s.as_str()), "Content-Digest"),
        (Some(d.as_str()), None, "Signature"),
        (None, None, "Content-Digest"),
        (Some("   "), Some(s.as_str()), "Content-Digest"),
        (Some(d.as_str()), Some(""), "Signature"),
    ];
    for (content_digest, signature, named) in cases {
        let headers = Headers {
            content_digest,
            signature,
            ..base.headers
        };
        let result = check(&Request { headers, ..base });
        assert_code(&result, VerificationCode::MissingHeader);
        assert!(result.message.contains(named), "{}", result.message);
        assert_eq!(result.signed_string, None);
    }
}

#[test]
fn digest_of_the_wrong_length_and_non_base64_digest_say_which() {
    let s = sig_header(&ASCII);
    // Canonical padded base64 of 31, 33 and 48 bytes (Python's base64.b64encode).
    for (bytes, encoded) in [
        (31, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
        (33, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        (48, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ] {
        let result = check(&request(&ASCII, &format!("sha-256={encoded}"), &s));
        assert_code(&result, VerificationCode::MalformedHeader);
        assert_eq!(result.message, "Content-Digest sha-256 value is not 32 bytes long", "{bytes} bytes");
    }
    for bad in ["0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03T!=", "0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc", "=JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc="] {
        let result = check(&request(&ASCII, &format!("sha-256={bad}"), &s));
        assert_code(&result, VerificationCode::MalformedHeader);
        assert_eq!(result.message, "Content-Digest sha-256 value is not valid padded base64", "{bad}");
    }
}

#[test]
fn garbled_headers_are_malformed() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let sixteen_bytes = "sha-256=AAAAAAAAAAAAAAAAAAAAAA==";
    let digest_cases = [
        "0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc=", // no algorithm
        "sha-512=0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc=",
        "sha-256=",
        "sha-256=0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03T!=",
        "sha-256=0JBrFW2jmmxxIsOdRmvZKhwq_FuIvl1WLBhomFF03Tc=", // URL-safe alphabet
        "sha-256=0JBrFW2jmmxxIsOdRmvZ Khwq/FuIvl1WLBhomFF03Tc=",
        "sha-256=0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Td=", // non-canonical bits
        "sha-256=:0JBrFW2jmmxxIsOdRmvZKhwq/FuIvl1WLBhomFF03Tc=",
        sixteen_bytes,
        "garbage",
    ];
    for bad in digest_cases {
        let result = check(&request(&ASCII, bad, &s));
        assert_code(&result, VerificationCode::MalformedHeader);
        assert!(
            result.message.contains("Content-Digest"),
            "{bad}: {}",
            result.message
        );
    }
    let signature_cases = [
        ASCII.signature, // no sig1=
        "sig2=b009ce86b729a231c1cefabafc0516f4ebe64466fc13c1eeab3d61cd07e55c37",
        "sig1=",
        "sig1=b009ce86b729a231c1cefabafc0516f4ebe64466fc13c1eeab3d61cd07e55c3", // 63 digits
        "sig1=b009ce86b729a231c1cefabafc0516f4ebe64466fc13c1eeab3d61cd07e55c377", // 65
        "sig1=b009ce86b729a231c1cefabafc0516f4ebe64466fc13c1eeab3d61cd07e55cxx",
        "sig1=:sAnOhrcpojHBzvq6/AUW9OvmRGb8E8Huqz1hzQflXDc=:", // base64, not hex
    ];
    for bad in signature_cases {
        let result = check(&request(&ASCII, &d, bad));
        assert_code(&result, VerificationCode::MalformedHeader);
        assert!(
            result.message.contains("Signature"),
            "{bad}: {}",
            result.message
        );
    }
}

#[test]
fn codes_name_the_first_thing_wrong() {
    let (d, s) = (digest_header(&ASCII), sig_header(&ASCII));
    let tampered = b"{}";
    // missing beats malformed
    let headers = Headers {
        content_digest: Some("garbage"),
        signature: None,
        ..Headers::default()
    };
    let req = Request {
        headers,
        ..request(&ASCII, &d, &s)
    };
    assert_code(&check(&req), VerificationCode::MissingHeader);
    // malformed (either header) beats digest mismatch
    let req = Request {
        body: tampered,
        ..request(&ASCII, &d, "sig1=zz")
    };
    assert_code(&check(&req), VerificationCode::MalformedHeader);
    let req = Request {
        body: tampered,
        ..request(&ASCII, "sha-256=zz", &s)
    };
    assert_code(&check(&req), VerificationCode::MalformedHeader);
    // digest mismatch beats signature mismatch
    let req = Request {
        body: tampered,
        path: "/elsewhere",
        ..request(&ASCII, &d, &s)
    };
    assert_code(&check(&req), VerificationCode::DigestMismatch);
}

#[test]
fn content_digest_forms_healthie_and_rfc_9530_allow() {
    let s = sig_header(&UTF8);
    let b = UTF8.digest;
    let forms = [
        format!("SHA-256={b}"),
        format!("Sha-256={b}"),
        format!("  sha-256={b}  "),
        format!("sha-256=:{b}:"),
        format!("SHA-256=:{b}:"),
        format!("sha-512=:z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==:, sha-256=:{b}:"),
        format!("sha-512=abc, sha-256={b}, md5=xyz"),
        format!("sha-256 = {b}"),
    ];
    for form in &forms {
        let result = check(&request(&UTF8, form, &s));
        assert_code(&result, VerificationCode::Valid);
        assert_eq!(result.signed_string.as_deref(), Some(UTF8.signed), "{form}");
    }
}

/// Healthie does not say what it would sign for the RFC 9530 form, so the
/// literal `:base64:` reading is accepted as well as the bare one.
#[test]
fn rfc_9530_form_also_accepts_a_signature_over_the_literal_value() {
    let literal = format!(":{}:", UTF8.digest);
    let signed = signed_string("POST", UTF8.path, "", &literal, UTF8.body.len());
    let sig = format!("sig1={}", hmac_hex(SECRET, &signed));
    let d = format!("sha-256={literal}");
    let result = check(&request(&UTF8, &d, &sig));
    assert_code(&result, VerificationCode::Valid);
    assert_eq!(result.signed_string, Some(signed));
    // ...but only when the header itself used that form.
    let plain = digest_header(&UTF8);
    assert_code(
        &check(&request(&UTF8, &plain, &sig)),
        VerificationCode::SignatureMismatch,
    );
}

#[test]
fn signature_header_forms() {
    let d = digest_header(&ASCII);
    let upper = format!("sig1={}", ASCII.signature.to_uppercase());
    let spaced = format!("  sig1={}  ", ASCII.signature);
    let listed = format!("sig0=deadbeef, sig1={}", ASCII.signature);
    for s in [&upper, &spaced, &listed] {
        assert_code(&check(&request(&ASCII, &d, s)), VerificationCode::Valid);
    }
    // One flipped hex digit: the right length, the wrong value.
    let mut flipped = ASCII.signature.to_owned();
    flipped.replace_range(63.., "8");
    let result = check(&request(&ASCII, &d, &format!("sig1={flipped}")));
    assert_code(&result, VerificationCode::SignatureMismatch);
}

#[test]
fn code_names_are_stable() {
    use VerificationCode::*;
    let names: Vec<_> = [
        Valid,
        MissingHeader,
        MalformedHeader,
        DigestMismatch,
        SignatureMismatch,
    ]
    .into_iter()
    .map(VerificationCode::as_str)
    .collect();
    assert_eq!(
        names,
        [
            "valid",
            "missing_header",
            "malformed_header",
            "digest_mismatch",
            "signature_mismatch"
        ]
    );
}

#[test]
fn sign_then_verify_round_trips() {
    let body = "{\n  \"resource_id\": \"5\",\n  \"note\": \"naïve café ☕\"\n}\n".as_bytes();
    let signed = sign("POST", "/a/b", "q=1&r=%20", body, &secret());
    assert_eq!(signed.content_length, body.len().to_string());
    let req = Request {
        method: "post",
        path: "/a/b",
        query: "q=1&r=%20",
        headers: Headers::from_pairs([
            ("content-type", signed.content_type.as_str()),
            ("content-digest", signed.content_digest.as_str()),
            ("content-length", signed.content_length.as_str()),
            ("signature-input", signed.signature_input.as_str()),
            ("signature", signed.signature.as_str()),
        ]),
        body,
    };
    assert_code(&check(&req), VerificationCode::Valid);
}
