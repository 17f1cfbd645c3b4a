#!/usr/bin/env bash
# Builds PermitDesk and runs it on the demo data: the README's run command.
# For now this is the `permitdesk` command line on the shipped Harbin demo catalogue; with no
# arguments it shows the catalogue and reads the legal clock of a demo case, otherwise it passes
# its arguments to `permitdesk` (e.g. `scripts/run.sh code check project 2024-230102-48-01-123456`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --locked -p permitdesk-cli
bin=target/release/permitdesk
if [ "$#" -gt 0 ]; then
  exec "$bin" "$@"
fi
"$bin" catalogue show
echo
echo "== 示例：2024-09-27 10:00 受理、时限 20 个工作日的办件，于 2024-10-10 12:00 的计时情况"
"$bin" clock --accepted 2024-09-27T10:00 --limit 20 --as-of 2024-10-10T12:00
echo
echo "== 示例文书：申请表、一次性告知单、受理通知书……（写入 target/demo-documents）"
"$bin" documents demo --out target/demo-documents
