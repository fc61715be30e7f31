# Styrkort: `make run` sets up and starts the app; `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO ?= cargo
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"
# Honours CARGO_TARGET_DIR, as cargo and the Tauri bundler do.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
APP_BIN := $(TARGET_DIR)/debug/styrkort-app
E2E_SHOTS := $(TARGET_DIR)/e2e-screenshots
# The Tauri bundler, from ui/'s npm packages (@tauri-apps/cli, the version of the tauri crate).
TAURI := ui/node_modules/.bin/tauri
# The third-party licences the packages carry (made by `make licences`; see about.hbs).
LICENCES := src-tauri/gen/licences/THIRD-PARTY-LICENSES.txt

.PHONY: run setup system-deps test-deps ui-deps ui app app-e2e cli licences dist lint test test-rust test-ui check-generated test-e2e test-deb clean

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

## Packages ------------------------------------------------------------------------
# The licences of every Rust crate in the app (cargo-about, checked against about.toml's
# accepted list) and of every npm package in the window's bundle (written by `npm run build`),
# in one file that the packages install beside the program and "Om Styrkort" shows.
licences: ui
	@command -v cargo-about >/dev/null 2>&1 || { echo "Installing cargo-about"; $(CARGO) install cargo-about --locked --features cli; }
	mkdir -p $(dir $(LICENCES))
	$(CARGO) about generate --fail -m src-tauri/Cargo.toml about.hbs -o $(LICENCES).part
	cat ui/dist/third-party-licences-ui.txt >> $(LICENCES).part
	@grep -q ' rusqlite 0' $(LICENCES).part && grep -q '^svelte ' $(LICENCES).part || { echo "the licences miss rusqlite or svelte" >&2; exit 1; }
	mv $(LICENCES).part $(LICENCES)

# The Linux packages (.deb, .rpm) from a release build, in $(TARGET_DIR)/release/bundle/.
# The AppImage is left to the release machine: its bundler downloads tools while building.
# The Windows installers are built on Windows (.github/workflows/windows.yml).
dist: setup licences
	$(TAURI) build --ci --bundles deb,rpm --config src-tauri/tauri.licences.conf.json
	@ls -1 $(TARGET_DIR)/release/bundle/deb/*.deb $(TARGET_DIR)/release/bundle/rpm/*.rpm

## Tests ---------------------------------------------------------------------------
test-deps: ui-deps
	scripts/install-system-deps.sh --test
	@command -v tauri-driver >/dev/null 2>&1 || { echo "Installing tauri-driver"; $(CARGO) install tauri-driver --locked; }

# Order matters: cargo test regenerates ui/src/generated (ts-rs) before the UI is checked.
# Every cargo call selects --workspace, so features unify the same way and nothing is
# compiled twice.
test: test-deps ui lint test-rust check-generated test-ui app-e2e test-e2e test-deb

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

# The .deb as IT installs it, made from the debug build the tests compiled (without the
# end-to-end hooks): installed with apt (which brings WebKitGTK), the installed program started
# under Xvfb on a new database shows the demo scorecard and the licences file the package
# carries, then the package is removed and must leave nothing behind. Replaces $(APP_BIN): run
# after test-e2e. CI spends no time on cargo-about (measured here: 2–3 min of CPU to compile
# it, 3 more to scan the 467 crates, 7 min wall on a shared machine): unless `make licences`
# made the whole file, the test package carries the npm packages' part.
test-deb: ui
	@[ -s $(LICENCES) ] || { mkdir -p $(dir $(LICENCES)); cp ui/dist/third-party-licences-ui.txt $(LICENCES); }
	$(CARGO) build --workspace --bins --features styrkort/tools
	rm -rf $(TARGET_DIR)/debug/bundle/deb
	$(TAURI) bundle --ci --debug --bundles deb --config src-tauri/tauri.licences.conf.json
	$(XVFB) scripts/test-deb.sh $(TARGET_DIR)/debug/bundle/deb/*.deb

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules
