#!/usr/bin/env bash
# Install the Debian packages tlsc's build, tests and demo need.
# Idempotent: does nothing when everything is present. Never edits the
# machine's apt configuration. Usage: scripts/deps.sh [build|check|all]
set -euo pipefail

what=${1:-all}
build_pkgs=(cmake make gcc libc6-dev dpkg-dev debian-archive-keyring ca-certificates xz-utils bzip2 openssl pkg-config libp11-kit-dev nettle-dev)
check_pkgs=(libcmocka-dev gnutls-bin procps gawk coreutils clang libclang-rt-14-dev python3 python3-cryptography valgrind nginx-light libnginx-mod-http-echo gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi mosquitto mosquitto-clients softhsm2 opensc p11-kit qemu-system-arm gcc-xtensa-lx106 picolibc-xtensa-lx106-elf)
bench_pkgs=(valgrind nginx-light curl time)

case "$what" in
  build) pkgs=("${build_pkgs[@]}") ;;
  check) pkgs=("${build_pkgs[@]}" "${check_pkgs[@]}") ;;
  bench|all) pkgs=("${build_pkgs[@]}" "${check_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|check|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
