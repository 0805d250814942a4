//! See `parse_validate` in `fuzz/checks.rs` for what is checked.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|body: &[u8]| checks::parse_validate(body));
