#!/usr/bin/env bash
# What adding a node gives (issue 13): one Ławka in front of Sphinx clusters of several shapes
# (tools/sphinx-cluster.sh: nodes, shards, copies of each shard), each node held to a CPU quota
# as if it were a machine of its own. On one machine the nodes otherwise share its cores with each
# other and with the front, so a node added would only split the same CPU; a quota per node (a
# cgroup, v1 `cpu.cfs_quota_us` or v2 `cpu.max`) makes each node's capacity its own. The same
# synthetic corpus is published to each cluster in turn; the judged queries' HTTP mix
# (benches/mix.lua over benches/mix_paths.py's full searches: facets, snippets) runs at
# concurrency 1 and 16 through `lawka serve --backend sphinx` with `LAWKA_DENSE=off`, so the
# front costs little and the cluster is what is measured.
#
# Usage: benches/sphinx-nodes.sh [SHAPE ...]     SHAPE: NODES, or NODESxSHARDSxCOPIES (`6x1x6`:
#                                               six nodes, each with the whole corpus)
#        default: 2 3 4 6 (as many shards as nodes, two copies each)
# Environment: QUESTIONS (default 100000; or CORPUS, an existing corpus directory), NODE_CPU
# (cores per node, default 0.25; 0 for no quota), SECONDS_PER_RUN (default 15), ROUNDS (default 1:
# each round runs every shape once, so rounds alternate them).
# Needs root for the quota (or a writable cgroup); installs wrk and sphinxsearch when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
SHAPES=("$@")
[ ${#SHAPES[@]} -gt 0 ] || SHAPES=(2 3 4 6)
QUESTIONS=${QUESTIONS:-100000}
NODE_CPU=${NODE_CPU:-0.25}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
ROUNDS=${ROUNDS:-1}
PORT=7830
export LAWKA_SPHINX_PORT=${LAWKA_SPHINX_PORT:-19706}
WORK=$(mktemp -d)
CGROUPS=()

cleanup() {
  [ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID" 2>/dev/null || true
  bash tools/sphinx-cluster.sh stop "$WORK/cluster" >/dev/null 2>&1 || true
  for g in "${CGROUPS[@]}"; do rmdir "$g" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bash tools/sphinx-cluster.sh install

# Where a node's quota goes: a cgroup v1 cpu hierarchy, else the v2 root; either must be writable.
CG_ROOT=""
if [ "$NODE_CPU" != 0 ]; then
  if [ -w /sys/fs/cgroup/cpu ] && [ -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    CG_ROOT=/sys/fs/cgroup/cpu
  elif [ -w /sys/fs/cgroup ] && [ -e /sys/fs/cgroup/cgroup.subtree_control ] &&
    { grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control; } 2>/dev/null; then
    # v2: the cpu controller must be enabled for the root's children (refused where the root
    # itself holds processes, as in some containers).
    CG_ROOT=/sys/fs/cgroup
  else
    echo "sphinx-nodes: no writable cgroup with a CPU controller for new groups here (v1 cpu, or v2 with +cpu in cgroup.subtree_control): run as root, or NODE_CPU=0" >&2
    exit 1
  fi
fi
period=100000
quota=$(awk -v c="$NODE_CPU" -v p="$period" 'BEGIN { printf "%d", c * p }')

# Node K of the running cluster into a cgroup of its own with the quota (its server process and
# every thread; searchd's watchdog parent is idle).
hold_node() {
  local k=$1 pid g
  pid=$(bash tools/sphinx-cluster.sh status "$WORK/cluster" | awk -v k="node $k:" '$0 ~ "^"k { print $4 }' | tr -d ,)
  g="$CG_ROOT/lawka-sphinx-$LAWKA_SPHINX_PORT-node$k"
  mkdir -p "$g"
  CGROUPS+=("$g")
  if [ -e "$g/cpu.cfs_quota_us" ]; then
    echo "$period" >"$g/cpu.cfs_period_us"
    echo "$quota" >"$g/cpu.cfs_quota_us"
  else
    echo "$quota $period" >"$g/cpu.max"
  fi
  echo "$pid" >"$g/cgroup.procs"
}

cargo build --release --quiet --bin lawka
BIN=./target/release/lawka
if [ -n "${CORPUS:-}" ]; then
  corpus=$CORPUS
else
  corpus=$WORK/corpus
  $BIN synth --questions "$QUESTIONS" --out "$corpus" --corpus corpus >/dev/null
  cp corpus/glossary.txt "$corpus/"
fi
python3 benches/mix_paths.py "$WORK"
echo "corpus $corpus; each node held to $NODE_CPU cores (0: no quota); $(nproc) cores here"

run() {
  local shape=$1 n s c t0 threads conc
  IFS=x read -r n s c <<<"$shape"
  LAWKA_SPHINX_NODES=$n LAWKA_SPHINX_SHARDS=${s:-$n} LAWKA_SPHINX_COPIES=${c:-2} \
    bash tools/sphinx-cluster.sh init "$WORK/cluster" >/dev/null
  set -a
  # shellcheck disable=SC1091
  . "$WORK/cluster/cluster.env"
  set +a
  t0=$(date +%s.%N)
  LAWKA_DENSE=off $BIN index --backend sphinx --sphinx-wait 120 --corpus "$corpus" --index "$WORK/index-$n" >"$WORK/index.log" 2>&1 ||
    { tail -5 "$WORK/index.log" >&2; exit 1; }
  bash tools/sphinx-cluster.sh start "$WORK/cluster" 2>/dev/null
  local published
  published=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [ -n "$CG_ROOT" ]; then
    for k in $(seq "$n"); do hold_node "$k"; done
  fi
  LAWKA_DENSE=off $BIN serve --backend sphinx --corpus "$corpus" --index "$WORK/index-$n" --addr "127.0.0.1:$PORT" \
    --rate-limit 0 2>"$WORK/serve.log" &
  SERVE_PID=$!
  for _ in $(seq 150); do curl -sf "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  for conc in 1 16; do
    threads=$((conc < 2 ? 1 : 2))
    wrk -t"$threads" -c"$conc" -d3s --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-full.txt" >/dev/null
    wrk -t"$threads" -c"$conc" -d"${SECONDS_PER_RUN}s" --timeout 30s -s benches/mix.lua "http://127.0.0.1:$PORT" -- "$WORK/paths-full.txt" |
      awk -v n="$n x ${s:-$n} x ${c:-2}" -v c="$conc" -v p="$published" \
        '/^RESULT/ { printf "nodes x shards x copies %-10s concurrency %-3s p50=%sms p90=%sms p99=%sms rps=%.1f errors=%s (indexed and published in %s s)\n", n, c, $2, $3, $4, $5, $6, p }'
  done
  kill "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
  SERVE_PID=""
  bash tools/sphinx-cluster.sh stop "$WORK/cluster" >/dev/null
  for g in "${CGROUPS[@]}"; do rmdir "$g" 2>/dev/null || true; done
  CGROUPS=()
  rm -rf "$WORK/index-$n"
}

for _ in $(seq "$ROUNDS"); do
  for shape in "${SHAPES[@]}"; do run "$shape"; done
done
