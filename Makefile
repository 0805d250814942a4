# The two commands: `make demo` (build the npm package, run it on real
# payloads) and `make test` (every test). Each target installs what it needs
# when it is missing and skips what is already there.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
# The CLI must match the crate exactly (Cargo.toml pins it with `=`).
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
export PATH := $(HOME)/.cargo/bin:$(PATH)
# Tests talk to loopback only: no Playwright browser download, no wrangler metrics,
# no Cloudflare cf.json fetch.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false

.PHONY: demo test pkg bench catalogue tools-rust tools-node tools-browser test-rust test-js inspector fuzz

demo: pkg
	node examples-js/demo.mjs

test: test-rust test-js

test-rust:
	cargo test --all-targets
	cargo test --doc

test-js: pkg tools-browser
	node --test --test-reporter=spec tests/js/

pkg: tools-rust tools-node
	node tools/build-pkg.mjs
	@# Examples and tests import the package by name, as users do.
	ln -sfn ../pkg node_modules/healthie-webhooks

catalogue:
	UPDATE_GENERATED=1 cargo test --test generated

# Fuzzing (docs/limits.md): seeds fuzz/corpus from the reference examples and
# runs each cargo-fuzz target for FUZZ_SECONDS (`make fuzz FUZZ_SECONDS=300`).
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 allows them on stable.
# A crash stops the run and leaves its input in fuzz/artifacts/<target>/.
# FUZZ_ARGS passes more libFuzzer flags (e.g. FUZZ_ARGS=-max_len=65536).
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_TARGETS := parse_validate verify_signature
fuzz:
	@command -v cargo-fuzz >/dev/null || { echo "installing cargo-fuzz (a few minutes)"; cargo install cargo-fuzz; }
	node fuzz/seed.mjs
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		dict=; if [ -f $$t.dict ]; then dict=-dict=$$t.dict; fi; \
		RUSTC_BOOTSTRAP=1 cargo fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 $$dict $(FUZZ_ARGS); \
	done

# Benchmarks (issue 7; not timed tests): the native Rust bench, then the
# package against plain-JS baselines pair by pair (interleaved rounds), cold
# start, .wasm size and memory. Prints a markdown table; results in
# target/bench.json and target/bench-native.json. `make bench BENCH_ARGS=--quick`
# for a shorter run. Rebuilds pkg/ only when its sources changed.
BENCH_ARGS ?=
bench: tools-rust tools-node
	@if [ ! -f pkg/node.mjs ] || [ -n "$$(find src pkg-template tools/build-pkg.mjs Cargo.toml Cargo.lock -newer pkg/node.mjs -print -quit)" ]; then \
		$(MAKE) --no-print-directory pkg; \
	fi
	@ln -sfn ../pkg node_modules/healthie-webhooks
	cargo bench --bench native
	node bench/run.mjs $(BENCH_ARGS)

tools-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 4 minutes)"; \
		cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); \
	fi

tools-node: node_modules/.package-lock.json

# `npm ci` when the lock file changed or node_modules is missing.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

tools-browser:
	@if ! command -v chromium >/dev/null; then \
		echo "installing Debian's chromium for browser tests"; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium; \
	fi

# The browser payload inspector (examples-js/inspector/): builds the package and
# serves the page and pkg/ on http://127.0.0.1:8787/ (`make inspector PORT=9000`).
inspector: pkg
	node examples-js/inspector/serve.mjs $(PORT)
