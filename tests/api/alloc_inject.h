/* Allocation-failure injection through the public allocator hook, shared
 * by the API tests that fail one allocation at a time (see
 * alloc_inject.c). */
#ifndef TLSC_TEST_ALLOC_INJECT_H
#define TLSC_TEST_ALLOC_INJECT_H

#include <stdbool.h>
#include <stddef.h>

/* Allocations left before one fails (that one returns NULL, and so do all
 * after it until the test sets this again, unless alloc_fail_once);
 * -1 = never. */
extern long alloc_countdown;
/* Allocations asked for since the test last set this to 0. */
extern long alloc_count;
/* Set: only the one allocation fails, alloc_countdown then becomes -1
 * (the code goes on with memory back: what it does after a failure
 * shows). */
extern bool alloc_fail_once;
/* Failures injected since the test last set this to 0. */
extern long alloc_injected;

/* The allocator pair to give tlsc_set_allocator (ud unused): the C
 * library's calloc / free, with alloc_countdown's failure. */
void *alloc_inject_calloc(void *ud, size_t n, size_t size);
void alloc_inject_free(void *ud, void *p);

#endif
