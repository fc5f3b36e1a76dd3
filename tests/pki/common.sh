# tests/pki/common.sh — sourced by gen.sh and names.sh: the setup both
# certificate generators share.
# shellcheck shell=bash

export OPENSSL_CONF=/dev/null   # never pick up the system's openssl.cnf
# random start so two runs never reuse an issuer/serial pair
serial=$(( (RANDOM << 16) | RANDOM ))
next_serial() { serial=$((serial + 1)); printf '0x%08x%04x' "$serial" $((RANDOM)); }

# eckey FILE [CURVE]: unencrypted PKCS#8 PEM key (CURVE defaults to P-256)
eckey() { openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2:-P-256}" -out "$1" 2>/dev/null; }
