#!/usr/bin/env bash
# Time from launching `npm start` (which builds the handler bundle when its sources changed) to its ready line, five times,
# then SIGTERM; reports the exit code and whether any server process was left behind.
# Usage: bash bench/start-time.sh   (ports 8080 and 8000 must be free)
set -u
cd "$(dirname "$0")/.."
out=$(mktemp)
for i in 1 2 3 4 5; do
  : > "$out"
  t0=$(date +%s%N)
  npm start > "$out" 2>&1 &
  pid=$!
  until grep -q "Ctrl-C stops" "$out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  echo "run $i: $(( (t1 - t0) / 1000000 )) ms to the ready line, exit $rc, processes left: $(pgrep -fc 'local/main.ts' || true)"
done
rm -f "$out"
