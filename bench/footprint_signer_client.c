/*
 * bench/footprint_signer_client.c — the footprint client
 * (footprint_client.c, built with -Dmain=footprint_client_main) plus a
 * client credential whose key stays in a secure element
 * (tlsc_config_set_client_signer). signer_client.elf minus client.elf is
 * what the sign hook costs in flash and static RAM (docs/footprint.md).
 * se_sign stands for the vendor's driver call (e.g. CryptoAuthLib's
 * atcab_sign): its own size is the vendor's, not tlsc's, so it is a stub
 * here. Built by scripts/baremetal.mk, never by CMake.
 */
#include <string.h>

#include "tlsc/tlsc.h"

int footprint_client_main(void);

/* The device certificate (P-256, self-signed stand-in: only its size
 * matters here). */
static const char device_cert[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBJTCBzQIUFivPIibWxHpzX56Wk6Etx31oCecwCgYIKoZIzj0EAwIwFjEUMBIG\n"
    "A1UEAwwLZGV2aWNlLTAwMDEwHhcNMjYxMjA2MDUzNjMxWhcNMzYxMjAzMDUzNjMx\n"
    "WjAWMRQwEgYDVQQDDAtkZXZpY2UtMDAwMTBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
    "A0IABLPWHd/gCqvZbGMc8jUdYYkGKvZQur6DuHT44825F/VQcB4dJliT20jk5auo\n"
    "NnwWnOJ75O/QL2NKJeN9dB+YEO4wCgYIKoZIzj0EAwIDRwAwRAIgQQdfAOJhgeGH\n"
    "joXG6EDaHKdXro9/GmET82CzCca/OBsCID23OkOtzBZGNci1BzJKOxIM3dNbc2XS\n"
    "K1VdIxeb8NQJ\n"
    "-----END CERTIFICATE-----\n";

static tlsc_sign_result se_sign(void *user, const tlsc_sign_request *req, uint8_t *sig,
                                size_t sig_cap, size_t *sig_len, char *why, size_t why_cap)
{
    (void)user;
    (void)req;
    (void)why;
    (void)why_cap;
    memset(sig, 0, sig_cap < 64 ? sig_cap : 64);
    *sig_len = 64;
    return TLSC_SIGN_OK;
}

int main(void)
{
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 1;
    tlsc_err err = tlsc_config_set_client_signer(cfg, device_cert, sizeof device_cert,
                                                 "atecc608@0x60", se_sign, NULL);
    tlsc_config_free(cfg);
    return err == TLSC_OK ? footprint_client_main() : 3;
}
