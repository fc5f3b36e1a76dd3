#!/usr/bin/env bash
# bench/connect.sh BUILD_DIR — many handshakes on one event loop: `tlsc
# bench-connect` against a local nginx (TLS 1.3, ECDSA P-256 certificate),
# 1000 verified connections with 1, 10, 50 and 200 in flight, one thread.
# Prints handshakes per second, handshake latency and the peak heap of all
# connections together (tlsc_loop_heap_peak). Needs nginx (nginx-light).
set -euo pipefail
build=${1:?usage: bench/connect.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/tools/tlsc
[ -x "$bin" ] || { echo "connect.sh: $bin missing: build first (make)" >&2; exit 1; }
TLSC_BIN=$bin TLSC_PKI_GEN=$repo/tests/pki/gen.sh exec bash "$repo/tests/event/nginx.sh" --table
