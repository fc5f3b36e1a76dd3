/*
 * Shared by the unit tests: cmocka's required includes and a table-driven
 * check that reports every failing case before failing the test (cmocka's
 * own asserts stop at the first one and do not say which row it was).
 */
#ifndef TLSC_TESTS_UNIT_H
#define TLSC_TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Record a failure of one case; the test fails at UNIT_DONE. */
#define UNIT_CHECK(failures, cond, ...)          \
    do {                                         \
        if (!(cond)) {                           \
            print_error("  FAILED: " __VA_ARGS__); \
            print_error("\n");                   \
            (failures)++;                        \
        }                                        \
    } while (0)

#define UNIT_DONE(failures) assert_int_equal((failures), 0)

#define UNIT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif /* TLSC_TESTS_UNIT_H */
