/* The Linux host's accelerator (cmake -DTLSC_ACCEL_NETTLE, by default on
 * for the full profile of a native Linux build that has nettle-dev):
 * appended to the mbedTLS profile through the same hook a device uses for
 * its engines (TLSC_MBEDTLS_USER_CONFIG, docs/footprint.md). mbedTLS then
 * takes mbedtls_gcm_context from gcm_alt.h and its mbedtls_gcm_* functions
 * from gcm_nettle.c, which hands the cipher to GNU Nettle's AES-GCM (its
 * AES-NI / PCLMUL code on x86-64, chosen at run time; Arm64 not measured).
 * Why: mbedTLS 3.6 runs GCM one 16-byte block at a time through three
 * function layers; Nettle's assembly takes whole runs of blocks and
 * decrypts 4-5x faster on the same CPU (a whole download: 3x), and AES-GCM
 * is where a TLS 1.3 download spends its time (docs/footprint.md, "AES-GCM
 * through GNU Nettle on a Linux host"). */
#ifndef TLSC_ACCEL_NETTLE_H
#define TLSC_ACCEL_NETTLE_H

#define MBEDTLS_GCM_ALT

#endif
