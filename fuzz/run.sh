#!/usr/bin/env bash
# Fuzzes for $1 seconds per target (default 600) the targets named after it (default `generate`):
#   ./fuzz/run.sh 600                       the generator, seeded from the committed documents
#   ./fuzz/run.sh 150 response_get response_page response_operation response_error
#                                           the runtime's response handling, seeded from seeds/response
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("${@:-generate}")
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  case $target in
    generate) cp ../tests/fixtures/*.json ../discovery/workspaceevents.v1.json corpus/generate/ ;;
    *) cp seeds/response/* "corpus/$target/" ;;
  esac
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --sanitizer none --debug-assertions -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048
done
