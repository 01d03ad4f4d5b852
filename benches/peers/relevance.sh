#!/usr/bin/env bash
# Relevance side by side: Ławka, Lucene 8 + Morfologik (Debian packages) and bm25s + Snowball
# Polish (PyPI) on the same corpus, the same judged queries and related-question seeds, one run.
# Prints one Markdown table per eval set: nDCG@10 / recall@10 per query type, and nDCG@5 /
# recall@5 of related questions.
#
# Installs what it needs: Debian liblucene8-java, libmorfologik-stemming2-java and a JDK; the
# pinned packages of benches/peers/requirements.txt in benches/peers/.venv. Ławka runs as a user
# gets it: `tools/setup-model.sh` first for its hybrid retrieval (without the model it is BM25
# only, and /healthz, printed below, says so).
#
# Usage: benches/peers/relevance.sh [EVAL_DIR...]   (default: tests/eval and tests/eval/holdout to holdout9)
#   LAWKA_BIN=path/to/lawka   use that binary instead of `cargo build --release`
set -euo pipefail
[ -z "${LAWKA_BIN:-}" ] || LAWKA_BIN=$(realpath "$LAWKA_BIN")
cd "$(dirname "$0")/../.."
EVALS=("$@")
[ ${#EVALS[@]} -gt 0 ] || EVALS=(tests/eval tests/eval/holdout tests/eval/holdout2 tests/eval/holdout3 tests/eval/holdout4 tests/eval/holdout5 tests/eval/holdout6 tests/eval/holdout7 tests/eval/holdout8 tests/eval/holdout9)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! [ -f /usr/share/java/lucene-analyzers-morfologik-8.7.0.jar ] || ! command -v javac >/dev/null; then
  apt-get update -qq && apt-get install -y -qq liblucene8-java libmorfologik-stemming2-java default-jdk-headless >/dev/null
fi
VENV=benches/peers/.venv
if ! "$VENV/bin/python" -c 'import bm25s, Stemmer' 2>/dev/null; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q -r benches/peers/requirements.txt
fi
J=/usr/share/java
CP=$J/hppc.jar:$J/lucene-analyzers-common-8.7.0.jar:$J/lucene-analyzers-morfologik-8.7.0.jar:$J/lucene-core-8.7.0.jar:$J/lucene-queryparser-8.7.0.jar:$J/morfologik-fsa.jar:$J/morfologik-polish.jar:$J/morfologik-stemming.jar
javac -d "$WORK" -cp "$CP" benches/peers/lucene/LuceneHttp.java
python3 benches/peers/relevance.py corpus --export "$WORK/docs.tsv"
java -cp "$CP:$WORK" LuceneHttp "$WORK/docs.tsv" "$WORK/lucene-idx" 7701 2>"$WORK/lucene.log" &

if [ -z "${LAWKA_BIN:-}" ]; then
  cargo build --release --quiet
  LAWKA_BIN=${CARGO_TARGET_DIR:-target}/release/lawka
fi
"$LAWKA_BIN" index --corpus corpus --index "$WORK/index" >/dev/null
# The script is one client: without --rate-limit 0 a fast build runs into the per-client limit (429).
"$LAWKA_BIN" serve --corpus corpus --index "$WORK/index" --addr 127.0.0.1:7702 --rate-limit 0 2>"$WORK/lawka.log" &

for url in http://127.0.0.1:7701/search?q=test http://127.0.0.1:7702/healthz; do
  for _ in $(seq 100); do curl -sf "$url" >/dev/null && break; sleep 0.2; done
done
echo "$("$LAWKA_BIN" --version) ($LAWKA_BIN), /healthz: $(curl -sf http://127.0.0.1:7702/healthz)"
echo
"$VENV/bin/python" benches/peers/relevance.py corpus "${EVALS[@]}" \
  --lawka http://127.0.0.1:7702 --lucene http://127.0.0.1:7701 --bm25s
