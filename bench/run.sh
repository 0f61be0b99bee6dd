#!/usr/bin/env bash
# Benchmarks the generated dialogflow-v2 crate against the published google-dialogflow2 6.0.0 and writes the
# figures into BENCHMARKS.md (between its markers). One run, same machine, one command:
#
#   bench/run.sh [RUNS]        RUNS: timed builds/checks per crate (default 3; medians are reported)
#
# Environment: BENCH_SKIP_FEATURES=1 skips the builds of our crate with fewer cargo features;
# BENCH_GEN_RUNS (default 5) sets the generator runs.
#
# Steps: warm-up builds of every dependency (untimed) → timed `cargo clean -p X && cargo build/check -p X`,
# interleaved, RUNS times → rlib sizes and line counts → criterion (round trip, decode) → generator timing
# (in process, and the release `xtask` binary) → bench/report.py writes BENCHMARKS.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RUNS="${1:-${RUNS:-3}}"
GEN_RUNS="${BENCH_GEN_RUNS:-5}"
T="$BENCH/target"
R="$T/results"
FEATURES=$([[ "${BENCH_SKIP_FEATURES:-0}" == 1 ]] && echo 0 || echo 1)
# The profile override the README gives an app whose path dependency is our crate (with incremental = false,
# which this workspace's profile already has).
OVERRIDE="--config profile.dev.package.dialogflow-v2.debug=false"
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS

cd "$BENCH"
rm -rf "$R" "$T/criterion"
mkdir -p "$R"
START=$EPOCHREALTIME
say() { printf '[bench %4.0fs] %s\n' "$(echo "$EPOCHREALTIME - $START" | bc)" "$*" >&2; }
trap 'say "failed at line $LINENO (exit $?)"' ERR
record() { printf '%s\t%s\n' "$1" "$2" >>"$R/results.tsv"; }

# --- machine -------------------------------------------------------------------------------------------
record date "$(date -u '+%Y-%m-%d %H:%M UTC')"
record nproc "$(nproc)"
record cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
record memory "$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
record rustc "$(rustc -V)"
record os "$(uname -sr)"
record load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
record runs "$RUNS"
record command "bench/run.sh $RUNS"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (prefer < 1: the CPU is shared)"

# --- our crate as a crate of its own, to build it with fewer features -------------------------------------
# (`--no-default-features` needs a workspace member; the generated crate belongs to the main workspace, whose
# profile differs. The copy gets an empty `[workspace]`, the bench's lock file and cargo's default profile.)
F="$T/features-crate"
if [[ $FEATURES == 1 ]]; then
    rm -rf "$F"
    cp -r "$ROOT/generated/dialogflow-v2" "$F"
    sed -i -e "s#^discogen-runtime = { path = \"[^\"]*\"#discogen-runtime = { path = \"$ROOT/runtime\"#" \
        -e 's/^name = "dialogflow-v2"$/name = "dialogflow-v2-features"/' "$F/Cargo.toml"
    printf '\n[workspace]\n' >>"$F/Cargo.toml"
    cp "$BENCH/Cargo.lock" "$F/Cargo.lock"
fi

# --- warm-up: every dependency built (and checked) once, untimed --------------------------------------
say "warm-up: dev build and check of both crates' dependencies"
cargo build -q -p discogen-bench
cargo check -q -p dialogflow-v2 -p google-dialogflow2
# Both ways an app gets our crate (see TARGETS): the runtime, a path dependency too, is built once for each.
CARGO_INCREMENTAL=1 cargo build -q -p dialogflow-v2
CARGO_INCREMENTAL=1 cargo check -q -p dialogflow-v2
cargo build -q -p dialogflow-v2 $OVERRIDE
if [[ $FEATURES == 1 ]]; then
    cargo build -q --manifest-path "$F/Cargo.toml" --target-dir "$T" --no-default-features
    cargo check -q --manifest-path "$F/Cargo.toml" --target-dir "$T" --no-default-features
fi
say "warm-up: release builds (criterion benches, generator)"
cargo bench -q -p discogen-bench --no-run 2>/dev/null
cargo build -q --release -p discogen-gentime
XTASK_OK=1
cargo build -q --release --locked --manifest-path "$ROOT/Cargo.toml" -p xtask --target-dir "$T/xtask" \
    || XTASK_OK=0

# --- timed builds --------------------------------------------------------------------------------------
# name | package | where (manifest, target dir) | features and other flags | rlib glob | environment
# `ours` and `peer` as a registry or git dependency is built (incremental off); ours also as a path
# dependency (cargo turns incremental on), and as one with the README's profile override.
TARGETS=(
    "ours|dialogflow-v2|||libdialogflow_v2-*.rlib|"
    "peer|google-dialogflow2|||libgoogle_dialogflow2-*.rlib|"
    "ours_path|dialogflow-v2|||libdialogflow_v2-*.rlib|CARGO_INCREMENTAL=1"
    "ours_override|dialogflow-v2||$OVERRIDE|libdialogflow_v2-*.rlib|"
)
# Our crate with fewer of its cargo features (one per resource family; all on by default): none (the client
# and the operations service), and one family alone.
if [[ $FEATURES == 1 ]]; then
    TARGETS+=(
        "features_all|dialogflow-v2-features|--manifest-path $F/Cargo.toml --target-dir $T||libdialogflow_v2_features-*.rlib|"
        "features_none|dialogflow-v2-features|--manifest-path $F/Cargo.toml --target-dir $T|--no-default-features|libdialogflow_v2_features-*.rlib|"
        "features_agent|dialogflow-v2-features|--manifest-path $F/Cargo.toml --target-dir $T|--no-default-features --features agent|libdialogflow_v2_features-*.rlib|"
        "features_conversations|dialogflow-v2-features|--manifest-path $F/Cargo.toml --target-dir $T|--no-default-features --features conversations|libdialogflow_v2_features-*.rlib|"
    )
fi

# One timed sample: clean the package, then time the command; redone once if cargo had to compile anything
# else (a dependency edited meanwhile by someone else).
sample() {
    local name=$1 pkg=$2 where=$3 features=$4 mode=$5 environment=$6 try elapsed compiled
    for try in 1 2; do
        # shellcheck disable=SC2086
        cargo clean -q -p "$pkg" $where
        local t0=$EPOCHREALTIME
        # shellcheck disable=SC2086
        env $environment cargo "$mode" -p "$pkg" $where $features 2>"$R/last.log"
        elapsed=$(echo "$EPOCHREALTIME - $t0" | bc)
        compiled=$(grep -c '^ *\(Compiling\|Checking\)' "$R/last.log" || true)
        [[ $compiled -le 1 ]] && break
        say "  $name $mode compiled $compiled crates (a dependency changed?): again"
    done
    record "${mode}_${name}" "$elapsed"
    say "  $mode $name: ${elapsed}s"
}

for run in $(seq 1 "$RUNS"); do
    say "timed builds, run $run of $RUNS"
    for entry in "${TARGETS[@]}"; do
        IFS='|' read -r name pkg where features glob environment <<<"$entry"
        sample "$name" "$pkg" "$where" "$features" check "$environment"
        sample "$name" "$pkg" "$where" "$features" build "$environment"
        record "rlib_dev_$name" "$(stat -c %s "$T"/debug/deps/$glob | tail -1)"
    done
done

# --- the app's bill: a tiny app calling operations.get, built with its API crate from cold -------------------
# (every other dependency prebuilt), then rebuilt after an edit of the app. `cargo clean -p` of both, so the
# API crate and the app are compiled and the binary linked; the edit is a touch of the app's main.rs.
# name | app | the API crate's package | flags | environment (the three ways of TARGETS for ours)
APPS=(
    "ours|ours|dialogflow-v2||"
    "ours-path|ours|dialogflow-v2||CARGO_INCREMENTAL=1"
    "ours-override|ours|dialogflow-v2|$OVERRIDE|"
    "ours-no-features|ours-no-features|dialogflow-v2||"
    "ours-testing|ours-testing|dialogflow-v2||"
    "peer|peer|google-dialogflow2||"
    "official|official|google-cloud-dialogflow-v2||"
)
say "warm-up: the apps' dependencies"
for entry in "${APPS[@]}"; do
    IFS='|' read -r _ app _ flags environment <<<"$entry"
    # shellcheck disable=SC2086
    env $environment cargo build -q -p "app-$app" $flags
done
app_sample() {
    local name=$1 app=$2 crate=$3 flags=$4 environment=$5 t0
    cargo clean -q -p "$crate" -p "app-$app"
    t0=$EPOCHREALTIME
    # shellcheck disable=SC2086
    env $environment cargo build -q -p "app-$app" $flags
    record "app_cold_$name" "$(echo "$EPOCHREALTIME - $t0" | bc)"
    touch "$BENCH/apps/$app/src/main.rs"
    t0=$EPOCHREALTIME
    # shellcheck disable=SC2086
    env $environment cargo build -q -p "app-$app" $flags
    record "app_rebuild_$name" "$(echo "$EPOCHREALTIME - $t0" | bc)"
    say "  app $name: cold $(tail -2 "$R/results.tsv" | head -1 | cut -f2)s, rebuild $(tail -1 "$R/results.tsv" | cut -f2)s"
}
for run in $(seq 1 "$RUNS"); do
    say "the app's bill, run $run of $RUNS"
    for entry in "${APPS[@]}"; do
        IFS='|' read -r name app crate flags environment <<<"$entry"
        app_sample "$name" "$app" "$crate" "$flags" "$environment"
    done
done
# What each app compiles: its distinct crates (normal dependencies) and any crate in two versions.
for app in ours ours-no-features peer official; do
    record "app_crates_$app" "$(cargo tree -q -p "app-$app" -e normal --prefix none | sed 's/ (\*)$//' | sort -u | wc -l)"
    record "app_duplicates_$app" "$(cargo tree -q -p "app-$app" -e normal -d --prefix none --depth 0 | grep -v '^$' | sed 's/ (\*)$//' | sort -u | paste -sd, -)"
done
record official_version "$(cargo metadata -q --format-version 1 | python3 -c '
import json, sys
print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "google-cloud-dialogflow-v2"))')"

# --- sizes of the release rlibs (built for the benches) and line counts ----------------------------------
record rlib_release_ours "$(stat -c %s "$T"/release/deps/libdialogflow_v2-*.rlib | tail -1)"
record rlib_release_peer "$(stat -c %s "$T"/release/deps/libgoogle_dialogflow2-*.rlib | tail -1)"
PEER_DIR=$(cargo metadata -q --format-version 1 | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "google-dialogflow2":
        print(os.path.dirname(p["manifest_path"]))')
record peer_dir "$PEER_DIR"
record ours_dir "$ROOT/generated/dialogflow-v2"

# --- bytes on the wire of a large list, with and without gzip --------------------------------------------
say "wire bytes: a 100-operation list through the emulator, identity and gzip"
cargo run -q --release -p discogen-bench --example wire_bytes | tee "$R/wire_bytes.txt" >&2

# --- criterion: round trip and decode ------------------------------------------------------------------
say "criterion: round trip (operations.get on 127.0.0.1) and decode"
BENCH_RESULTS="$R" cargo bench -q -p discogen-bench --bench roundtrip --bench decode -- --noplot 2>&1 \
    | grep -v '^\(Gnuplot\|Benchmarking\|WARNING\)' | tee "$R/criterion.txt" >&2

# --- generator -----------------------------------------------------------------------------------------
say "generator: in process, $GEN_RUNS runs"
"$T/release/discogen-gentime" "$ROOT" "$GEN_RUNS" | tee "$R/gentime.txt" >&2
if [[ $XTASK_OK == 1 ]]; then
    say "generator: the release xtask binary, four crates into target/gen-out, $GEN_RUNS runs"
    DOCS=()
    while read -r doc; do DOCS+=("$ROOT/discovery/$doc"); done \
        < <(sed -n 's/^document *= *"\(.*\)"/\1/p' "$ROOT/discovery/manifest.toml")
    for run in $(seq 1 "$GEN_RUNS"); do
        t0=$EPOCHREALTIME
        "$T/xtask/release/xtask" generate --discovery "${DOCS[@]}" --out "$T/gen-out" >/dev/null
        record xtask_generate "$(echo "$EPOCHREALTIME - $t0" | bc)"
        t0=$EPOCHREALTIME
        "$T/xtask/release/xtask" generate --check >/dev/null 2>&1 || true
        record xtask_check "$(echo "$EPOCHREALTIME - $t0" | bc)"
    done
    record xtask_crates "${#DOCS[@]}"
    record xtask_check_crates "$(("$(find "$ROOT/tests/fixtures" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)" + ${#DOCS[@]}))"
else
    say "generator: the xtask release build failed (main Cargo.lock out of date?): CLI timing skipped"
fi

record load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
record total_seconds "$(echo "$EPOCHREALTIME - $START" | bc)"
say "writing BENCHMARKS.md"
python3 "$BENCH/report.py" "$R" "$T/criterion" "$ROOT/BENCHMARKS.md"
