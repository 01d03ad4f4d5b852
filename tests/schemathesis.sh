#!/usr/bin/env bash
# Schemathesis, a fuzzer driven by the OpenAPI description, against `lawka serve` on the demo
# index: every check (`--checks all`), valid and invalid data, a fixed seed and example count.
# It fails on any request that the description allows and the server refuses, any it forbids and
# the server accepts, any response unlike its description, and any 5xx. Run by .ci/run; runs alone
# too. The per-client rate limit is off for the run: it tests the description, not the limit.
#
# Usage: tests/schemathesis.sh             (LAWKA_BIN=path/to/lawka to test another build)
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
SEED=${SCHEMATHESIS_SEED:-20261203}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-150}
BIN=${LAWKA_BIN:-${CARGO_TARGET_DIR:-target}/debug/lawka}
VENV=target/schemathesis-$SCHEMATHESIS_VERSION
source tools/demo-server.sh

if ! [ -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ -z "${LAWKA_BIN:-}" ]; then cargo build --locked --quiet; fi

start_demo_server "$BIN" --rate-limit 0

timeout 180 "$VENV/bin/schemathesis" --config-file tests/schemathesis.toml run \
  "http://127.0.0.1:$PORT/api/openapi.json" --url "http://127.0.0.1:$PORT" \
  --checks all --max-examples "$EXAMPLES" --seed "$SEED" --generation-database none --no-color
