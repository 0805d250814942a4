//! The binding layer: everything JavaScript calls. The core knows nothing of
//! it. `encode` and `fast` are plain Rust (tested natively); `exports` holds
//! the `#[wasm_bindgen]` functions and exists only on wasm32.

// `pub` (in this private module) only so `__fuzz_encode` can re-export it.
pub mod encode;
pub mod fast;

#[cfg(target_arch = "wasm32")]
mod exports;

/// talc instead of Rust's default wasm allocator (dlmalloc): V8 compiles wasm
/// functions on their first call, and dlmalloc's `malloc` alone was 4.8 KB of
/// the 16.5 KB the first validation compiles. With talc a fresh Node process
/// imports and validates about 0.5 ms sooner (8.41 → 7.91 and 8.98 → 8.51 ms
/// medians, 31 interleaved spawns each; issue 7), at the same throughput and
/// with memory as flat (`make bench`, items 1–3 and 7).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: `new_global` requires that this is the global allocator of a
// single-threaded wasm module, which it is (the package runs no threads).
#[allow(unsafe_code)]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
