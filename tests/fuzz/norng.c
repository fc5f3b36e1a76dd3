/* Replay builds (gcc, make check) use mbedTLS's real RNG: nothing to reset. */
#include "fuzz.h"

void fuzz_rng_reset(void)
{
}
