/*
 * Fuzz target: arbitrary server bytes through a complete client handshake
 * (TLS 1.2 and 1.3 offered, verification on, ALPN, the fixed clock), then
 * reads until the connection ends. With the deterministic RNG of fuzz
 * builds every input replays exactly.
 */
#include "fuzz.h"
#include "transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_reset();
    tlsc_conn *c;
    if (tlsc_conn_new(fuzz_config(), &c) != TLSC_OK)
        return 0;
    feed f = { data, size };
    if (tlsc_conn_set_transport(c, &feed_ops, &f) == TLSC_OK &&
        tlsc_conn_connect(c, "localhost", 0) == TLSC_OK) {
        unsigned char buf[512];
        size_t got;
        while (tlsc_conn_read(c, buf, sizeof buf, &got) == TLSC_OK) {
        }
    }
    tlsc_conn_free(c);
    return 0;
}
