#!/usr/bin/env bash
# Builds PermitDesk and runs it on the demo data: the README's run command.
#
# With no arguments: builds the UI, the `permitdesk` command and the desktop app (release),
# starts a local server with the Harbin demo catalogue, one demo user per role and a month of
# demo work (`permitdesk demo month`; data in target/demo-server, kept between runs), prints
# the server address, its certificate fingerprint and the demo users' passwords, and opens the
# desktop app against it. Closing the app stops the server. Without a display it starts a
# virtual one (Xvfb) so that the app still runs (e.g. on a headless CI machine: look at it
# with a screenshot tool).
#
# With arguments: runs `permitdesk` with them (e.g. `scripts/run.sh code check project ...`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

if [ "$#" -gt 0 ]; then
  cargo build --release --locked -p permitdesk-cli
  exec target/release/permitdesk "$@"
fi

npm run --prefix ui build
cargo build --release --locked -p permitdesk-cli -p permitdesk-desktop
bin=target/release/permitdesk
app=target/release/permitdesk-desktop

data=target/demo-server
listen="${PERMITDESK_LISTEN:-127.0.0.1:8443}"
# Port taken (another server running)? Let the system pick a free one; the address is printed.
if [ -z "${PERMITDESK_LISTEN:-}" ] && (echo > /dev/tcp/127.0.0.1/8443) 2>/dev/null; then
  echo "127.0.0.1:8443 已被占用，改用系统分配的空闲端口"
  listen="127.0.0.1:0"
fi
if [ ! -f "$data/users.json" ]; then
  rm -rf "$data"
  "$bin" server init --data "$data"
  "$bin" --json demo seed --data "$data" > "$data/users.json.tmp"
  # A month of a district hall's work up to now, so that every queue, chart and table has content.
  "$bin" demo month --data "$data"
  mv "$data/users.json.tmp" "$data/users.json"
fi

log="$data/server.log"
"$bin" --json server run --data "$data" --listen "$listen" > "$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q listening "$log" 2>/dev/null && break; sleep 0.2; done
fingerprint=$(sed -n 's/.*"fingerprint":"\([0-9a-f]*\)".*/\1/p' "$log" | head -n 1)
url=$(sed -n 's/.*"listening":"\([^"]*\)".*/\1/p' "$log" | head -n 1)
[ -n "$url" ] || { echo "服务器未能启动：" >&2; cat "$log" >&2; exit 1; }

echo
echo "== PermitDesk 演示服务器：$url"
echo "   证书公钥指纹（SHA-256）：$fingerprint"
echo "   演示用户（用户名 / 角色 / 密码）："
python3 - "$data/users.json" <<'EOF' 2>/dev/null || cat "$data/users.json"
import json, sys
for u in json.load(open(sys.argv[1])):
    print(f"     {u['id']:<16} {u.get('role', ''):<20} {u.get('password', '')}")
EOF
echo "   每个角色各用一个配置目录：PERMITDESK_PROFILE=target/demo-profiles/<用户名> scripts/run.sh"
echo

if [ -z "${DISPLAY:-}" ]; then
  Xvfb :77 -screen 0 1366x768x24 >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=:77
  echo "（没有显示器：桌面程序运行在虚拟显示 :77 上）"
fi
# The desktop's own dialogs (另存为, 选择文件) speak the session's language: Chinese when the
# machine has a zh_CN locale and the session is not already Chinese.
if [[ "${LANG:-}" != zh_CN* ]] && locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
  export LANG=zh_CN.UTF-8 LANGUAGE=zh_CN:zh
fi
profile="${PERMITDESK_PROFILE:-target/demo-profiles/default}"
"$app" --profile "$profile" --server "$url" --fingerprint "$fingerprint"
