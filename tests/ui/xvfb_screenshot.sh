#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts the real desktop app on a private Xvfb display with the demo config,
# screenshots the whole screen, and checks the picture shows a window (not a
# blank screen). Usage: xvfb_screenshot.sh SWITCHYARD_BINARY OUTPUT_PNG
set -euo pipefail
binary=$1
out=$2
for tool in Xvfb import convert; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

work=$(mktemp -d)
app_pid=""
xvfb_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A display number nobody uses: Xvfb picks one and writes it to fd 3.
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do
  [ -s "$work/display" ] && break
  sleep 0.1
done
display=":$(head -n1 "$work/display")"

# Fresh XDG dirs: no config file, so the app shows the bundled demo config.
env -u WAYLAND_DISPLAY DISPLAY="$display" QT_QPA_PLATFORM=xcb HOME="$work" \
  XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  "$binary" >"$work/app.log" 2>&1 &
app_pid=$!

# Wait until a window is mapped (xwininfo is not always there; poll the screen).
mkdir -p "$(dirname "$out")"
for _ in $(seq 1 100); do
  sleep 0.2
  kill -0 "$app_pid" 2>/dev/null || { echo "FAIL: app exited early"; cat "$work/app.log"; exit 1; }
  DISPLAY="$display" import -window root "$out" 2>/dev/null || continue
  colours=$(convert "$out" -format '%k' info:)
  [ "$colours" -gt 16 ] && break
done
colours=$(convert "$out" -format '%k' info:)
echo "screenshot $out: $colours colours"
[ "$colours" -gt 16 ] || { echo "FAIL: the screen stayed blank"; cat "$work/app.log"; exit 1; }
