#!/usr/bin/env bash
# What keeping unknown fields costs: the generated dialogflow-v2 crate and the runtime at the commit that added
# unknown fields, #[non_exhaustive] and the with_* setters (7031d8d) against its parent (f4c1acb), and today's
# crate with and without serde_json's float_roundtrip (added after fuzzing found a float decoded one ULP off).
# Builds are timed interleaved in the same run; decode and encode with bench/ab/decode.rs, the same source
# compiled against each variant, in interleaved rounds.
#
#   bench/ab.sh [RUNS]      RUNS: timed builds and decode rounds per variant (default 3)
#
# Writes bench/target/ab/results.tsv and the section between the ab markers of BENCHMARKS.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RUNS="${1:-3}"
AB="$BENCH/target/ab"
OUT="$AB/results.tsv"
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS

START=$EPOCHREALTIME
say() { printf '[ab %4.0fs] %s\n' "$(echo "$EPOCHREALTIME - $START" | bc)" "$*" >&2; }
record() { printf '%s\t%s\n' "$1" "$2" >>"$OUT"; }

# name | commit | edit applied to the copy
VARIANTS=(
    "before|f4c1acb|"
    "unknown_fields|7031d8d|"
    "head_without_float_roundtrip|HEAD|no_float_roundtrip"
    "head|HEAD|"
)

# A workspace of the variant's runtime, generated dialogflow-v2 and the decode program, with the variant's
# own root manifest (its dependency versions and profiles) and lock file.
setup() {
    local name=$1 commit=$2 edit=$3 dir=$AB/$1
    # Sources are extracted afresh; the variant's target dir is kept (dependencies stay built).
    find "$dir" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} + 2>/dev/null || true
    mkdir -p "$dir/decode/src"
    git -C "$ROOT" archive "$commit" Cargo.toml Cargo.lock runtime emulator generated/dialogflow-v2 | tar -x -C "$dir"
    sed -i -e 's#^members = .*#members = ["runtime", "generated/dialogflow-v2", "decode"]#' \
        -e 's#^exclude = .*#exclude = []#' "$dir/Cargo.toml"
    if [[ $edit == no_float_roundtrip ]]; then
        sed -i 's/^serde_json = { workspace = true, features = \["float_roundtrip"\] }/serde_json.workspace = true/' \
            "$dir/runtime/Cargo.toml"
        if grep -q '^serde_json.*float_roundtrip' "$dir/runtime/Cargo.toml"; then say "float_roundtrip still on"; exit 1; fi
    fi
    cat >"$dir/decode/Cargo.toml" <<TOML
[package]
name = "decode"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
dialogflow-v2 = { path = "../generated/dialogflow-v2" }
serde = "1"
serde_json = "1"
libc = "0.2"
TOML
    cp "$BENCH/ab/decode.rs" "$dir/decode/src/main.rs"
    record "commit_$name" "$(git -C "$ROOT" rev-parse --short "$commit")"
}

# cargo's default dev profile with incremental compilation off, as in bench/run.sh.
cargo_in() {
    local dir=$1
    shift
    CARGO_PROFILE_DEV_INCREMENTAL=false cargo "$@" --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target"
}

rm -rf "$OUT"
mkdir -p "$AB"
record date "$(date -u '+%Y-%m-%d %H:%M UTC')"
record nproc "$(nproc)"
record rustc "$(rustc -V)"
record load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
record runs "$RUNS"

for entry in "${VARIANTS[@]}"; do
    IFS='|' read -r name commit edit <<<"$entry"
    say "setting up $name ($commit${edit:+, $edit})"
    setup "$name" "$commit" "$edit"
    say "  warm-up: dependencies (dev) and the decode program (release)"
    cargo_in "$AB/$name" build -q -p dialogflow-v2
    cargo_in "$AB/$name" check -q -p dialogflow-v2
    cargo_in "$AB/$name" build -q --release -p decode
    record "lines_$name" "$(find "$AB/$name/generated/dialogflow-v2/src" -name '*.rs' -exec cat {} + | wc -l)"
done

# Wall time and CPU time (user + system of cargo and its rustc children): on a shared machine the CPU time
# is the steadier figure.
sample() {
    local name=$1 mode=$2 times
    cargo_in "$AB/$name" clean -q -p dialogflow-v2
    times=$( { TIMEFORMAT='%R %U %S'; time cargo_in "$AB/$name" "$mode" -q -p dialogflow-v2; } 2>&1 | tail -1)
    read -r wall user system <<<"$times"
    record "${mode}_$name" "$wall"
    record "${mode}_cpu_$name" "$(echo "$user + $system" | bc)"
}

# Each round rotates which variant goes first, so a change of load hits all alike.
for run in $(seq 1 "$RUNS"); do
    say "timed builds and decode, round $run of $RUNS"
    for i in "${!VARIANTS[@]}"; do
        entry=${VARIANTS[$(((i + run) % ${#VARIANTS[@]}))]}
        IFS='|' read -r name _ <<<"$entry"
        sample "$name" check
        sample "$name" build
        "$AB/$name/target/release/decode" 0.5 | sed "s/^/${name}:/" >>"$OUT"
    done
done
record load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
record total_seconds "$(echo "$EPOCHREALTIME - $START" | bc)"
say "writing BENCHMARKS.md"
python3 "$BENCH/ab/report.py" "$OUT" "$ROOT/BENCHMARKS.md"
