/* The test PKI of tests/pki/gen.sh, made once per test program. */
#ifndef TLSC_TEST_PKI_H
#define TLSC_TEST_PKI_H

#include <stddef.h>

/* Group setup/teardown (cmocka signature): generate into a fresh temp dir
 * with $TLSC_PKI_GEN, and remove it. */
int make_pki(void **state);
int drop_pki(void **state);
/* NAME inside the PKI dir; one of 8 rotating buffers (copy to keep). */
const char *path(const char *name);
/* The whole of PKI file NAME, NUL-terminated (malloc'ed; at most 64 KB). */
char *pki_read(const char *name, size_t *len);

#endif
