#!/usr/bin/env bash
# Fetch the source of Debian 13 (trixie)'s `mbedtls` package into DEST.
#
# Uses a PRIVATE apt sources list and state directory under DEST, so the
# machine's own apt configuration is never changed. The archive address is
# taken from the machine's own apt sources (no host name lives in this
# repository). apt verifies the download against the archive's signed
# index, using the keyring of the machine's Debian archive.
# Usage: scripts/fetch-mbedtls.sh DEST   -> prints the source directory
set -euo pipefail

dest=${1:?usage: fetch-mbedtls.sh DEST}
suite=${TLSC_MBEDTLS_SUITE:-trixie}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

existing=$(ls -d "$dest"/src/mbedtls-3.6.*/ 2>/dev/null | head -n1 || true)
if [ -n "$existing" ] && [ -f "$existing/include/mbedtls/build_info.h" ]; then
  echo "${existing%/}"
  exit 0
fi

# The first Debian archive address among the machine's deb sources
# (deb822 .sources files first, then one-line .list files).
archive_uri() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
          grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '$1=="deb" || $1=="deb-src" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" |
          grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
}

uri=$(archive_uri)
if [ -z "$uri" ]; then
  echo "fetch-mbedtls: no Debian archive address found in /etc/apt/sources*;" >&2
  echo "  set TLSC_MBEDTLS_SOURCE_DIR to an mbedTLS 3.6 source tree instead." >&2
  exit 1
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "fetch-mbedtls: $keyring missing (install debian-archive-keyring)" >&2; exit 1; }

apt_dir="$dest/apt"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest/src"
cat > "$apt_dir/sources.list.d/tlsc-mbedtls.sources" <<SRC
Types: deb-src
URIs: $uri
Suites: $suite
Components: main
Signed-By: $keyring
SRC

apt_opts=(-o "Dir::Etc::SourceList=/dev/null"
          -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
          -o "Dir::State::Lists=$apt_dir/lists"
          -o "Dir::Cache=$apt_dir/cache"
          -o "APT::Sandbox::User=root"
          -o "Debug::NoLocking=1")

echo "fetch-mbedtls: fetching mbedtls source ($suite) via a private apt list" >&2
apt-get "${apt_opts[@]}" -q update >&2
(cd "$dest/src" && apt-get "${apt_opts[@]}" -q source mbedtls >&2)

dir=$(ls -d "$dest"/src/mbedtls-*/ 2>/dev/null | head -n1 || true)
if [ -z "$dir" ]; then
  echo "fetch-mbedtls: apt-get source produced no mbedtls-* directory" >&2
  exit 1
fi
echo "${dir%/}"
