#!/usr/bin/env bash
# Would Sphinx's candidates keep Ławka's ranking? (issue 13; docs/SCALE.md, "Sphinx: BM25 and OR")
# Starts a 3-node Sphinx cluster (tools/sphinx-cluster.sh) in a temporary directory, builds and
# publishes CORPUS_DIR with `lawka index --backend sphinx`, then either `measure`s the judged
# sets' nDCG@10 with Ławka's ranking kept to Sphinx's first 50 (`lawka eval --backend sphinx
# --sphinx-candidates`;
# the bundled corpus) or the `overlap` of Ławka's own top 10 with Sphinx's top N
# (examples/sphinx_candidates.rs; no judgments needed: a synthetic 100k corpus). Stops the
# cluster afterwards.
#
#   tools/sphinx-candidates.sh corpus measure
#   LAWKA_DENSE=off tools/sphinx-candidates.sh /tmp/s100k overlap 250
#   tools/sphinx-candidates.sh /tmp/s100k load 50 20 16     # statements/s of the candidate step
#
# Environment: SPHINX_RANKER (overlap only), LAWKA_DENSE, LAWKA_SPHINX_PORT (default 19406).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,14p' "$0"; exit 2; }
CORPUS=$(realpath "$1"); shift   # before the cd: a path relative to the caller's directory
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
trap 'bash tools/sphinx-cluster.sh stop "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
LAWKA_SPHINX_PORT=${LAWKA_SPHINX_PORT:-19406} bash tools/sphinx-cluster.sh init "$WORK/cluster"
set -a; . "$WORK/cluster/cluster.env"; set +a
cargo build -q --release --bin lawka --example sphinx_candidates
target/release/lawka index --backend sphinx --corpus "$CORPUS" --index "$WORK/index"
bash tools/sphinx-cluster.sh start "$WORK/cluster"
case "$1" in
  measure) target/release/lawka eval --backend sphinx --sphinx-candidates --corpus "$CORPUS" --index "$WORK/index" ;;
  overlap) target/release/examples/sphinx_candidates "$WORK/index" "${2:?overlap N}" ;;
  load)
    # The candidate statements (first N) for SECONDS from CLIENTS threads: through all three
    # nodes, then through node 1 alone.
    target/release/examples/sphinx_candidates "$WORK/index" "${2:?load N}" load "${3:-20}" "${4:-16}"
    SPHINX_NODES=$SPHINX_NODE1 target/release/examples/sphinx_candidates "$WORK/index" "$2" load "${3:-20}" "${4:-16}"
    ;;
  *) echo "measure, overlap N or load N [SECONDS] [CLIENTS]" >&2; exit 2 ;;
esac
