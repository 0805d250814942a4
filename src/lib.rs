#![doc = include_str!("../README.md")]
// No unsafe code. The wasm build allows one audited line: its global
// allocator (src/wasm/mod.rs), which cannot be declared without it.
#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]
#![cfg_attr(target_arch = "wasm32", deny(unsafe_code))]
#![warn(missing_docs)]

pub mod catalogue;
pub mod json;
pub mod signature;
mod validate;

pub use catalogue::{EventSpec, ExtraField, Section};
pub use validate::{classify, too_large_report, validate, validate_str, well_formed_event_type, Code, Event, Issue, Mode, Options, Report, Severity};

// What JS reads is built by plain Rust, so native tests check its shape.
#[cfg(any(target_arch = "wasm32", test, feature = "__fuzz"))]
mod wasm;

/// Not API: the JS-boundary encoder, exposed only for the fuzz targets in `fuzz/`.
#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub use wasm::encode as __fuzz_encode;
