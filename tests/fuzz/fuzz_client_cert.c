/*
 * Fuzz target: client certificate + private key (+ password).
 * Input: [1 byte password length P][P bytes password][2 bytes BE cert
 * length C][C bytes certificate][the rest: key]. P = 0 means no password.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_reset();
    if (size < 3)
        return 0;
    size_t plen = data[0];
    if (size < 3 + plen)
        return 0;
    char password[256];
    memcpy(password, data + 1, plen);
    password[plen] = '\0';
    size_t clen = (size_t)data[1 + plen] << 8 | data[2 + plen];
    const uint8_t *cert = data + 3 + plen;
    size_t rest = size - 3 - plen;
    if (clen > rest)
        return 0;
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) != TLSC_OK)
        return 0;
    FUZZ_IGNORE(tlsc_config_set_client_cert(cfg, cert, clen, cert + clen, rest - clen,
                                      plen ? password : NULL));
    tlsc_config_free(cfg);
    return 0;
}
