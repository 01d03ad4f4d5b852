#!/usr/bin/env bash
# One greedy client against one polite one (docs/RELIABILITY.md, "One client cannot starve the
# others"): `lawka serve` in release mode on the demo index with its default limits; a polite
# client searches once per 100 ms for SECONDS alone, then for SECONDS while another client, from
# another loopback address, keeps 64 requests in flight. Prints the polite client's errors and
# p50/p90/p99, the flooder's answers by status, and PASS or FAIL (exit 1) against the target:
# 0 polite errors, polite p99 within 3x its idle p99, the flooder gets 429s and never a 5xx.
#
# Usage: benches/fairness.sh [SECONDS]     (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE=${1:-30}
source tools/demo-server.sh

cargo build --release --locked --quiet --bin lawka --example fairness
BIN=./target/release/lawka
start_demo_server "$BIN"
echo "lawka serve with its default limits, demo index, $(nproc) cores, $SECONDS_PER_PHASE s per phase"
./target/release/examples/fairness "127.0.0.1:$PORT" "$SECONDS_PER_PHASE"
