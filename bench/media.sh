#!/usr/bin/env bash
# bench/media.sh [ROUNDS] [SIZE_MIB]: a SIZE_MIB (default 1024) upload from a file and download to a file
# through the loopback emulator (its own process, keeping no media bytes), by the runtime and by raw
# reqwest doing the same protocol (a resumable session in 8 MiB chunks; one GET streamed to the file),
# each in a process of its own, ROUNDS (default 3) rounds alternating the order. Reports the median
# throughput, ours/raw, and each side's peak resident memory (VmHWM), and writes the section between the
# `media` markers of BENCHMARKS.md.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
rounds=${1:-3}
size_mib=${2:-1024}
target=${CARGO_TARGET_DIR:-$root/target}/media-bench
CARGO_TARGET_DIR=$target cargo build --quiet --release --offline --manifest-path bench/media/Cargo.toml
bin=$target/release/discogen-media-bench
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$work/source.bin"
mkfifo "$work/stdin"
"$bin" server $((size_mib * 1024 * 1024)) <"$work/stdin" >"$work/server.txt" &
server_pid=$!
exec 3>"$work/stdin"   # held open: the server serves until it closes
while [ ! -s "$work/server.txt" ]; do sleep 0.1; done
base=$(head -1 "$work/server.txt")
results=$work/results.txt
for round in $(seq "$rounds"); do
  order="ours raw"; [ $((round % 2)) = 0 ] && order="raw ours"
  for kind in upload download; do
    for side in $order; do
      file=$work/source.bin; [ "$kind" = download ] && file=$work/copy.bin
      echo "$kind $side $("$bin" "$kind-$side" "$base" "$file")" >>"$results"
      rm -f "$work/copy.bin"
    done
  done
done
exec 3>&-
summary=$(python3 - "$results" "$rounds" "$size_mib" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kind, side, seconds, size, hwm = line.split()
    runs.setdefault((kind, side), []).append((float(seconds), int(size), int(hwm)))
rounds, size_mib = sys.argv[2], sys.argv[3]
print(f"| {size_mib} MiB, median of {rounds} | ours MiB/s | raw reqwest MiB/s | ours / raw | ours peak RSS | raw peak RSS |")
print("|---|---|---|---|---|---|")
for kind in ("upload", "download"):
    rate = {s: statistics.median(b / 2**20 / t for t, b, _ in runs[(kind, s)]) for s in ("ours", "raw")}
    peak = {s: max(h for _, _, h in runs[(kind, s)]) / 1024 for s in ("ours", "raw")}
    print(f"| {kind} | {rate['ours']:.0f} | {rate['raw']:.0f} | {rate['ours'] / rate['raw']:.2f} "
          f"| {peak['ours']:.1f} MiB | {peak['raw']:.1f} MiB |")
PY
)
load=$(cut -d' ' -f1-3 /proc/loadavg)
section=$(cat <<MD
<!-- media:begin -->
## Media: 1 GiB through the loopback emulator

Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/media.sh $rounds $size_mib\` on $(nproc) cores, load $load at the end (the
machine is shared); revision $(git rev-parse --short HEAD)$(git diff --quiet || echo '+edits'). The emulator runs in a process of its own and keeps no
media bytes; each client run is a process of its own, and its peak resident memory is its \`VmHWM\`. Upload:
\`Client::upload_resumable\` from \`UploadSource::from_file\` (8 MiB chunks) against the same session protocol
by hand with reqwest (each 8 MiB chunk read into a buffer and PUT). Download: \`Client::download_stream\` and
\`Download::write_to\` a file against reqwest's \`bytes_stream\` written to a file. Target: under 64 MiB
resident for both.

$summary
<!-- media:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- media:begin -->.*?<!-- media:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
echo "$summary"
