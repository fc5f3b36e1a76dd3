#!/usr/bin/env bash
# Fetch the source of Debian 13 (trixie)'s `lwip` package (2.2.x) into DEST
# exactly as mbedTLS is fetched (scripts/fetch-debian-source.sh: private apt
# list, nothing vendored). Debian's binary liblwip is a Linux/Hurd build
# with sockets and no ALTCP, so the device builds compile lwIP from source.
# Usage: scripts/fetch-lwip.sh DEST   -> prints the source directory
set -euo pipefail
dest=${1:?usage: fetch-lwip.sh DEST}
exec "$(dirname "$0")/fetch-debian-source.sh" lwip "${TLSC_LWIP_SUITE:-trixie}" \
  '2.2.*' src/include/lwip/tcp.h "$dest"
