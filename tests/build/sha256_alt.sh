#!/usr/bin/env bash
# The hook for a platform's accelerators (docs/footprint.md), proved: tlsc
# built with TLSC_MBEDTLS_USER_CONFIG=sha256_alt/standin_config.h
# (MBEDTLS_SHA256_ALT) and TLSC_MBEDTLS_EXTRA_SOURCES = the stand-in
# accelerator (sha256_alt/sha256_standin.c, which counts and forwards to
# mbedTLS's own SHA-256 compiled under other names, sha256_alt/sha256_real.c).
# Checks that the ALT took (mbedTLS's sha256.c no longer defines the
# functions; the stand-in does), then runs sha256_alt/standin_test.c:
# verified TLS 1.3 downloads from openssl s_server that go through the
# stand-in, with the content hashed exactly once when a digest is asked
# for and not at all otherwise. Incremental: only the first run compiles
# mbedTLS.
set -u
repo=${1:?usage: sha256_alt.sh REPO MBEDTLS_DIR OUT_DIR}
mbedtls=${2:?}
out=${3:?}
dir=$repo/tests/build/sha256_alt
mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

if ! cmake -S "$repo" -B "$out/build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g0 -O1" \
       -DTLSC_BUILD_TESTS=OFF -DTLSC_BUILD_TOOLS=OFF -DTLSC_MBEDTLS_SOURCE_DIR="$mbedtls" \
       -DTLSC_MBEDTLS_USER_CONFIG="$dir/standin_config.h" \
       "-DTLSC_MBEDTLS_EXTRA_SOURCES=$dir/sha256_standin.c;$dir/sha256_real.c" \
       >"$out/configure.log" 2>&1; then
  tail -20 "$out/configure.log"; fail "configure"
fi
grep -q "mbedTLS user configuration $dir/standin_config.h" "$out/configure.log" ||
  fail "cmake did not take TLSC_MBEDTLS_USER_CONFIG"
if ! cmake --build "$out/build" -j "${BM_JOBS:-2}" --target tlsc_static >"$out/build.log" 2>&1; then
  grep -E 'error|undefined' "$out/build.log" | head -20; fail "build"
fi
lib=$out/build/libtlsc.a
[ -f "$lib" ] || fail "no $lib"

# The ALT took: mbedTLS's sha256.c defines no update function any more, the
# stand-in does, and mbedTLS's code is there only under the renamed names.
defines() { # OBJECT_SUFFIX SYMBOL
  nm -A "$lib" 2>/dev/null | grep -E ":$1:.* T $2\$" >/dev/null
}
defines "sha256.c.o" mbedtls_sha256_update && fail "mbedTLS's sha256.c still defines mbedtls_sha256_update"
defines "sha256_standin.c.o" mbedtls_sha256_update || fail "the stand-in does not define mbedtls_sha256_update"
defines "sha256_real.c.o" standin_real_sha256_update || fail "sha256_real.c is not mbedTLS's code renamed"
echo "ok: MBEDTLS_SHA256_ALT: mbedtls_sha256_* come from the stand-in"

cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$repo/include" -I"$dir" \
   -o "$out/standin_test" "$dir/standin_test.c" "$lib" -lpthread || fail "compiling standin_test"

# A verified TLS 1.3 server: openssl s_server -WWW serves files of its
# working directory (HTTP/1.0, one response per connection).
export OPENSSL_CONF=/dev/null
rm -rf "$out/run"
mkdir -p "$out/run/www"
TLSC_PKI_NO_RSA4096=1 bash "$repo/tests/pki/gen.sh" "$out/run/pki" >/dev/null 2>&1 || fail "PKI"
head -c 1048576 /dev/urandom > "$out/run/www/fw.bin"
sha=$(sha256sum "$out/run/www/fw.bin" | cut -d' ' -f1)
(cd "$out/run/www" && exec openssl s_server -accept 127.0.0.1:0 -WWW -tls1_3 \
   -cert "$out/run/pki/server-p256.pem" -cert_chain "$out/run/pki/int.pem" \
   -key "$out/run/pki/server-p256.key" > "$out/run/server.out" 2>&1) &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$out/run/server.out" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "openssl s_server did not start: $(tail -3 "$out/run/server.out")"

"$out/standin_test" "https://127.0.0.1:$port/fw.bin" "$out/run/pki/root.pem" \
  "$out/run/fw.bin" 1048576 "$sha"
