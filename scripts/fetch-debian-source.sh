#!/usr/bin/env bash
# Fetch the source of one Debian source package into DEST.
#
# Uses a PRIVATE apt sources list and state directory under DEST, so the
# machine's own apt configuration is never changed. The archive address is
# taken from the machine's own apt sources (no host name lives in this
# repository). apt verifies the download against the archive's signed
# index, using the keyring of the machine's Debian archive.
# Idempotent: when DEST/src already holds an unpacked PKG-VERSION_GLOB tree
# containing MARKER, nothing is fetched.
# Usage: scripts/fetch-debian-source.sh PKG SUITE VERSION_GLOB MARKER DEST
#   -> prints the source directory. Used by fetch-mbedtls.sh, fetch-lwip.sh.
set -euo pipefail

pkg=${1:?usage: fetch-debian-source.sh PKG SUITE VERSION_GLOB MARKER DEST}
suite=${2:?}
version_glob=${3:?}
marker=${4:?}
dest=${5:?}
me="fetch-$pkg"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# shellcheck disable=SC2086 # VERSION_GLOB is a glob on purpose
existing=$(ls -d "$dest"/src/$pkg-$version_glob/ 2>/dev/null | head -n1 || true)
if [ -n "$existing" ] && [ -f "$existing/$marker" ]; then
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
  echo "$me: no Debian archive address found in /etc/apt/sources*;" >&2
  echo "  point the build at an unpacked $pkg source tree instead." >&2
  exit 1
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "$me: $keyring missing (install debian-archive-keyring)" >&2; exit 1; }

apt_dir="$dest/apt"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest/src"
cat > "$apt_dir/sources.list.d/tlsc-$pkg.sources" <<SRC
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

echo "$me: fetching $pkg source ($suite) via a private apt list" >&2
apt-get "${apt_opts[@]}" -q update >&2
(cd "$dest/src" && apt-get "${apt_opts[@]}" -q source "$pkg" >&2)

# shellcheck disable=SC2086
dir=$(ls -d "$dest"/src/$pkg-$version_glob/ 2>/dev/null | head -n1 || true)
if [ -z "$dir" ] || [ ! -f "$dir/$marker" ]; then
  echo "$me: apt-get source produced no $pkg-$version_glob directory with $marker" >&2
  exit 1
fi
echo "${dir%/}"
