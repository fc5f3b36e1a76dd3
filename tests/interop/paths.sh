#!/usr/bin/env bash
# tests/interop/paths.sh — path building (docs/internals.md): chain shapes
# that mbedTLS's one-pass path building refused, generated at test time by
# tests/path/gen.py, through `tlsc verify` and through `tlsc connect`
# against `openssl s_server -cert_chain` over TLS 1.2 and TLS 1.3:
#   cross_first   leaf, Int<-Root B (untrusted), Int<-Root A (trusted)
#   rollover      Int with another key sent before the Int that signed
#   reverse5      5 intermediates sent root-most first
#   le2021        leaf, R3, ISRG Root X1 cross-signed by an expired DST root
#   gts_r4        leaf, WE1, GTS Root R4 cross-signed by GlobalSign (RSA)
#   shared_name   two trusted roots named Root; the second signed (also
#                 from a bundle)
#   name_types    an issuer name in PrintableString and upper case, the root's
#                 subject in UTF8String (equal names, different DER)
#   badsig        the leaf's signature is not its issuer's (in a handshake
#                 that one check is mbedTLS's: it must still fail)
#   loop100/20    same-name intermediates signing each other in a ring: the
#                 search gives up on its signature-check budget, and the
#                 count of checks is asserted (not the time)
#
# Usage: TLSC_BIN=build/release/tools/tlsc bash tests/interop/paths.sh
source "$(dirname "$0")/lib.sh"

[ -x "$TLSC_BIN" ] || die "TLSC_BIN=$TLSC_BIN is not executable"
GEN=$(dirname "$0")/../path/gen.py
S=$T/shapes
mkdir -p "$S"
/usr/bin/python3 "$GEN" "$S" > "$T/gen.log" 2>&1 || die "gen.py failed: $(tail -3 "$T/gen.log")"

# checks_spent: the signature checks of the last run (its --debug 3 log).
checks_spent() {
  sed -n 's/.*verify: \([0-9][0-9]*\) signature checks\{0,1\},.*/\1/p' <<< "$ERR" | tail -1
}

# expect_result EXPECT: "ok", or a text the error must contain.
expect_result() {
  if [ "$1" = ok ]; then
    expect_exit 0
  else
    expect_exit $EXIT_VERIFY
    expect_stderr_contains "$1"
  fi
  # a certificate the server sent is never called missing
  expect_stderr_not_contains "missing"
}

# ---- tlsc verify: every case of shapes.txt -----------------------------------------

while read -r shape trust expect; do
  case_begin "verify: $shape, trusting $trust: $expect"
  run_tlsc verify --ca "$S/$shape/$trust" --chain "$S/$shape/chain.pem" --host localhost
  expect_result "$expect"
  case_end
done < "$S/shapes.txt"

# ---- the cost: signature checks ------------------------------------------------------

case_begin "verify: the cross-signed intermediate first costs 3 signature checks"
run_tlsc verify --ca "$S/cross_first/ca.pem" --chain "$S/cross_first/chain.pem" --debug 3
expect_exit 0
expect_equal "signature checks" "$(checks_spent)" 3
case_end

case_begin "verify: the rolled-over key is tried last (key identifiers): 2 checks"
run_tlsc verify --ca "$S/rollover/ca.pem" --chain "$S/rollover/chain.pem" --debug 3
expect_exit 0
expect_equal "signature checks" "$(checks_spent)" 2
case_end

case_begin "verify: 100 same-name intermediates: the default budget of 16 checks"
run_tlsc verify --ca "$S/loop100/ca.pem" --chain "$S/loop100/chain.pem" --debug 3
expect_exit $EXIT_VERIFY
expect_stderr_contains "no valid certificate path found within the signature-check budget"
expect_stderr_contains "budget of 16 signature checks"
expect_equal "signature checks" "$(checks_spent)" 16
case_end

case_begin "verify: 100 same-name intermediates: --max-signature-checks 40"
run_tlsc verify --ca "$S/loop100/ca.pem" --chain "$S/loop100/chain.pem" --debug 3 \
  --max-signature-checks 40
expect_exit $EXIT_VERIFY
expect_equal "signature checks" "$(checks_spent)" 40
case_end

case_begin "verify: a budget too small for a good chain is its own error"
run_tlsc verify --ca "$S/reverse5/ca.pem" --chain "$S/reverse5/chain.pem" \
  --max-signature-checks 5
expect_exit $EXIT_VERIFY
expect_stderr_contains "within the budget of 5 signature checks"
run_tlsc verify --ca "$S/reverse5/ca.pem" --chain "$S/reverse5/chain.pem" \
  --max-signature-checks 6
expect_exit 0
run_tlsc verify --ca "$S/reverse5/ca.pem" --chain "$S/reverse5/chain.pem" \
  --max-signature-checks 0
expect_exit 2
case_end

# ---- trust anchors from a bundle --------------------------------------------------------

case_begin "verify: bundle roots sharing a name, cross-signed roots from a bundle"
run_tlsc bundle build -o "$CASE_DIR/shared.bundle" "$S/shared_name/ca.pem"
expect_exit 0
run_tlsc verify --bundle "$CASE_DIR/shared.bundle" --chain "$S/shared_name/chain.pem" \
  --host localhost
expect_exit 0
run_tlsc bundle build -o "$CASE_DIR/gs.bundle" "$S/gts_r4/ca_gs.pem"
expect_exit 0
run_tlsc verify --bundle "$CASE_DIR/gs.bundle" --chain "$S/gts_r4/chain.pem" --host localhost
expect_exit 0
run_tlsc bundle build -o "$CASE_DIR/a.bundle" "$S/cross_first/ca.pem"
expect_exit 0
run_tlsc verify --bundle "$CASE_DIR/a.bundle" --chain "$S/cross_first/chain.pem" \
  --host localhost
expect_exit 0
case_end

# ---- tlsc connect against openssl s_server -cert_chain --------------------------------

# connect_case SHAPE TRUST EXPECT VERSION
connect_case() {
  local shape=$1 trust=$2 expect=$3 version=$4
  case_begin "connect $version: $shape, trusting $trust: $expect"
  start_openssl -cert "$S/$shape/leaf.pem" -key "$S/$shape/leaf.key" \
    -cert_chain "$S/$shape/inter.pem" "-${version/./_}" || { case_end; return; }
  run_tlsc connect "localhost:$SRV_PORT" --ca "$S/$shape/$trust" "--$version" --summary \
    --debug 3
  expect_result "$expect"
  [ "$expect" = ok ] && expect_summary verify ok
  case_end
}

for version in tls1.2 tls1.3; do
  connect_case cross_first ca.pem ok $version
  connect_case cross_first ca_c.pem "no trusted path: tried 2 paths" $version
  connect_case rollover ca.pem ok $version
  connect_case reverse5 ca.pem ok $version
  connect_case le2021 ca.pem ok $version
  connect_case le2021 ca_dst.pem expired $version
  connect_case gts_r4 ca.pem ok $version
  connect_case gts_r4 ca_gs.pem ok $version
  connect_case shared_name ca.pem ok $version
  connect_case name_types ca.pem ok $version
  connect_case badsig ca.pem "does not verify with the key of its issuer" $version
  connect_case loop20 ca.pem "within the budget of 16" $version
done

case_begin "connect: the budget holds in a handshake (16 checks, then refused)"
start_openssl -cert "$S/loop20/leaf.pem" -key "$S/loop20/leaf.key" \
  -cert_chain "$S/loop20/inter.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$S/loop20/ca.pem" --debug 3
expect_exit $EXIT_VERIFY
expect_equal "signature checks" "$(checks_spent)" 16
case_end

# In a handshake the leaf's signature by its only possible issuer is left to
# mbedTLS, which checks it anyway: a plain chain costs what it did before.
case_begin "connect: leaf + intermediate, the leaf's check left to mbedTLS: 1 + 1 checks"
start_openssl -cert "$S/plain/leaf.pem" -key "$S/plain/leaf.key" \
  -cert_chain "$S/plain/inter.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$S/plain/ca.pem" --debug 3 --summary
expect_exit 0
expect_equal "signature checks" "$(checks_spent)" 1
case_end

case_begin "connect: 5 intermediates in reverse order fit a budget of 5 checks"
start_openssl -cert "$S/reverse5/leaf.pem" -key "$S/reverse5/leaf.key" \
  -cert_chain "$S/reverse5/inter.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$S/reverse5/ca.pem" --debug 3 \
  --max-signature-checks 5 --summary
expect_exit 0
expect_equal "signature checks" "$(checks_spent)" 5
case_end

finish
