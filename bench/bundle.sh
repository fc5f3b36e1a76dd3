#!/usr/bin/env bash
# bench/bundle.sh BUILD_DIR — root bundles, one run, one table:
#   - size of Debian's Mozilla roots in the tlsc format vs ESP-IDF's (both
#     written by tlsc's builder; target: tlsc <= 0.75 x ESP-IDF);
#   - heap of a verified handshake against a local openssl s_server with
#     the roots from a bundle vs the same roots from PEM;
#   - time of one lookup (the trusted-CA callback) and of a chain check.
# Needs openssl and the package ca-certificates (both build dependencies).
set -euo pipefail
build=${1:?usage: bench/bundle.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bench/bundle_bench
[ -x "$bin" ] || { echo "bundle.sh: $bin missing: build first (make)" >&2; exit 1; }
TLSC_PKI_GEN=$repo/tests/pki/gen.sh exec "$bin"
