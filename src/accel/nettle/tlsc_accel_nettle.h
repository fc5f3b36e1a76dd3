/* The x86-64 / Arm64 Linux accelerator (cmake -DTLSC_ACCEL_NETTLE=ON, the
 * default for the full profile on a Linux host that has nettle-dev):
 * appended to the mbedTLS profile through the same hook a device uses for
 * its engines (TLSC_MBEDTLS_USER_CONFIG, docs/footprint.md). mbedTLS then
 * takes mbedtls_gcm_context from gcm_alt.h and its mbedtls_gcm_* functions
 * from gcm_nettle.c, which hands the cipher to GNU Nettle's AES-GCM
 * (AES-NI / ARMv8 AES with carry-less multiplication, chosen at run time).
 * Why: mbedTLS 3.6 runs GCM one 16-byte block at a time through three
 * function layers; Nettle's assembly takes whole runs of blocks and
 * decrypts about 4x faster on the same CPU (docs/footprint.md, "Hardware
 * paths"), and AES-GCM is where a TLS 1.3 download spends its time. */
#ifndef TLSC_ACCEL_NETTLE_H
#define TLSC_ACCEL_NETTLE_H

#define MBEDTLS_GCM_ALT

#endif
