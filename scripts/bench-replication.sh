#!/usr/bin/env bash
# Issue 16's comparison with a CouchDB-protocol replication peer, one command:
#
#   bash scripts/bench-replication.sh
#
# 1. installs the peer from the npm registry (bench/replication: pouchdb-server and PouchDB,
#    pinned by package-lock.json);
# 2. our push: 100,000 event-shaped commands through the real server over HTTPS in pushes of
#    200 (the client's batch), SQLite, and PostgreSQL when it answers at
#    $PERMITDESK_TEST_DATABASE (default postgres://postgres@127.0.0.1:5432/test); the pushed
#    events are written out for the peer;
# 3. the peer: the very same events as documents, replicated PouchDB → pouchdb-server
#    (batch_size 100) and back into a fresh PouchDB;
# 4. our first sync of the same department (100,005 events) through the real client;
# 5. prints the ratios beside their goals.
#
# PERMITDESK_BENCH_SCALE=0.1 shrinks steps 2-3 for a smoke run (step 4 is always 100,000).
# Figures and logs go to target/bench-replication/.
set -euo pipefail

cd "$(dirname "$0")/.."
out="${CARGO_TARGET_DIR:-target}/bench-replication"
mkdir -p "$out"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "== installing the replication peer (npm ci)" >&2
npm ci --prefix bench/replication --no-audit --no-fund --loglevel=error >&2

echo "== building the release benchmarks" >&2
cargo bench -p permitdesk-server --bench replication --no-run >&2
cargo bench -p permitdesk-client --bench initial_sync --no-run >&2

pg_url="${PERMITDESK_TEST_DATABASE:-postgres://postgres@127.0.0.1:5432/test}"
pg_hostport="${pg_url#*@}"
pg_hostport="${pg_hostport%%/*}"
pg_host="${pg_hostport%%:*}"
pg_port="${pg_hostport##*:}"
[ "$pg_port" = "$pg_hostport" ] && pg_port=5432
if (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; then
    echo "== PostgreSQL answers at $pg_host:$pg_port: both backends" >&2
    pg_env=(PERMITDESK_TEST_DATABASE="$pg_url")
else
    echo "== no PostgreSQL at $pg_host:$pg_port: SQLite only" >&2
    pg_env=()
fi

echo "== ours: push over HTTPS" >&2
env -u PERMITDESK_TEST_DATABASE "${pg_env[@]}" \
    PERMITDESK_REPLICATION_EVENTS="$PWD/$out/events.ndjson" \
    cargo bench -p permitdesk-server --bench replication >"$out/ours-push.json"
cat "$out/ours-push.json" >&2

echo "== the peer: PouchDB <-> pouchdb-server, the same events" >&2
docs=$(wc -l <"$out/events.ndjson")
node bench/replication/replicate.js --docs "$docs" --batch 100 \
    --events "$out/events.ndjson" >"$out/peer.json"
cat "$out/peer.json" >&2

echo "== ours: first sync through the client" >&2
env -u PERMITDESK_TEST_DATABASE \
    cargo bench -p permitdesk-client --bench initial_sync -- first_sync >"$out/first-sync.json"
cat "$out/first-sync.json" >&2

echo >&2
echo "$(date), $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/replication/report.js "$out/ours-push.json" "$out/peer.json" "$out/first-sync.json" \
    | tee "$out/report.md"
