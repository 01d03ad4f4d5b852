#!/usr/bin/env bash
# Would Sphinx's candidates keep Ławka's ranking? (issue 13; docs/SCALE.md, "Sphinx: BM25 and OR")
# Exports a built index's generation as Sphinx xmlpipe2 (Ławka's folded terms), indexes it with
# Debian's sphinxsearch 2.2, serves it with one searchd on 127.0.0.1, then runs
# examples/sphinx_candidates.rs: `measure` (nDCG@10 of Ławka kept to Sphinx's top N, on the judged
# sets; give the bundled corpus's index) or `overlap N` (the share of Ławka's top 10 for the dev
# queries that is among Sphinx's top N: no judgments needed, for a synthetic 100k or 1M index).
#
#   tools/sphinx-candidates.sh INDEX_DIR measure
#   tools/sphinx-candidates.sh INDEX_DIR overlap N
#
# Environment: SPHINX_RANKER (default bm25f, see the example), SPHINX_ADDED_BOOST, LAWKA_DENSE,
# LAWKA_SPHINX_PORT (default 19406). Installs sphinxsearch with apt-get when searchd is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,14p' "$0"; exit 2; }
INDEX=$(realpath "$1"); shift
PORT=${LAWKA_SPHINX_PORT:-19406}
command -v searchd >/dev/null || { apt-get update -qq && apt-get install -y -qq sphinxsearch >/dev/null; }
export SPHINX_RANKER=${SPHINX_RANKER:-"expr('bm25f(1.2,0.75)*100000')"}
WORK=$(mktemp -d)
trap 'searchd --config "$WORK/sphinx.conf" --stopwait >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
cargo build -q --release --example sphinx_candidates
X=target/release/examples/sphinx_candidates
"$X" export "$INDEX" "$WORK/docs.xml"
mkdir -p "$WORK/data"
cat > "$WORK/sphinx.conf" <<CONF
source lawka
{
  type = xmlpipe2
  xmlpipe_command = cat $WORK/docs.xml
}
index lawka
{
  source = lawka
  path = $WORK/data/lawka
  # Ławka's folded terms are letters and digits (Latin, Polish, Cyrillic), space-separated.
  charset_table = 0..9, a..z, _, U+00C0..U+024F, U+0400..U+04FF
  index_field_lengths = 1
  min_word_len = 1
}
indexer
{
  mem_limit = 512M
}
searchd
{
  listen = 127.0.0.1:$PORT:mysql41
  log = $WORK/searchd.log
  query_log = $WORK/query.log
  pid_file = $WORK/searchd.pid
  workers = threads
  binlog_path =
}
CONF
indexer --quiet --config "$WORK/sphinx.conf" --all
searchd --config "$WORK/sphinx.conf" >/dev/null
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
"$X" "$1" "$INDEX" "$PORT" "${@:2}"
