//! See `verify_signature` in `fuzz/checks.rs` for what is checked and the
//! input layout.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::verify_signature(data));
