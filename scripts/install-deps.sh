#!/usr/bin/env bash
# Installs what building and testing PermitDesk needs on a fresh Debian machine (idempotent:
# it only calls apt-get when a package is missing). Run as root, or with sudo available.
set -euo pipefail

packages=(
  build-essential pkg-config
  poppler-utils        # pdftotext, pdffonts, pdftoppm: the document tests read and render PDFs
  libssl-dev           # rusqlite bundled-sqlcipher links libcrypto
  postgresql-client    # pg_isready: the test script waits for PostgreSQL
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "cargo is missing: install the Rust toolchain (rustup) first" >&2; exit 1; }
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
