#!/usr/bin/env bash
# Builds the desktop app's Debian package (for UOS, Kylin and other Debian-based desktops) with
# the Tauri CLI from ui/node_modules, and checks what it holds. The Windows installer (NSIS,
# Simplified Chinese) is configured in tauri.conf.json and builds on a Windows machine with
# `npx tauri build --bundles nsis`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

ui/node_modules/.bin/tauri build --bundles deb
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
echo "== $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
# The package must carry the binary, the desktop entry and the icons, and depend on WebKitGTK.
contents=$(dpkg-deb --contents "$deb")
for want in usr/bin/permitdesk-desktop usr/share/applications/ usr/share/icons/hicolor/128x128/apps/; do
  grep -q "$want" <<<"$contents" || { echo "the package lacks $want" >&2; exit 1; }
done
dpkg-deb --field "$deb" Depends | grep -q libwebkit2gtk-4.1-0 \
  || { echo "the package does not depend on libwebkit2gtk-4.1-0" >&2; exit 1; }
echo "Debian package ok: $deb"
