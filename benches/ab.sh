#!/usr/bin/env bash
# Two Ławka binaries against each other over HTTP on one built index, alternated round by round,
# A then B in odd rounds and B then A in even ones (the VM's speed drifts; alternating in both
# orders is what makes the two comparable): wrk at concurrency 16 (or CONCURRENCY),
# the judged queries of tests/eval as the mix, full search and ranked page, the BM25 path
# (LAWKA_DENSE=off) unless LAWKA_DENSE is set; MODES="full page pruned" adds the pruned page
# (track_total_hits=false, which binaries before it reject). Prints p50/p90/p99, requests/s and the server's
# RSS after the load, per binary and round (anonymous and mapped-file pages apart: the second
# depends on what the page cache holds, docs/BENCHMARKS.md).
#
# Usage: benches/ab.sh BIN_A BIN_B INDEX_DIR CORPUS_DIR [ROUNDS] [SECONDS]   (defaults: 2, 20)
# INDEX_B=DIR serves B on another index (two layouts of one corpus: one segment against one per
# core, docs/BENCHMARKS.md); CONCURRENCY=N (default 16) sets wrk's connections.
# e.g. a 1M index: lawka synth --questions 1000000 --out /tmp/s1m && lawka index --corpus /tmp/s1m --index /tmp/i1m
# CORPUS_DIR is where the servers read glossary.txt: `lawka synth` writes none, so give the bundled
# corpus (as load.sh copies its glossary) to search with the glossary's names and phrases.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { sed -n '2,9p' "$0"; exit 2; }
A=$1 B=$2 INDEX=$3 CORPUS=$4 ROUNDS=${5:-2} SECONDS_PER_RUN=${6:-20}
[ -f "$CORPUS/glossary.txt" ] || echo "ab.sh: warning: $CORPUS has no glossary.txt, so the servers search without the glossary's names (give the bundled corpus, as load.sh does)" >&2
PORT=7811
C=${CONCURRENCY:-16}
threads=$(( C < 2 ? 1 : 2 ))
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
python3 benches/mix_paths.py "$WORK"
for round in $(seq "$ROUNDS"); do
  order=(A B)
  [ $((round % 2)) -eq 0 ] && order=(B A)
  for side in "${order[@]}"; do
    # By side, not by path: the same binary may run on both indexes.
    if [ "$side" = A ]; then bin=$A index=$INDEX; else bin=$B index=${INDEX_B:-$INDEX}; fi
    LAWKA_DENSE=${LAWKA_DENSE:-off} "$bin" serve --corpus "$CORPUS" --index "$index" --addr "127.0.0.1:$PORT" --rate-limit 0 2>"$WORK/serve.log" &
    pid=$!
    for _ in $(seq 600); do curl -sf "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
    for mode in ${MODES:-full page}; do
      wrk -t"$threads" -c"$C" -d3s --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-$mode.txt" >/dev/null
      wrk -t"$threads" -c"$C" -d"${SECONDS_PER_RUN}s" --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-$mode.txt" \
        | awk -v r="$round" -v b="$side $bin" -v m="$mode" -v c="$C" '/^RESULT/ { printf "round %s %s %-4s c%s p50=%sms p90=%sms p99=%sms rps=%.0f errors=%s\n", r, b, m, c, $2, $3, $4, $5, $6 }'
    done
    echo "round $round $side $bin RSS after the load: $(awk '/VmRSS|RssAnon|RssFile/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$pid/status)"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done
