#!/usr/bin/env bash
# TLSC_MBEDTLS_SOURCE_DIR pointing at anything but mbedTLS 3.6.x must fail
# at configure time with a message naming the version found.
set -u
src=${1:?usage: version.sh SOURCE_DIR}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
expect() { # NAME PATTERN -- configure output must match PATTERN and fail
  if ! cmake -S "$src" -B "$tmp/b-$1" -DTLSC_MBEDTLS_SOURCE_DIR="$tmp/$1" \
        -DTLSC_BUILD_TESTS=OFF -DTLSC_BUILD_TOOLS=OFF >"$tmp/$1.log" 2>&1 &&
     true; then :; fi
  # CMake wraps long messages: match the output as one line
  if tr '\n' ' ' < "$tmp/$1.log" | tr -s ' ' | grep -q "$2" &&
     ! grep -q "Generating done" "$tmp/$1.log"; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); echo "FAIL: $1"; tail -5 "$tmp/$1.log"
  fi
}
mkdir -p "$tmp/v35/include/mbedtls" "$tmp/empty"
echo '#define MBEDTLS_VERSION_STRING         "3.5.2"' > "$tmp/v35/include/mbedtls/build_info.h"
expect v35 "needs mbedTLS 3.6 LTS.* is mbedTLS '3.5.2'"
expect empty "is not an mbedTLS source tree"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
