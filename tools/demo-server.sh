# Sourced by scripts that need a throwaway Ławka server on the demo corpus (tests/schemathesis.sh,
# benches/fairness.sh): `start_demo_server BIN [serve options...]` indexes corpus/ into a
# temporary directory, serves it on a free loopback port and waits for /healthz; it sets WORK,
# PORT and SERVER, and an EXIT trap stops the server and removes WORK. Exits 2 with the server's
# log when it does not come up.

WORK=$(mktemp -d)
SERVER=
stop_demo_server() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap stop_demo_server EXIT

start_demo_server() {
  local bin=$1
  shift
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" index --corpus corpus --index "$WORK/index" >/dev/null
  "$bin" serve --corpus corpus --index "$WORK/index" --addr "127.0.0.1:$PORT" "$@" 2>"$WORK/serve.log" &
  SERVER=$!
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0; sleep 0.2; done
  cat "$WORK/serve.log"
  echo "the server did not start" >&2
  exit 2
}
