#!/usr/bin/env bash
# tests/interop/bundle.sh — root bundles with the tlsc command: `tlsc bundle
# build|list` and `tlsc connect --bundle` against openssl s_server.
#
# Chains ending at an ECDSA and at an RSA root of a bundle; the machine's
# real Mozilla roots with and without the test root (unknown issuer, named);
# cross-signed intermediates and roots; ESP-IDF's two formats; filters;
# corrupt bundles; usage errors.
#
# Usage: TLSC_BIN=build/release/tools/tlsc bash tests/interop/bundle.sh
source "$(dirname "$0")/lib.sh"

setup_pki
MOZILLA=/usr/share/ca-certificates/mozilla
SYSTEM_CA=/etc/ssl/certs/ca-certificates.crt
B=$T/bundles
mkdir -p "$B"

# serve LEAF CHAINFILE [openssl options]
serve() {
  local leaf=$1 chain=$2; shift 2
  start_openssl -cert "$PKI/$leaf.pem" -key "$PKI/$leaf.key" -cert_chain "$chain" "$@"
}

# build OUT [options and inputs]: tlsc bundle build -o OUT ...
build() {
  local out=$1; shift
  run_tlsc bundle build -o "$out" "$@"
}

connect_bundle() { # BUNDLE [options]
  local bundle=$1; shift
  run_tlsc connect "localhost:$SRV_PORT" --summary --bundle "$bundle" "$@"
}

sha256_hex() { openssl dgst -sha256 -r | cut -d' ' -f1; }
key_fp() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256_hex; }
cert_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

cat "$PKI/xint-a.pem" "$PKI/xroot-a-by-b.pem" > "$T/chain-a-by-b.pem"

# ---- building and listing ------------------------------------------------------------

case_begin "build: one ECDSA root, summary on stdout"
build "$B/root.tlsc" "$PKI/root.pem"
expect_exit 0
expect_stdout_contains "$B/root.tlsc: 1 root, "
expect_stdout_contains "bytes (tlsc format)"
expect_stderr_contains "root.pem: 1 certificate, 1 added"
case_end

case_begin "list: key, expiry, key SHA-256 and subject of each root"
build "$B/root-names.tlsc" --names "$PKI/root.pem"
run_tlsc bundle list "$B/root-names.tlsc"
expect_exit 0
expect_stdout_contains "EC-384"
expect_stdout_contains "$(key_fp "$PKI/root.pem")"
expect_stdout_contains "CN=tlsc Test Root CA, O=tlsc tests"
expect_stderr_contains "1 root, "
case_end

case_begin "list: a compact bundle stores no subject"
run_tlsc bundle list "$B/root.tlsc"
expect_exit 0
expect_stdout_contains "$(key_fp "$PKI/root.pem") -"
case_end

case_begin "build: a leaf is left out, with the reason"
build "$B/x.tlsc" "$PKI/root.pem" "$PKI/server-p256.pem"
expect_exit 0
expect_stderr_contains "left out CN=localhost"
expect_stderr_contains "not a CA certificate"
expect_stdout_contains ": 1 root, "
case_end

case_begin "build: the machine's Mozilla roots (a directory), every one kept"
build "$B/mozilla.tlsc" "$MOZILLA"
expect_exit 0
n=$(find "$MOZILLA" -name '*.crt' | wc -l)
expect_stdout_contains ": $n roots, "
case_end

case_begin "build: without INPUT, the system CA file"
build "$B/system.tlsc"
expect_exit 0
expect_stdout_contains ": $(grep -c 'BEGIN CERTIFICATE' "$SYSTEM_CA") roots, "
expect_stderr_contains "$SYSTEM_CA"
case_end

case_begin "build: Mozilla roots plus the test root"
build "$B/mozilla-test.tlsc" "$MOZILLA" "$PKI/root.pem"
expect_exit 0
expect_stdout_contains ": $((n + 1)) roots, "
case_end

case_begin "build: --include-fp takes a certificate fingerprint with colons"
build "$B/fp.tlsc" --include-fp "$(cert_fp "$PKI/root.pem")" "$MOZILLA" "$PKI/root.pem"
expect_exit 0
expect_stdout_contains ": 1 root, "
expect_stderr_contains "$n filtered out"
case_end

case_begin "build: --exclude-fp takes the key fingerprint 'list' prints"
build "$B/nofp.tlsc" --exclude-fp "$(key_fp "$PKI/root.pem")" "$MOZILLA" "$PKI/root.pem"
expect_exit 0
expect_stdout_contains ": $n roots, "
case_end

case_begin "build: --include / --exclude by subject text"
build "$B/incl.tlsc" --include "tlsc test" --include "cross root" "$MOZILLA" "$PKI/root.pem" \
  "$PKI/xroot-a.pem" "$PKI/xroot-b.pem" --exclude "Root B"
expect_exit 0
expect_stdout_contains ": 2 roots, "
case_end

case_begin "build: nothing selected is an error"
build "$B/none.tlsc" --exclude "Test Root" "$PKI/root.pem"
expect_exit $EXIT_CONFIG
expect_stderr_contains "no root selected"
case_end

# ---- connecting -------------------------------------------------------------------------

case_begin "connect --bundle: chain to an ECDSA root of the bundle"
serve server-p256 "$PKI/int.pem"
connect_bundle "$B/root.tlsc"
expect_exit 0
expect_summary verify ok
case_end

case_begin "connect --bundle: chain to an RSA root of the bundle"
build "$B/b.tlsc" "$PKI/xroot-b.pem"
serve xleaf "$PKI/xint-b.pem"
connect_bundle "$B/b.tlsc"
expect_exit 0
expect_summary verify ok
case_end

case_begin "connect --bundle: Mozilla roots plus the test root"
serve server-rsa2048 "$PKI/int.pem"
connect_bundle "$B/mozilla-test.tlsc"
expect_exit 0
case_end

case_begin "connect --bundle: root left out -> unknown issuer, named"
serve server-p256 "$PKI/int.pem"
connect_bundle "$B/mozilla.tlsc"
expect_exit $EXIT_VERIFY
expect_stderr_contains "unknown issuer CN=tlsc Test Root CA, O=tlsc tests"
case_end

case_begin "connect --bundle with --ca: both are trusted"
serve server-p256 "$PKI/int.pem"
connect_bundle "$B/mozilla.tlsc" --ca "$PKI/root.pem"
expect_exit 0
case_end

case_begin "connect --bundle: no fallback to the system CA file"
serve server-p256 "$PKI/int.pem"
connect_bundle "$B/b.tlsc"
expect_exit $EXIT_VERIFY
expect_stderr_contains "unknown issuer"
case_end

build "$B/a.tlsc" --quiet "$PKI/xroot-a.pem"
build "$B/ab.tlsc" --quiet "$PKI/xroot-a.pem" "$PKI/xroot-b.pem"
# cross: BUNDLE CHAIN EXIT [stderr text]
cross() {
  case_begin "cross-signed: bundle $(basename "$1") + $(basename "$2")"
  serve xleaf "$2"
  connect_bundle "$1"
  expect_exit "$3"
  [ -n "${4:-}" ] && expect_stderr_contains "$4"
  case_end
}
cross "$B/a.tlsc" "$PKI/xint-a.pem" 0
cross "$B/a.tlsc" "$PKI/xint-b.pem" $EXIT_VERIFY "unknown issuer CN=tlsc Cross Root B"
cross "$B/b.tlsc" "$PKI/xint-b.pem" 0
cross "$B/b.tlsc" "$PKI/xint-a.pem" $EXIT_VERIFY "unknown issuer CN=tlsc Cross Root A"
cross "$B/ab.tlsc" "$PKI/xint-a.pem" 0
cross "$B/ab.tlsc" "$PKI/xint-b.pem" 0
cross "$B/a.tlsc" "$T/chain-a-by-b.pem" 0
cross "$B/b.tlsc" "$T/chain-a-by-b.pem" 0

for fmt in esp-idf esp-idf-legacy; do
  case_begin "--format $fmt: build, list, connect"
  build "$B/$fmt.bin" --format "$fmt" "$MOZILLA" "$PKI/root.pem" "$PKI/xroot-b.pem"
  expect_exit 0
  expect_stdout_contains "bytes ($fmt format)"
  run_tlsc bundle list "$B/$fmt.bin"
  expect_exit 0
  expect_stdout_contains "CN=tlsc Test Root CA"
  expect_stderr_contains "($fmt format)"
  serve server-p256 "$PKI/int.pem"
  connect_bundle "$B/$fmt.bin"
  expect_exit 0
  case_end
  case_begin "--format $fmt: RSA root"
  serve xleaf "$PKI/xint-b.pem"
  connect_bundle "$B/$fmt.bin"
  expect_exit 0
  case_end
done

case_begin "the tlsc format is at most 3/4 of ESP-IDF's for the Mozilla roots"
build "$B/moz.esp" --quiet --format esp-idf "$MOZILLA"
t=$(stat -c %s "$B/mozilla.tlsc") e=$(stat -c %s "$B/moz.esp")
[ $((t * 4)) -le $((e * 3)) ] || fail "tlsc $t bytes, ESP-IDF $e bytes"
case_end

# ---- bad bundles and usage --------------------------------------------------------------------

case_begin "a truncated bundle is refused, naming the file"
head -c 1000 "$B/mozilla.tlsc" > "$B/cut.tlsc"
serve server-p256 "$PKI/int.pem"
connect_bundle "$B/cut.tlsc"
expect_exit $EXIT_CONFIG
expect_stderr_contains "invalid root bundle"
expect_stderr_contains "cut.tlsc: tlsc bundle of "
case_end

case_begin "a corrupt bundle is refused by list too"
cp "$B/mozilla.tlsc" "$B/flip.tlsc"
printf '\xff' | dd of="$B/flip.tlsc" bs=1 seek=2000 conv=notrunc 2>/dev/null
run_tlsc bundle list "$B/flip.tlsc"
expect_exit $EXIT_CONFIG
expect_stderr_contains "checksum mismatch"
case_end

case_begin "a PEM file is not a bundle"
run_tlsc bundle list "$PKI/root.pem"
expect_exit $EXIT_CONFIG
expect_stderr_contains "not a bundle"
case_end

case_begin "usage: build needs -o"
run_tlsc bundle build "$PKI/root.pem"
expect_exit $EXIT_USAGE
expect_stderr_contains "needs -o OUT"
case_end

case_begin "usage: unknown format, bad fingerprint, unknown command"
run_tlsc bundle build -o "$B/x" --format pem "$PKI/root.pem"
expect_exit $EXIT_USAGE
run_tlsc bundle build -o "$B/x" --include-fp abcd "$PKI/root.pem"
expect_exit $EXIT_USAGE
expect_stderr_contains "64 hex digits"
run_tlsc bundle frobnicate
expect_exit $EXIT_USAGE
case_end

case_begin "an input that does not exist"
build "$B/x" "$T/nope.pem"
expect_exit $EXIT_CONFIG
expect_stderr_contains "nope.pem"
case_end

case_begin "help"
run_tlsc bundle --help
expect_exit 0
expect_stdout_contains "tlsc bundle build -o OUT"
run_tlsc help bundle
expect_exit 0
expect_stdout_contains "--include-fp"
case_end

finish
