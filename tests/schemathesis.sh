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
WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! [ -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ -z "${LAWKA_BIN:-}" ]; then cargo build --locked --quiet; fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" index --corpus corpus --index "$WORK/index" >/dev/null
"$BIN" serve --corpus corpus --index "$WORK/index" --addr "127.0.0.1:$PORT" --rate-limit 0 2>"$WORK/serve.log" &
SERVER=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/serve.log"; echo "server did not start" >&2; exit 2; }

timeout 180 "$VENV/bin/schemathesis" --config-file tests/schemathesis.toml run \
  "http://127.0.0.1:$PORT/api/openapi.json" --url "http://127.0.0.1:$PORT" \
  --checks all --max-examples "$EXAMPLES" --seed "$SEED" --generation-database none --no-color
