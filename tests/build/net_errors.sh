#!/bin/bash
# One errno -> tlsc_err mapping (issue 17, section 3): the socket errors
# that tlsc maps to its own codes are named in one file of the library,
# src/platform/net_error_posix.c, and nowhere else in src/ or tools/ (the
# command opens its connections through the library). Usage: net_errors.sh REPO
set -u
repo=$1
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi; }

names='ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|ENETDOWN|EHOSTDOWN|ECONNRESET|ENOBUFS'
others=$(grep -rlE "\\b($names)\\b" "$repo/src" "$repo/tools" --include='*.c' --include='*.h' |
         grep -v '/src/platform/net_error_posix\.c$' || true)
check "errno values mapped outside net_error_posix.c: $others" '[ -z "$others" ]'
check "net_error_posix.c maps ENETDOWN" "grep -q ENETDOWN '$repo/src/platform/net_error_posix.c'"
# No TCP of its own in the command: no socket(), connect() or getaddrinfo().
tcp=$(grep -rlE '\b(getaddrinfo|connect|socket) *\(' "$repo/tools" --include='*.c' || true)
check "TCP code in tools/: $tcp" '[ -z "$tcp" ]'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
