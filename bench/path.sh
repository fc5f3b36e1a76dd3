#!/usr/bin/env bash
# bench/path.sh BUILD_DIR — the cost of path building (bench/path_bench.c):
# time and signature checks of a plain leaf + intermediate verification
# with mbedTLS's one-pass path building (before) and tlsc's (after), and of
# the worst bounded case (100 same-name intermediates, budget 16). The
# chains are generated here by tests/path/gen.py (python3-cryptography).
set -euo pipefail
build=${1:?usage: bench/path.sh BUILD_DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bench/path_bench
[ -x "$bin" ] || { echo "path.sh: $bin missing: build first (make)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 "$repo/tests/path/gen.py" "$dir"
"$bin" "$dir" "${TLSC_PATH_BENCH_N:-2000}"
