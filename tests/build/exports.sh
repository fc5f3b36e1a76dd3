#!/usr/bin/env bash
# The shared library exports only tlsc_* functions (mbedTLS stays hidden),
# and every public header compiles on its own, in C and in C++-free C11.
set -u
lib=${1:?usage: exports.sh LIBTLSC_SO INCLUDE_DIR}
inc=${2:?}
pass=0; fail=0
check() { if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $*"; fi; }

bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v '^tlsc_' || true)
[ -n "$bad" ] && echo "non-tlsc exports:" && echo "$bad" | head -20
check test -z "$bad"
n=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | grep -c '^tlsc_')
echo "exported tlsc_ functions: $n"
check test "$n" -ge 40

for h in "$inc"/tlsc/*.h; do
  check bash -c "echo '#include \"tlsc/$(basename "$h")\"' | ${CC:-cc} -std=c11 -Wall -Wextra -Werror -pedantic -I'$inc' -x c -fsyntax-only -"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
