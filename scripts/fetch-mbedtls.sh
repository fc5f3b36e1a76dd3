#!/usr/bin/env bash
# Fetch the source of Debian 13 (trixie)'s `mbedtls` package into DEST
# through a private apt list (scripts/fetch-debian-source.sh: the machine's
# apt configuration is never changed, no host name lives in this repository).
# Usage: scripts/fetch-mbedtls.sh DEST   -> prints the source directory
set -euo pipefail
dest=${1:?usage: fetch-mbedtls.sh DEST}
exec "$(dirname "$0")/fetch-debian-source.sh" mbedtls "${TLSC_MBEDTLS_SUITE:-trixie}" \
  '3.6.*' include/mbedtls/build_info.h "$dest"
