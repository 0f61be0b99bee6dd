#!/usr/bin/env bash
# Checks the change report's versions against cargo-semver-checks on every real revision pair in
# tests/fixtures-revisions: both revisions are generated as crates, the new one gets the version our report
# computes (from 0.1.0), and cargo-semver-checks judges whether that version is enough. It also lists what
# it finds breaking at a patch bump, to compare with our breaking changes.
#
#   cargo install cargo-semver-checks --version 0.51.0 --locked   # once; takes minutes
#   bash bench/semver.sh > tests/fixtures-revisions/semver-verdicts.txt
#
# The documents are renamed `pair.*` so that no manifest rule applies: the crates are generated as
# `xtask generate --discovery` does for any document.
#
# The printed table is recorded in tests/fixtures-revisions/semver-verdicts.txt, which
# generator/tests/semver_verdicts.rs checks against the report (so a change of classification that
# cargo-semver-checks has not seen fails until this is run again).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-semver-checks >/dev/null || { echo "needs cargo-semver-checks on PATH" >&2; exit 1; }

pairs=(
    "monitoring.v1 20230913 20241003"
    "dialogflow.v2 20230906 20240924"
    "workspaceevents.v1 20241008 20261004"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"
cargo build -q -p xtask
xtask="$CARGO_TARGET_DIR/debug/xtask"

printf '%s\n' "# pair | our version | cargo-semver-checks at it | breaking at a patch bump (lints)"
for pair in "${pairs[@]}"; do
    read -r api old new <<<"$pair"
    for side in old new; do
        revision=${!side}
        mkdir -p "$work/$side/doc"
        cp "tests/fixtures-revisions/$api.$revision.json" "$work/$side/doc/pair.$api.json"
        "$xtask" generate --discovery "$work/$side/doc/pair.$api.json" --out "$work/$side/crates" >/dev/null
    done
    crate=$(ls "$work/new/crates")
    ours=$("$xtask" diff "$work/old/doc/pair.$api.json" "$work/new/doc/pair.$api.json" --summary --version 0.1.0 |
        sed -n 's/.*→ \([0-9.]*\)$/\1/p')
    set_version() { sed -i "s/^version = \".*\"/version = \"$2\"/" "$1/Cargo.toml"; }
    set_version "$work/old/crates/$crate" 0.1.0
    set_version "$work/new/crates/$crate" "$ours"
    if cargo semver-checks --baseline-root "$work/old/crates/$crate" \
        --manifest-path "$work/new/crates/$crate/Cargo.toml" >"$work/at-ours.log" 2>&1; then
        verdict=pass
    else
        verdict=FAIL
    fi
    set_version "$work/new/crates/$crate" 0.1.1
    cargo semver-checks --baseline-root "$work/old/crates/$crate" \
        --manifest-path "$work/new/crates/$crate/Cargo.toml" >"$work/at-patch.log" 2>&1 || true
    lints=$(sed -n 's/^--- failure \([a-z_]*\):.*/\1/p' "$work/at-patch.log" | sort -u | paste -sd, -)
    printf '%s | %s | %s | %s\n' "$api $old→$new" "$ours" "$verdict" "${lints:-none}"
    rm -rf "$work/old" "$work/new"
done
