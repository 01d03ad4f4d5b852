#!/usr/bin/env bash
# HTTP load against a running `lawka serve` on a synthetic index: the judged queries of
# tests/eval as the query mix, wrk as the load generator. Prints p50/p90/p99 and requests/s at
# concurrency 1 and 16, for the full search (facets, snippets), the ranked page alone
# (facets=false&snippets=false) and the same page with track_total_hits=false (pruned).
#
# Usage: benches/load.sh [QUESTIONS] [SECONDS]      (defaults: 100000, 20)
# Installs wrk (Debian) when absent; builds Ławka in release mode; works in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
QUESTIONS=${1:-100000}
SECONDS_PER_RUN=${2:-20}
WORK=$(mktemp -d)
PORT=7810
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
BIN=./target/release/lawka
$BIN synth --questions "$QUESTIONS" --out "$WORK/corpus" --corpus corpus
cp corpus/glossary.txt "$WORK/corpus/"
find "$WORK/corpus/meetings" -name "*.md" -print0 | xargs -0 cat > /dev/null   # into the page cache, as the targets assume
/usr/bin/time -f "index: %e s wall, %M KiB peak RSS" $BIN index --corpus "$WORK/corpus" --index "$WORK/index"
# wrk is one client: without --rate-limit 0 the per-client limit would answer most of it with 429.
$BIN serve --corpus "$WORK/corpus" --index "$WORK/index" --addr "127.0.0.1:$PORT" --rate-limit 0 2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 100); do curl -sf "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
echo "server RSS with the index open: $(awk '/VmRSS|RssAnon|RssFile/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$SERVE_PID/status)"

# The query mix: every judged query, URL-encoded, one per line (benches/mix_paths.py).
python3 benches/mix_paths.py "$WORK"
for mode in full page pruned; do
  for c in 1 16; do
    threads=$(( c < 2 ? 1 : 2 ))
    wrk -t"$threads" -c"$c" -d3s --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-$mode.txt" >/dev/null   # warm-up
    wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-$mode.txt" \
      | awk -v m="$mode" -v c="$c" '/^RESULT/ { printf "%-6s concurrency %-3s p50=%sms p90=%sms p99=%sms rps=%.0f errors=%s\n", m, c, $2, $3, $4, $5, $6 }'
  done
done
echo "server RSS after the load: $(awk '/VmRSS|RssAnon|RssFile/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$SERVE_PID/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVE_PID/status)"
