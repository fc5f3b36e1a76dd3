/*
 * tlsc_strerror, tlsc_err_category, tlsc_category_name.
 *
 * The list of codes is generated from include/tlsc/error.h at configure
 * time (tlsc_error_codes.inc, one TLSC_CODE(name) per enumerator), so a code
 * added to the header without a message fails here.
 */
#include "unit.h"

#include <string.h>

#include "tlsc/error.h"

struct code {
    tlsc_err err;
    const char *name;
};

static const struct code all_codes[] = {
#define TLSC_CODE(name) {name, #name},
#include "tlsc_error_codes.inc"
#undef TLSC_CODE
};

#define N_CODES UNIT_ARRAY_LEN(all_codes)

static bool is_known(int value)
{
    for (size_t i = 0; i < N_CODES; i++) {
        if ((int)all_codes[i].err == value)
            return true;
    }
    return false;
}

/* The generator found the whole enum (53 codes when this was written). */
static void test_code_list_complete(void **state)
{
    (void)state;
    assert_true(N_CODES >= 53);
    assert_true(is_known(TLSC_OK));
    assert_true(is_known(TLSC_WANT_WRITE));
    assert_true(is_known(TLSC_ERR_CLOCK_NOT_SET));
    assert_true(is_known(TLSC_ERR_INTERNAL));
}

/* Lower-case start, no trailing period, one line, specific (long enough
 * to say something; only TLSC_OK may just say "success"). */
static bool message_well_formed(tlsc_err err, const char *m)
{
    size_t len = strlen(m);
    size_t min_len = err == TLSC_OK ? 7 : 16;
    return len >= min_len && m[0] >= 'a' && m[0] <= 'z' && m[len - 1] != '.' &&
           strchr(m, '\n') == NULL && strcmp(m, "unknown error") != 0;
}

static void test_every_code_has_a_message(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < N_CODES; i++) {
        const char *m = tlsc_strerror(all_codes[i].err);
        UNIT_CHECK(failures, m != NULL, "%s: NULL message", all_codes[i].name);
        if (m == NULL)
            continue;
        UNIT_CHECK(failures, message_well_formed(all_codes[i].err, m), "%s: bad message \"%s\"",
                   all_codes[i].name, m);
    }
    UNIT_DONE(failures);
}

/* Two codes with one message would tell the user nothing. */
static void test_messages_distinct(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < N_CODES; i++) {
        for (size_t j = i + 1; j < N_CODES; j++) {
            UNIT_CHECK(failures,
                       strcmp(tlsc_strerror(all_codes[i].err),
                              tlsc_strerror(all_codes[j].err)) != 0,
                       "%s and %s share a message", all_codes[i].name, all_codes[j].name);
        }
    }
    UNIT_DONE(failures);
}

/* The texts the documentation promises. */
static void test_documented_messages(void **state)
{
    (void)state;
    assert_string_equal(tlsc_strerror(TLSC_ERR_NO_TRUST),
                        "no trust configured: add a CA, a CA bundle or a pin, or call "
                        "tlsc_config_insecure_skip_verify");
    assert_string_equal(tlsc_strerror(TLSC_ERR_CLOCK_NOT_SET),
                        "current time unknown: set the clock (SNTP) or allow unknown time");
    assert_string_equal(tlsc_strerror(TLSC_ERR_TRUNCATED),
                        "peer closed the connection without close_notify (data may be truncated)");
}

static void test_unknown_codes(void **state)
{
    (void)state;
    int failures = 0;
    for (int v = -1000; v <= 2000; v++) {
        if (is_known(v))
            continue;
        const char *m = tlsc_strerror((tlsc_err)v);
        UNIT_CHECK(failures, m != NULL && strcmp(m, "unknown error") == 0,
                   "code %d: \"%s\"", v, m ? m : "(null)");
    }
    assert_string_equal(tlsc_strerror((tlsc_err)INT32_MAX), "unknown error");
    assert_string_equal(tlsc_strerror((tlsc_err)INT32_MIN), "unknown error");
    UNIT_DONE(failures);
}

/* The numbering rule of error.h: category = code / 100, http for 11xx,
 * mqtt for 12xx, internal for 10xx and from 1300, none for success, the WANT codes and
 * anything else below 100. */
static tlsc_category expected_category(int v)
{
    if (v < 100)
        return TLSC_CAT_NONE;
    if (v >= 1100 && v < 1200)
        return TLSC_CAT_HTTP;
    if (v >= 1200 && v < 1300)
        return TLSC_CAT_MQTT;
    if (v >= 1000)
        return TLSC_CAT_INTERNAL;
    return (tlsc_category)(v / 100);
}

static void test_category_rule(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < N_CODES; i++) {
        tlsc_category got = tlsc_err_category(all_codes[i].err);
        UNIT_CHECK(failures, got == expected_category((int)all_codes[i].err),
                   "%s: category %d", all_codes[i].name, (int)got);
    }
    /* Unknown codes follow the same rule (a code appended to a group
     * later is categorised by an older library too). */
    for (int v = -1000; v <= 2000; v++) {
        tlsc_category got = tlsc_err_category((tlsc_err)v);
        UNIT_CHECK(failures, got == expected_category(v), "code %d: category %d", v,
                   (int)got);
    }
    UNIT_DONE(failures);
}

/* The same, spelled out per group, so a wrong rule cannot hide. */
static void test_category_examples(void **state)
{
    (void)state;
    assert_int_equal(tlsc_err_category(TLSC_OK), TLSC_CAT_NONE);
    assert_int_equal(tlsc_err_category(TLSC_WANT_READ), TLSC_CAT_NONE);
    assert_int_equal(tlsc_err_category(TLSC_WANT_WRITE), TLSC_CAT_NONE);
    assert_int_equal(tlsc_err_category(TLSC_ERR_CONFIG), TLSC_CAT_CONFIG);
    assert_int_equal(tlsc_err_category(TLSC_ERR_NO_TRUST), TLSC_CAT_CONFIG);
    assert_int_equal(tlsc_err_category(TLSC_ERR_HOSTNAME), TLSC_CAT_CONFIG);
    assert_int_equal(tlsc_err_category(TLSC_ERR_CONN_REFUSED), TLSC_CAT_NETWORK);
    assert_int_equal(tlsc_err_category(TLSC_ERR_DNS_TEMPORARY), TLSC_CAT_DNS);
    assert_int_equal(tlsc_err_category(TLSC_ERR_TIMEOUT_READ), TLSC_CAT_TIMEOUT);
    assert_int_equal(tlsc_err_category(TLSC_ERR_RENEGOTIATION), TLSC_CAT_PROTOCOL);
    assert_int_equal(tlsc_err_category(TLSC_ERR_PEER_DECRYPT), TLSC_CAT_ALERT);
    assert_int_equal(tlsc_err_category(TLSC_ERR_CLOCK_NOT_SET), TLSC_CAT_VERIFY);
    assert_int_equal(tlsc_err_category(TLSC_ERR_CERT_BAD), TLSC_CAT_VERIFY);
    assert_int_equal(tlsc_err_category(TLSC_ERR_NO_MEMORY), TLSC_CAT_MEMORY);
    assert_int_equal(tlsc_err_category(TLSC_ERR_TRUNCATED), TLSC_CAT_CLOSED);
    assert_int_equal(tlsc_err_category(TLSC_ERR_INTERNAL), TLSC_CAT_INTERNAL);
    assert_int_equal(tlsc_err_category((tlsc_err)1099), TLSC_CAT_INTERNAL);
    assert_int_equal(tlsc_err_category(TLSC_ERR_HTTP_MALFORMED), TLSC_CAT_HTTP);
    assert_int_equal(tlsc_err_category((tlsc_err)1199), TLSC_CAT_HTTP);
    assert_int_equal(tlsc_err_category(TLSC_ERR_MQTT_REFUSED), TLSC_CAT_MQTT);
    assert_int_equal(tlsc_err_category((tlsc_err)1299), TLSC_CAT_MQTT);
    assert_int_equal(tlsc_err_category((tlsc_err)1300), TLSC_CAT_INTERNAL);
    assert_int_equal(tlsc_err_category((tlsc_err)INT32_MAX), TLSC_CAT_INTERNAL);
    assert_int_equal(tlsc_err_category((tlsc_err)INT32_MIN), TLSC_CAT_NONE);
}

static void test_category_names(void **state)
{
    (void)state;
    static const char *const names[] = {"none",     "config", "network", "dns",
                                        "timeout",  "protocol", "alert", "verify",
                                        "memory",   "closed", "internal", "http",
                                        "mqtt"};
    assert_int_equal(UNIT_ARRAY_LEN(names), TLSC_CAT_MQTT + 1);
    for (int c = TLSC_CAT_NONE; c <= TLSC_CAT_MQTT; c++)
        assert_string_equal(tlsc_category_name((tlsc_category)c), names[c]);
    static const int bad[] = {-1, 13, 14, 100, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < UNIT_ARRAY_LEN(bad); i++)
        assert_string_equal(tlsc_category_name((tlsc_category)bad[i]), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_list_complete),
        cmocka_unit_test(test_every_code_has_a_message),
        cmocka_unit_test(test_messages_distinct),
        cmocka_unit_test(test_documented_messages),
        cmocka_unit_test(test_unknown_codes),
        cmocka_unit_test(test_category_rule),
        cmocka_unit_test(test_category_examples),
        cmocka_unit_test(test_category_names),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
