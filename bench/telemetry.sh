#!/usr/bin/env bash
# bench/telemetry.sh [BASE] [ROUNDS]: the client time per call with tracing (no subscriber, a registry that
# keeps spans, a fmt subscriber writing every span and DEBUG event to a sink), for the runtime of this tree
# and of git revision BASE (default: the merge base with main), in one run: `bench/telemetry/` built
# against each, then ROUNDS (default 9) rounds that run every mode of both in turn (20,000 calls each,
# through a transport that answers at once). Prints the medians and the ratios new/base.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
base=${1:-$(git merge-base HEAD main)}
rounds=${2:-9}
calls=20000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The base tree whole (the runtime inherits from its workspace), with this bench program in it.
git archive "$base" | tar -x -C "$work"
mkdir -p "$work/bench/telemetry"
cp -r bench/telemetry/Cargo.toml bench/telemetry/Cargo.lock bench/telemetry/src "$work/bench/telemetry/"
target=${CARGO_TARGET_DIR:-$root/target}/telemetry-bench
for side in new base; do
  dir=$root; [ "$side" = base ] && dir=$work
  CARGO_TARGET_DIR=$target/$side cargo build --quiet --release --offline \
    --manifest-path "$dir/bench/telemetry/Cargo.toml"
done
results=$work/results.txt
for round in $(seq "$rounds"); do
  order="new base"; [ $((round % 2)) = 0 ] && order="base new"
  for mode in none registry fmt; do
    for side in $order; do
      echo "$side $mode $("$target/$side/release/discogen-telemetry-bench" "$mode" "$calls")" >>"$results"
    done
  done
done
echo "base $(git rev-parse --short "$base"), new $(git rev-parse --short HEAD)$(git diff --quiet || echo '+edits'); $rounds rounds of $calls calls; load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, mode, micros = line.split()
    runs.setdefault((side, mode), []).append(float(micros))
print("| subscriber | base µs/call | new µs/call | new/base |")
print("|---|---|---|---|")
for mode in ["none", "registry", "fmt"]:
    b, n = statistics.median(runs["base", mode]), statistics.median(runs["new", mode])
    print(f"| {mode} | {b:.2f} | {n:.2f} | {n / b:.2f} |")
PY
