#!/usr/bin/env bash
# Measures the desktop app's memory (issue 13, "Memory"; BENCHMARKS.md, "Desktop app memory
# (issue 13)"): a release build of the app against a real server with a demo month, a
# reviewer logged in on a fresh profile, then PERMITDESK_MEMORY_MINUTES (default 20) minutes of
# use with twenty PDF previews. Prints VmRSS and PSS of the app and its WebKit processes after
# login, after every fifth preview and at the end (tests/desktop_memory.rs). Run by hand; not
# part of scripts/test.sh.
#
#   scripts/measure-memory.sh                              # 20 minutes, release app
#   PERMITDESK_MEMORY_MINUTES=2 scripts/measure-memory.sh  # a short run
#   PERMITDESK_MEMORY_APP=target/debug/permitdesk-desktop scripts/measure-memory.sh  # another build
#
# Needs what the desktop end-to-end test needs: Xvfb, WebKitWebDriver, tauri-driver
# (`bash scripts/install-deps.sh --test` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

# The same flags as scripts/test.sh, so that the debug artifacts are shared with it.
export CARGO_INCREMENTAL=0

npm run --prefix ui build
app="${PERMITDESK_MEMORY_APP:-}"
if [ -z "$app" ]; then
  cargo build --release --locked -p permitdesk-desktop
  app=target/release/permitdesk-desktop
fi
# Measure a copy, taken at once: another build in the same target directory may replace the
# file meanwhile. Its name says the profile (release-permitdesk-desktop).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/$(basename "$(dirname "$(realpath "$app")")")-$(basename "$app")"
cp "$app" "$copy"

# The server is the debug `permitdesk` beside the test's own app (or PERMITDESK_PERF_CLI).
cargo build --locked -p permitdesk-cli
cargo test --locked -p permitdesk-desktop --test desktop_memory --no-run

export PERMITDESK_MEMORY_APP="$copy"
export PERMITDESK_MEMORY_MINUTES="${PERMITDESK_MEMORY_MINUTES:-20}"
xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo test --locked -p permitdesk-desktop --test desktop_memory -- --ignored --nocapture
