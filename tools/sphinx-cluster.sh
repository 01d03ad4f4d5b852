#!/usr/bin/env bash
# A local Sphinx cluster on 127.0.0.1 (Debian's sphinxsearch 2.2; issue 13, docs/SCALE.md): by
# default 3 nodes, the questions in 3 shards, each shard on 2 nodes; on every node a distributed
# index `lawka` over all shards whose agents are each shard's copies, so any node answers for the
# whole corpus and one node lost leaves every shard a copy. Copy j of shard s (both from 0) is on
# node (s * copies + j) mod nodes + 1, so every node holds as many shards as any other, give or
# take one.
#
#   tools/sphinx-cluster.sh init   [DIR]   write the nodes' configs and DIR/cluster.env (idempotent)
#   tools/sphinx-cluster.sh start  [DIR]   start the nodes that are not running (after a publication:
#                                          `lawka index --backend sphinx` writes the shards), wait
#                                          (bounded) until every node answers
#   tools/sphinx-cluster.sh status [DIR]   each node's pid and whether it answers
#   tools/sphinx-cluster.sh kill K [DIR]   SIGKILL node K (from 1) only: the failover test's tool
#   tools/sphinx-cluster.sh stop   [DIR]   stop every node and delete DIR
#   tools/sphinx-cluster.sh install        only install sphinxsearch (apt-get) when searchd is missing
#
# DIR (default ${TMPDIR:-/tmp}/lawka-sphinx) holds node K's config (nodeK.conf), its shards'
# files (nodeK/), its log and pid, the exported shards (export/shardS.xml, written by Ławka) and
# cluster.env, which callers source: SPHINX_NODES (each node's SphinxQL address), SPHINX_CONFIGS
# (each node's config, for `indexer`), SPHINX_EXPORT (where Ławka writes the shards),
# SPHINX_NODE1, SPHINX_NODE2, … (one per node).
#
# Environment, read at init and kept in DIR (nodes, port): LAWKA_SPHINX_NODES (default 3, 2 to
# 16), LAWKA_SPHINX_SHARDS (default: as many as nodes), LAWKA_SPHINX_COPIES (copies of each shard,
# default 2, at most one per node; shards × copies at least the nodes, so every node holds one),
# LAWKA_SPHINX_PORT (default 19306: node K's SphinxQL on PORT+10(K-1), its agent port one above).
# Read by every command: LAWKA_SPHINX_WAIT (seconds, default 30), LAWKA_SPHINX_NICE (the nodes'
# niceness, default 19: beside a test suite they take only the CPU nobody else wants).
# Exit status: 0 done (start: every node answers), 1 otherwise.
set -euo pipefail

BASE_PORT=${LAWKA_SPHINX_PORT:-19306}
readonly WAIT=${LAWKA_SPHINX_WAIT:-30}
readonly NICE=${LAWKA_SPHINX_NICE:-19}
N=${LAWKA_SPHINX_NODES:-3}
S=${LAWKA_SPHINX_SHARDS:-$N}
C=${LAWKA_SPHINX_COPIES:-2}

die() { echo "sphinx-cluster: $*" >&2; exit 1; }
say() { echo "sphinx-cluster: $*" >&2; }
ql_port() { echo $((BASE_PORT + ($1 - 1) * 10)); }
agent_port() { echo $((BASE_PORT + 1 + ($1 - 1) * 10)); }
# The nodes holding shard $1 (from 1), and the shards node $1 holds (from 0).
mirrors_of() {
  local j
  for j in $(seq 0 $((C - 1))); do echo $((($1 * C + j) % N + 1)); done
}
shards_of() {
  local s j
  for s in $(seq 0 $((S - 1))); do
    for j in $(seq 0 $((C - 1))); do
      # Arithmetic, not `mirrors_of | grep -q`: under pipefail grep's early exit can fail the
      # pipe (SIGPIPE) and drop a shard from a node's config.
      if [ $(((s * C + j) % N + 1)) -eq "$1" ]; then
        echo "$s"
        break
      fi
    done
  done
}

install() {
  command -v searchd >/dev/null && command -v indexer >/dev/null && return 0
  say "installing Debian's sphinxsearch"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq sphinxsearch >/dev/null
}

pid_of() {
  local f="$DIR/node$1/searchd.pid" pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/node$1.conf" || return 1
  echo "$pid"
}

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$(ql_port "$1")") 2>/dev/null; }

write_config() {
  local k=$1 s m agents="" c="$DIR/node$1.conf"
  {
    echo "# node $k of a Ławka cluster of $N nodes, $S shards, $C copies each; written by tools/sphinx-cluster.sh"
    for s in $(shards_of "$k"); do
      cat <<EOF
source shard$s
{
  type = xmlpipe2
  xmlpipe_command = cat $DIR/export/shard$s.xml
}
index shard$s
{
  source = shard$s
  path = $DIR/node$k/shard$s
  # Ławka's folded terms: letters and digits (Latin, Polish, Cyrillic), space-separated.
  charset_table = 0..9, a..z, _, U+00C0..U+024F, U+0400..U+04FF
  index_field_lengths = 1
  min_word_len = 1
}
EOF
    done
    for s in $(seq 0 $((S - 1))); do
      local mirrors=""
      for m in $(mirrors_of "$s"); do mirrors="$mirrors|127.0.0.1:$(agent_port "$m")"; done
      agents="$agents  agent = ${mirrors#|}:shard$s"$'\n'
    done
    cat <<EOF
index lawka
{
  type = distributed
$agents  # A shard's mirror that fails is left for the other; connect and query time-outs short,
  # so a lost node costs a search milliseconds, not seconds.
  ha_strategy = nodeads
  agent_connect_timeout = 300
  agent_query_timeout = 5000
}
indexer
{
  mem_limit = 256M
}
searchd
{
  listen = 127.0.0.1:$(ql_port "$k"):mysql41
  listen = 127.0.0.1:$(agent_port "$k")
  log = $DIR/node$k/searchd.log
  query_log = $DIR/node$k/query.log
  pid_file = $DIR/node$k/searchd.pid
  workers = threads
  binlog_path =
  seamless_rotate = 1
  agent_retry_count = 2
  agent_retry_delay = 50
}
EOF
  } >"$c.tmp"
  mv -f "$c.tmp" "$c"
}

write_env() {
  local k nodes="" configs=""
  for k in $(seq $N); do
    nodes="$nodes 127.0.0.1:$(ql_port "$k")"
    configs="$configs $DIR/node$k.conf"
  done
  {
    echo "# written by tools/sphinx-cluster.sh; source it"
    echo "SPHINX_NODES=\"${nodes# }\""
    echo "SPHINX_CONFIGS=\"${configs# }\""
    echo "SPHINX_EXPORT=$DIR/export"
    for k in $(seq $N); do echo "SPHINX_NODE$k=127.0.0.1:$(ql_port "$k")"; done
  } >"$DIR/cluster.env"
}

cmd_init() {
  install
  if [ -e "$DIR" ] && ! [ -f "$DIR/.lawka-sphinx" ]; then
    die "$DIR exists and is not a cluster directory of this script; choose another DIR"
  fi
  mkdir -p "$DIR/export"
  touch "$DIR/.lawka-sphinx"
  [ -s "$DIR/port" ] || echo "$BASE_PORT" >"$DIR/port"
  [ -s "$DIR/nodes" ] || echo "$N $S $C" >"$DIR/nodes"
  BASE_PORT=$(cat "$DIR/port")
  settle
  local k
  for k in $(seq $N); do
    mkdir -p "$DIR/node$k"
    write_config "$k"
  done
  write_env
}

cmd_start() {
  cmd_init
  local k s t0
  # searchd rotates new files in at start: those of an interrupted publication would put a node
  # on a generation the others do not serve. Checked for every node before any starts.
  for k in $(seq $N); do
    pid_of "$k" >/dev/null && continue
    for s in $(shards_of "$k"); do
      if compgen -G "$DIR/node$k/shard$s.new.*" >/dev/null; then
        die "node $k has shard $s files of an interrupted publication ($DIR/node$k/shard$s.new.*): publish again, or remove them"
      fi
    done
  done
  for k in $(seq $N); do
    pid_of "$k" >/dev/null && continue
    for s in $(shards_of "$k"); do
      [ -f "$DIR/node$k/shard$s.spa" ] || die "node $k has no shard $s yet: publish first (lawka index --backend sphinx)"
    done
    answers "$k" && die "port $(ql_port "$k") (node $k) is in use; set LAWKA_SPHINX_PORT"
    nice -n "$NICE" searchd --config "$DIR/node$k.conf" >"$DIR/node$k/stdout.log" 2>&1 ||
      die "node $k did not start: $(tail -3 "$DIR/node$k/searchd.log" 2>/dev/null)"
    say "node $k started (SphinxQL 127.0.0.1:$(ql_port "$k"), agents $(agent_port "$k"))"
  done
  t0=$SECONDS
  for k in $(seq $N); do
    until answers "$k"; do
      [ $((SECONDS - t0)) -lt "$WAIT" ] || die "node $k does not answer after ${WAIT}s"
      sleep 0.2
    done
  done
  write_env
}

cmd_status() {
  local k pid
  for k in $(seq $N); do
    if pid=$(pid_of "$k"); then
      echo "node $k: pid $pid, SphinxQL 127.0.0.1:$(ql_port "$k"), $(answers "$k" && echo answers || echo silent)"
    else
      echo "node $k: not running"
    fi
  done
}

cmd_kill() {
  local k=$1 pid watchdog
  [[ "$k" =~ ^[0-9]+$ ]] && [ "$k" -ge 1 ] && [ "$k" -le "$N" ] || die "kill: a node from 1 to $N"
  pid=$(pid_of "$k") || die "node $k is not running"
  # searchd runs as a watchdog (the parent) and the server (the pid file's): both go, the
  # watchdog first, or it would restart the server.
  watchdog=$(ps -o ppid= -p "$pid" | tr -d ' ')
  if [ -n "$watchdog" ] && tr '\0' ' ' <"/proc/$watchdog/cmdline" 2>/dev/null | grep -qF -- "$DIR/node$k.conf"; then
    kill -KILL "$watchdog"
  fi
  kill -KILL "$pid"
  say "node $k killed (SIGKILL)"
}

cmd_stop() {
  [ -f "$DIR/.lawka-sphinx" ] || { [ -e "$DIR" ] && die "$DIR is not a cluster directory of this script"; return 0; }
  local k pid watchdog
  for k in $(seq $N); do
    if pid_of "$k" >/dev/null; then
      searchd --config "$DIR/node$k.conf" --stopwait >/dev/null 2>&1 || true
    fi
    # Whatever is left, without stopping at a node that went meanwhile.
    if pid=$(pid_of "$k"); then
      watchdog=$(ps -o ppid= -p "$pid" | tr -d ' ' || true)
      [ -n "$watchdog" ] && tr '\0' ' ' <"/proc/$watchdog/cmdline" 2>/dev/null | grep -qF -- "$DIR/node$k.conf" &&
        kill -KILL "$watchdog" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$DIR"
}

# The cluster's shape, as written at init (a cluster keeps its own whatever the environment).
settle() {
  local from="LAWKA_SPHINX_"
  if [ -f "$DIR/.lawka-sphinx" ]; then
    [ -s "$DIR/port" ] && BASE_PORT=$(cat "$DIR/port")
    if [ -s "$DIR/nodes" ]; then
      read -r N S C <"$DIR/nodes" || true
      from="$DIR/nodes: "
    elif [ -f "$DIR/node1.conf" ]; then
      # Written before shapes were kept (three nodes), its shards laid out otherwise: it can be
      # stopped, not used.
      [ "$cmd" = stop ] || die "$DIR was written by an older version of this script: stop it and init it again"
      N=3 S=3 C=2
    fi
  fi
  [[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 2 ] && [ "$N" -le 16 ] || die "${from}NODES=$N: from 2 to 16 nodes"
  [[ "$S" =~ ^[0-9]+$ ]] && [ "$S" -ge 1 ] || die "${from}SHARDS=$S: at least one shard"
  [[ "$C" =~ ^[0-9]+$ ]] && [ "$C" -ge 2 ] && [ "$C" -le "$N" ] ||
    die "${from}COPIES=$C: from 2 (one node lost leaves a copy) to the nodes ($N)"
  [ $((S * C)) -ge "$N" ] || die "$S shards × $C copies leave some of the $N nodes without a shard"
  return 0
}

cmd=${1:-}
case "$cmd" in
  install) install ;;
  init | start | status | stop)
    DIR=${2:-${TMPDIR:-/tmp}/lawka-sphinx}
    settle
    "cmd_$cmd"
    ;;
  kill)
    DIR=${3:-${TMPDIR:-/tmp}/lawka-sphinx}
    settle
    cmd_kill "${2:-}"
    ;;
  *) sed -n '2,30p' "$0"; exit 2 ;;
esac
