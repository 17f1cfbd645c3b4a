#!/usr/bin/env bash
# Runs every test of PermitDesk: formatting, lints, unit, property and end-to-end tests, with the
# server and client suites run twice: on the embedded SQLite backend and on PostgreSQL.
# This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test

# Incremental caches are useless on a fresh CI machine and double the target directory.
export CARGO_INCREMENTAL=0

# PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`); start the local cluster if it is
# installed but not running.
PG_URL="${PERMITDESK_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable at 127.0.0.1:5432" >&2; exit 1; }
fi

echo "== UI: type check, build (ui/dist is compiled into the desktop app), Vitest"
npm run --prefix ui build
npm test --prefix ui

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== TypeScript bindings: ui/src/api/generated/bindings.ts matches the Rust types"
# Fails when a Rust type the UI reads changed and the file was not regenerated with
# `UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib ts_bindings`. The same package
# selection and features as the run below, so nothing is compiled twice.
cargo test --workspace --locked --lib ts_bindings

echo "== cargo test (SQLite backend; the desktop end-to-end test in a window under Xvfb)"
# Screens of the end-to-end test land in target/e2e-screens/.
rm -rf target/e2e-screens
xvfb-run -a -s "-screen 0 1366x768x24" cargo test --workspace --locked

echo "== cargo test: server and client suites on PostgreSQL"
# The same package selection as above (`--workspace`), so cargo reuses every compiled crate
# instead of building a second feature set; only the test targets that talk to a store run.
PG_TESTS=(store_suite concurrency http_flow deemed_consent authz_matrix bad_input logs api_doc
  real_server simulation consultation server_kill statistics evaluation_flow evaluation_sync
  commission_flow commission_sync reference_flow admin_reference reference_sync hardening
  sign_off admin_users demo_month catalogue_rules long_offline state_cache certificates
  exchange_export server_exchange sms)
PERMITDESK_TEST_DATABASE="$PG_URL" cargo test --workspace --locked \
  $(printf -- '--test %s ' "${PG_TESTS[@]}")

PERMITDESK_BIN=target/debug/permitdesk bash scripts/fuzz.sh # the API contract under schemathesis, against a real server
echo "== the desktop app's Debian package"
bash scripts/package.sh
