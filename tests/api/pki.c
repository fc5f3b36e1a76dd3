/* The test PKI shared by the C API tests (see pki.h). */
#include "pki.h"

#include <stdio.h>
#include <stdlib.h>

static char pki[256];

const char *path(const char *name)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", pki, name);
    return buf[i];
}

char *pki_read(const char *name, size_t *len)
{
    FILE *f = fopen(path(name), "rb");
    char *buf = calloc(1, 65536);
    if (f == NULL || buf == NULL) {
        if (f != NULL)
            fclose(f);
        free(buf);
        return NULL;
    }
    *len = fread(buf, 1, 65535, f);
    fclose(f);
    return buf;
}

int make_pki(void **state)
{
    (void)state;
    const char *gen = getenv("TLSC_PKI_GEN");
    snprintf(pki, sizeof pki, "/tmp/tlsc-api-XXXXXX");
    if (gen == NULL || mkdtemp(pki) == NULL)
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' >/dev/null 2>&1", gen, pki);
    return system(cmd) == 0 ? 0 : -1;
}

int drop_pki(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki);
    return system(cmd) == 0 ? 0 : -1;
}
