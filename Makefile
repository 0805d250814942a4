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

.PHONY: demo test pkg bench catalogue tools-rust tools-node tools-browser test-rust test-js inspector

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
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

# The browser payload inspector (examples-js/inspector/): builds the package and
# serves the page and pkg/ on http://127.0.0.1:8787/ (`make inspector PORT=9000`).
inspector: pkg
	node examples-js/inspector/serve.mjs $(PORT)
