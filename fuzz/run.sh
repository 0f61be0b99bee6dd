#!/usr/bin/env bash
# Fuzzes the generator for $1 seconds (default 600), seeding from the committed documents.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
mkdir -p corpus/generate
cp ../tests/fixtures/*.json ../discovery/workspaceevents.v1.json corpus/generate/
RUSTC_BOOTSTRAP=1 cargo fuzz run generate --sanitizer none --debug-assertions -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096
