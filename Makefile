# Styrkort: `make run` sets up and starts the app; `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO ?= cargo
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"
APP_BIN := target/debug/styrkort-app
E2E_SHOTS := target/e2e-screenshots

.PHONY: run setup system-deps test-deps ui-deps ui app app-e2e cli lint test test-rust test-ui check-generated test-e2e clean

## Set-up and start ---------------------------------------------------------------
run: setup ui
	$(CARGO) run -p styrkort-app --

setup: system-deps ui-deps

system-deps:
	scripts/install-system-deps.sh

ui-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

ui: ui-deps
	cd ui && npm run build

app: ui
	$(CARGO) build --workspace --bins

# The app the end-to-end tests drive: with the stand-ins for the native dialogs.
app-e2e: ui
	$(CARGO) build --workspace --bins --features styrkort-app/e2e-hooks,styrkort/tools

cli:
	$(CARGO) build -p styrkort

## Tests ---------------------------------------------------------------------------
test-deps: ui-deps
	scripts/install-system-deps.sh --test
	@command -v tauri-driver >/dev/null 2>&1 || { echo "Installing tauri-driver"; $(CARGO) install tauri-driver --locked; }

# Order matters: cargo test regenerates ui/src/generated (ts-rs) before the UI is checked.
# Every cargo call selects --workspace, so features unify the same way and nothing is
# compiled twice.
test: test-deps ui lint test-rust check-generated test-ui app-e2e test-e2e

# Format and lint: rustfmt and clippy for the workspace, ESLint and Prettier for the window.
lint: ui-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	cd ui && npm run lint

# The library's `tools` feature (generator, benchmarks, styrkort-tools) is on in every test
# build, so the core is compiled once for the tests and the end-to-end app alike.
test-rust:
	$(CARGO) test --workspace --features styrkort/tools

# The TypeScript twins of the IPC types and the command client (cargo test), and the window's
# permissions (build.rs), must be committed as generated.
check-generated:
	@if git rev-parse --git-dir >/dev/null 2>&1 && [ -n "$$(git status --porcelain -- ui/src/generated src-tauri/permissions)" ]; then \
	  echo "ui/src/generated or src-tauri/permissions differs from what the Rust code generates; commit the regenerated files:"; \
	  git status --porcelain -- ui/src/generated src-tauri/permissions; exit 1; fi

test-ui: ui-deps
	cd ui && npm run check && npm test

test-e2e:
	mkdir -p $(E2E_SHOTS)
	STYRKORT_APP_BINARY=$(abspath $(APP_BIN)) STYRKORT_E2E_SHOTS=$(abspath $(E2E_SHOTS)) \
	  $(XVFB) $(CARGO) test --workspace --features styrkort/tools --test e2e_window -- --ignored --test-threads=1

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules
