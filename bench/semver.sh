#!/usr/bin/env bash
# Checks the change report against cargo-semver-checks on every real revision pair in
# tests/fixtures-revisions: both revisions are generated as crates, the new one gets the version our report
# computes (from 0.1.0), and cargo-semver-checks judges whether that version is enough (at a breaking bump,
# 0.2.0, it has nothing to check: any change is allowed). At a patch bump (0.1.1) it then lists every item
# it finds breaking (lint and item), so that each can be matched with a breaking change of our report.
#
#   cargo install cargo-semver-checks --version 0.51.0 --locked   # once; takes minutes
#   bash bench/semver.sh   # about 15 minutes on two shared cores; rewrites the two files below
#
# Last, it checks the runtime's own version against its previous one with cargo-semver-checks.
#
# It writes tests/fixtures-revisions/semver-verdicts.txt (what cargo-semver-checks said: its verdict at our
# version, then each item it finds breaking at a patch bump) and then runs generator/tests/semver_verdicts.rs
# with SEMVER_AGREEMENT=write, which matches every item with our report and writes the agreement table,
# tests/fixtures-revisions/semver-agreement.txt, and prints it. Without that variable the test checks both
# files against the report, so a change of classification fails until this script has judged it again.
#
# The documents are renamed `pair.*` so that no manifest rule applies: the crates are generated as
# `xtask generate --discovery` does for any document. SEMVER_LOGS=DIR keeps cargo-semver-checks' output.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-semver-checks >/dev/null || { echo "needs cargo-semver-checks on PATH" >&2; exit 1; }

pairs=(
    "workspaceevents.v1 20241008 20261004"
    "firebaseappcheck.v1 20250901 20261106"
    "calendar.v3 20230804 20240927"
    "cloudtasks.v2beta2 20230906 20240808"
    "connectors.v1 20230906 20240924"
    "monitoring.v1 20230913 20241003"
    "bigquery.v2 20230812 20240919"
    "dialogflow.v2 20230906 20240924"
    "dialogflow.v3 20251209 20261106"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"
cargo build -q -p xtask
xtask="$CARGO_TARGET_DIR/debug/xtask"
verdicts=tests/fixtures-revisions/semver-verdicts.txt

# The failures of a cargo-semver-checks log (not its warnings), one `lint | item` line each, without file
# locations.
items() {
    awk '/^--- / { lint = $2 == "failure" ? $3 : ""; sub(/:$/, "", lint) }
         /^Failed in:/ { listing = lint != ""; next }
         listing && /^  / { line = substr($0, 3); gsub(/,? (previously )?(in file|in|at) [^ ,]+:[0-9]+/, "", line); print lint " | " line; next }
         { listing = 0 }' "$1" | sort -u
}
set_version() { sed -i "s/^version = \".*\"/version = \"$2\"/" "$1/Cargo.toml"; }

{
    echo "# Written by bench/semver.sh with cargo-semver-checks $(cargo semver-checks --version | awk '{print $2}')."
    echo "# verdict | pair | our version | cargo-semver-checks at it"
    echo "# item | pair | lint | item it finds breaking at a patch bump (0.1.1)"
} >"$work/verdicts"
for pair in "${pairs[@]}"; do
    read -r api old new <<<"$pair"
    echo "== $api $old→$new" >&2
    for side in old new; do
        revision=${!side}
        mkdir -p "$work/$side/doc"
        cp "tests/fixtures-revisions/$api.$revision.json" "$work/$side/doc/pair.$api.json"
        "$xtask" generate --discovery "$work/$side/doc/pair.$api.json" --out "$work/$side/crates" >/dev/null
    done
    crate=$(ls "$work/new/crates")
    ours=$("$xtask" diff "$work/old/doc/pair.$api.json" "$work/new/doc/pair.$api.json" --summary --version 0.1.0 |
        sed -n 's/.*→ \([0-9.]*\)$/\1/p')
    set_version "$work/old/crates/$crate" 0.1.0
    judge() {
        set_version "$work/new/crates/$crate" "$1"
        cargo semver-checks --baseline-root "$work/old/crates/$crate" \
            --manifest-path "$work/new/crates/$crate/Cargo.toml" >"$work/at-$1.log" 2>&1
    }
    if judge "$ours"; then verdict=pass; else verdict=FAIL; fi
    [ "$ours" = 0.1.1 ] || judge 0.1.1 || true
    if [ -n "${SEMVER_LOGS:-}" ]; then mkdir -p "$SEMVER_LOGS" && cp "$work"/at-*.log "$SEMVER_LOGS/" &&
        for log in "$work"/at-*.log; do mv "$SEMVER_LOGS/$(basename "$log")" "$SEMVER_LOGS/$api.$(basename "$log")"; done; fi
    echo "verdict | $api $old→$new | $ours | $verdict" >>"$work/verdicts"
    items "$work/at-0.1.1.log" | sed "s/^/item | $api $old→$new | /" >>"$work/verdicts"
    rm -rf "$work/old" "$work/new" "$work"/at-*.log
done
cp "$work/verdicts" "$verdicts"
status=0

# The runtime's own version moves by Cargo's rules: checked against the runtime of the last commit whose
# runtime/Cargo.toml had another version (RUNTIME_BASELINE=REV to choose), with every feature.
current=$(sed -n 's/^version = "\(.*\)"$/\1/p' runtime/Cargo.toml | head -1)
baseline=${RUNTIME_BASELINE:-$(git log --format=%H -- runtime/Cargo.toml | while read -r rev; do
    old=$(git show "$rev:runtime/Cargo.toml" | sed -n 's/^version = "\(.*\)"$/\1/p' | head -1)
    if [ "$old" != "$current" ]; then echo "$rev"; break; fi
done)}
echo "== discogen-runtime $current against $(git show "$baseline:runtime/Cargo.toml" |
    sed -n 's/^version = "\(.*\)"$/\1/p' | head -1) (${baseline:0:12})" >&2
cargo semver-checks --package discogen-runtime --baseline-rev "$baseline" --all-features >&2 || status=$?

SEMVER_AGREEMENT=write cargo test -q -p discogen --test semver_verdicts >&2 || status=$?
cat tests/fixtures-revisions/semver-agreement.txt
exit "$status"
