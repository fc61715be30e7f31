#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Styrkort needs, and only those that are missing.
#   scripts/install-system-deps.sh          what building and running the app needs
#   scripts/install-system-deps.sh --test   plus what the tests need (Xvfb, WebKitWebDriver, PDF tools,
#                                           PostgreSQL's server)
# Uses sudo when not root, and prints what it installs.
set -euo pipefail

# libclang-dev: rusqlite's pre-update hook (the undo journal) needs SQLite bindings generated at build time.
packages=(build-essential pkg-config curl libclang-dev libwebkit2gtk-4.1-dev libssl-dev librsvg2-dev fonts-dejavu-core)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(xvfb xauth webkit2gtk-driver poppler-utils qpdf imagemagick)
  # The shared-database tests (issue 14) start throw-away PostgreSQL clusters of their own
  # (tests/common/pg.rs): the distribution's server (Debian 12: 15; programs in
  # /usr/lib/postgresql/N/bin; no server is left running), and the openssl command that makes
  # the TLS test's certificate authority.
  packages+=(postgresql openssl)
  # LibreOffice opens the exported workbooks (tests/reports.rs) and the Word delårsrapport
  # (tests/delarsrapport.rs). Any installed LibreOffice with Calc and Writer will do; else
  # the GUI-less ones (about 30 s to install; they would replace a GUI one).
  if ! command -v soffice >/dev/null 2>&1; then
    packages+=(libreoffice-calc-nogui libreoffice-writer-nogui)
  elif ! dpkg-query -W -f='${Status}' libreoffice-writer 2>/dev/null | grep -q "install ok installed"; then
    packages+=(libreoffice-writer-nogui)
  fi
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "This script knows Debian and Ubuntu. On other systems install the equivalents of:" >&2
  printf '  %s\n' "${packages[@]}" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "System packages: all present."
  exit 0
fi

echo "Installing system packages: ${missing[*]}"
sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
