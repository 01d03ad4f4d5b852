#!/usr/bin/env bash
# Relevance side by side: Ławka and Lucene 8 + Morfologik (Debian packages) on the same corpus and
# the same judged queries, one run. Installs what it needs (Debian: liblucene8-java,
# libmorfologik-stemming2-java; a JDK), builds Ławka in release mode, prints a Markdown table.
#
# Usage: benches/peers/relevance.sh [EVAL_DIR]   (default: tests/eval)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVAL=${1:-tests/eval}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! [ -f /usr/share/java/lucene-analyzers-morfologik-8.7.0.jar ] || ! command -v javac >/dev/null; then
  apt-get update -qq && apt-get install -y -qq liblucene8-java libmorfologik-stemming2-java default-jdk-headless >/dev/null
fi
J=/usr/share/java
CP=$J/hppc.jar:$J/lucene-analyzers-common-8.7.0.jar:$J/lucene-analyzers-morfologik-8.7.0.jar:$J/lucene-core-8.7.0.jar:$J/lucene-queryparser-8.7.0.jar:$J/morfologik-fsa.jar:$J/morfologik-polish.jar:$J/morfologik-stemming.jar
javac -d "$WORK" -cp "$CP" benches/peers/lucene/LuceneHttp.java
python3 benches/peers/relevance.py corpus "$EVAL" --export "$WORK/docs.tsv"
java -cp "$CP:$WORK" LuceneHttp "$WORK/docs.tsv" "$WORK/lucene-idx" 7701 2>"$WORK/lucene.log" &

cargo build --release --quiet
./target/release/lawka index --corpus corpus --index "$WORK/index" >/dev/null
./target/release/lawka serve --corpus corpus --index "$WORK/index" --addr 127.0.0.1:7702 2>"$WORK/lawka.log" &

for url in http://127.0.0.1:7701/search?q=test http://127.0.0.1:7702/healthz; do
  for _ in $(seq 100); do curl -sf "$url" >/dev/null && break; sleep 0.2; done
done
python3 benches/peers/relevance.py corpus "$EVAL" --lawka http://127.0.0.1:7702 --lucene http://127.0.0.1:7701
