//! The binding layer: everything JavaScript calls. The core knows nothing of
//! it. `encode` and `fast` are plain Rust (tested natively); `exports` holds
//! the `#[wasm_bindgen]` functions and exists only on wasm32.

// `pub` (in this private module) only so `__fuzz_encode` can re-export it.
pub mod encode;
pub mod fast;

#[cfg(target_arch = "wasm32")]
mod exports;
