#!/usr/bin/env bash
# Installs what building and running PermitDesk needs on a fresh Debian machine, and with
# `--test` also what only the tests need (idempotent: it only calls apt-get when a package is
# missing). Run as root, or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true

packages=(
  build-essential pkg-config
  libssl-dev           # rusqlite bundled-sqlcipher links libcrypto
  # The desktop app (Tauri 2 on WebKitGTK):
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev file
  xvfb xauth           # a virtual display when the machine has none
  fonts-wqy-microhei   # a CJK font for the webview (Chinese is boxes without one)
  locales              # zh_CN.UTF-8 below: GTK's file dialogs speak Chinese (src-tauri/src/startup.rs)
  nodejs npm           # builds the UI (ui/); the machine's own Node.js is used if present
)
if $for_tests; then
  packages+=(
    poppler-utils      # pdftotext, pdffonts, pdftoppm: the document tests read and render PDFs
    postgresql-client  # pg_isready: the test script waits for PostgreSQL
    webkit2gtk-driver  # WebKitWebDriver, driven through tauri-driver in the desktop tests
  )
fi

missing=()
for p in "${packages[@]}"; do
  # A Node.js that is already on the PATH (installed outside Debian's packages) is kept.
  if { [ "$p" = nodejs ] || [ "$p" = npm ]; } && command -v "${p/nodejs/node}" >/dev/null; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Chinese locale the app's native dialogs are translated by (a Chinese desktop has it).
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if [ -f /etc/locale.gen ]; then
    $SUDO sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
    $SUDO locale-gen >/dev/null
  fi
fi

command -v cargo >/dev/null || { echo "cargo is missing: install the Rust toolchain (rustup) first" >&2; exit 1; }
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# tauri-driver: the WebDriver front of the desktop app (a crate; about 30 s to build once).
if $for_tests && ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  cargo install tauri-driver --version 2.1.0 --locked
fi

# The UI's packages, exactly as package-lock.json says (no download besides the npm registry).
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm ci --prefix ui --no-audit --no-fund
fi

# schemathesis: the property-based fuzzer of scripts/fuzz.sh, from PyPI at a pinned version, in
# a virtual environment of its own (the machine's python3; nothing installed system-wide).
SCHEMATHESIS_VERSION=4.32.5 # keep in step with scripts/fuzz.sh
st_venv="${PERMITDESK_FUZZ_VENV:-$HOME/.cache/permitdesk/schemathesis-$SCHEMATHESIS_VERSION}"
if $for_tests && ! "$st_venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  command -v python3 >/dev/null || { echo "python3 is missing (the fuzzer needs it)" >&2; exit 1; }
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    [ "$(id -u)" -eq 0 ] && SUDO="" || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv
  fi
  rm -rf "$st_venv"
  python3 -m venv "$st_venv"
  "$st_venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
