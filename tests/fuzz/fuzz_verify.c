/*
 * Fuzz target: offline chain verification (tlsc_verify_chain) of arbitrary
 * certificate lists — the code tlsc runs on certificates a server sends:
 * the verify callback's rules, the certificate-profile walk over the
 * extensions (x509_lint.c) and nameConstraints matching (x509_ext.c).
 * The first byte picks the host name to verify against and the time.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const HOSTS[] = { NULL, "localhost", "tlsc.test", "127.0.0.1", "::1",
                                         "a.b.example.com" };
    fuzz_rng_reset();
    if (size < 2)
        return 0;
    const char *host = HOSTS[data[0] % (sizeof HOSTS / sizeof HOSTS[0])];
    int64_t when = (data[0] & 0x80) ? -1 : 1780272000; /* the config's clock, or 2026-06-01 */
    uint32_t flags;
    char detail[256];
    FUZZ_IGNORE(tlsc_verify_chain(fuzz_config(), data + 1, size - 1, host, when, &flags, detail,
                                  sizeof detail));
    return 0;
}
