#!/usr/bin/env bash
# The server's memory across reindexes under load: a synthetic corpus is indexed and served, wrk
# sends the judged queries (benches/mix.lua) while `lawka index` publishes a new generation again
# and again, and the server's anonymous and file-backed resident memory (RssAnon, RssFile) is
# printed every five switches. Memory that grows with switches and stays after them is the
# allocator's or a leak; file-backed memory is the index's pages, which the kernel can reclaim.
#
# Usage: benches/switches.sh [QUESTIONS] [SWITCHES] [BINARY]   (defaults: 20000, 20, a release build)
# Compare allocators with a second binary: `cargo build --release --no-default-features
# --target-dir /tmp/glibc` gives glibc's malloc, then pass /tmp/glibc/release/lawka.
set -euo pipefail
cd "$(dirname "$0")/.."
QUESTIONS=${1:-20000}
SWITCHES=${2:-20}
BIN=${3:-}
WORK=$(mktemp -d)
PORT=7811
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "$BIN" ]; then cargo build --release --quiet; BIN=./target/release/lawka; fi
# The dense part off: the model is not what is measured, and it may not be installed.
export LAWKA_DENSE=off
$BIN synth --questions "$QUESTIONS" --out "$WORK/corpus" --corpus corpus >/dev/null
cp corpus/glossary.txt "$WORK/corpus/"
$BIN index --corpus "$WORK/corpus" --index "$WORK/index" >/dev/null 2>&1
$BIN serve --corpus "$WORK/corpus" --index "$WORK/index" --addr "127.0.0.1:$PORT" --rate-limit 0 2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 100); do curl -sf "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
python3 benches/mix_paths.py "$WORK"
rss() { awk '/RssAnon|RssFile/ {printf "%s %6d MB  ", $1, $2 / 1024}' "/proc/$SERVE_PID/status"; }
echo "opened:            $(rss)"
# Long enough to outlast the switches; stopped after them.
wrk -t2 -c8 -d3600s --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-full.txt" >"$WORK/wrk.log" 2>&1 &
WRK_PID=$!
before=$(grep -c 'switched to a new index generation' "$WORK/serve.log" || true)
for i in $(seq "$SWITCHES"); do
  $BIN index --corpus "$WORK/corpus" --index "$WORK/index" >/dev/null 2>&1
  sleep 1
  if (( i % 5 == 0 )); then printf 'after %3d switches: %s\n' "$i" "$(rss)"; fi
done
kill -INT "$WRK_PID"; wait "$WRK_PID" || true
after=$(grep -c 'switched to a new index generation' "$WORK/serve.log" || true)
echo "generations the server switched to: $(( after - before ))"
awk '/^RESULT/ { printf "searches under the switches: p50=%sms p90=%sms p99=%sms rps=%.0f errors=%s\n", $2, $3, $4, $5, $6 }' "$WORK/wrk.log"
