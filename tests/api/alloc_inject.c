/*
 * The failing allocator of the allocation-failure tests (test_alloc_fail,
 * test_http_alloc_fail, test_http_ev_alloc_fail, test_path): one
 * countdown, one counter, so every such test injects its failure the same
 * way.
 */
#include <stdlib.h>

#include "alloc_inject.h"

long alloc_countdown = -1;
long alloc_count;
bool alloc_fail_once;
long alloc_injected;

void *alloc_inject_calloc(void *ud, size_t n, size_t size)
{
    (void)ud;
    alloc_count++;
    if (alloc_countdown == 0) {
        alloc_injected++;
        alloc_countdown = alloc_fail_once ? -1 : 0;
        return NULL;
    }
    if (alloc_countdown > 0)
        alloc_countdown--;
    return calloc(n, size);
}

void alloc_inject_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}
