//! Every input the fuzzers (`make fuzz`, `fuzz/`) ever failed on, checked
//! again with the same invariants (`fuzz/checks.rs`): one file per input in
//! `tests/regression/<target>/`, named after what it found. Also replays the
//! seed shapes so the harness is exercised even while the directories are
//! nearly empty.
//!
//! `cargo test --test fuzz_regressions` checks validate/verify; add
//! `--features __fuzz` to include the JS-boundary encoder checks.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::fs;
use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regression").join(target);
    let mut found: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('.') && n != "README.md"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect();
    found.sort();
    found
}

/// Runs every input, reporting all failures together by file name.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let inputs = inputs(target);
    let failed: Vec<String> = inputs
        .iter()
        .filter_map(|(name, data)| {
            std::panic::catch_unwind(|| check(data)).err().map(|e| {
                let why = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
                format!("{target}/{name}: {}", why.unwrap_or_default())
            })
        })
        .collect();
    assert!(failed.is_empty(), "regressions:\n{}", failed.join("\n"));
    inputs.len()
}

#[test]
fn parse_validate_regressions() {
    replay("parse_validate", checks::parse_validate);
}

#[test]
fn verify_signature_regressions() {
    replay("verify_signature", checks::verify_signature);
}

/// The checks themselves run on the reference examples (the fuzzers' seeds),
/// so a change that breaks an invariant for ordinary input fails here first.
#[test]
fn seeds_pass_the_fuzz_checks() {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference-examples.json")).unwrap();
    let examples: serde_json::Value = serde_json::from_str(&text).unwrap();
    for example in examples.as_array().unwrap() {
        let body = example["body"].as_str().unwrap().as_bytes();
        checks::parse_validate(body);
        // flags 0: both headers present (garbage), one secret; sign() round trip inside.
        let mut request = vec![0u8];
        for field in [&b"POST"[..], b"/webhooks/healthie", b"a=1", b"sha-256=x", b"sig1=y", b"whsec_\x01seed"] {
            request.extend_from_slice(field);
            request.push(0xff);
        }
        request.extend_from_slice(body);
        checks::verify_signature(&request);
    }
}
