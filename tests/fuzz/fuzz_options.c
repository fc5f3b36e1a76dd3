/*
 * Fuzz target: option strings users pass in — pins, ALPN lists, hex PSKs,
 * PSK identities and server names — as a NUL-terminated string, each
 * through its public setter.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_reset();
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    tlsc_config *cfg;
    if (tlsc_config_new(&cfg) == TLSC_OK) {
        FUZZ_IGNORE(tlsc_config_add_pin(cfg, s));
        FUZZ_IGNORE(tlsc_config_set_alpn(cfg, s));
        FUZZ_IGNORE(tlsc_config_set_psk_hex(cfg, "id", s));
        FUZZ_IGNORE(tlsc_config_set_psk_hex(cfg, s, "00112233"));
        tlsc_config_free(cfg);
    }
    tlsc_conn *c;
    if (tlsc_conn_new(fuzz_config(), &c) == TLSC_OK) {
        FUZZ_IGNORE(tlsc_conn_set_server_name(c, s));
        tlsc_conn_free(c);
    }
    free(s);
    return 0;
}
