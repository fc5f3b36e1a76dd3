/* Fuzz target: CA certificates from memory (PEM bundles or DER). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_reset();
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 0;
    if (size > 0)
        FUZZ_IGNORE(tlsc_config_add_ca(cfg, data, size));
    tlsc_config_free(cfg);
    return 0;
}
