#!/usr/bin/env bash
# 100 Drive files.get through the loopback emulator as one batch, 100 sequential and 100 concurrent calls:
# wall time, bytes on the wire, client CPU per call (tests/tests/bench_batch.rs). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -p integration-tests --test bench_batch -- --ignored --nocapture
