/*
 * Root bundles through the public API, against real `openssl s_server`
 * peers on 127.0.0.1 with a PKI generated at test time (tests/pki/gen.sh):
 * chains ending at an ECDSA and at an RSA root of the bundle, the root left
 * out, cross-signed intermediates, bundle + added CAs, ESP-IDF formats,
 * files, the verify callback's view of a bundle root, and what must not
 * change (pins still need a chain, a self-signed added CA still works).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tlsc/tlsc.h"
#include "peer.h"
#include "pki.h"


typedef struct blob {
    unsigned char *p;
    size_t len;
} blob;

static blob read_file(const char *file)
{
    blob b = { calloc(1, 1 << 16), 0 };
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    b.len = fread(b.p, 1, (1 << 16) - 1, f);
    fclose(f);
    return b;
}

/* A bundle in `format` from the given PKI files (NULL-terminated). */
static blob make_bundle(tlsc_bundle_format format, const char *const *files)
{
    tlsc_bundle_builder *b = NULL;
    blob out = { NULL, 0 };
    assert_int_equal(tlsc_bundle_builder_new(&b), TLSC_OK);
    for (size_t i = 0; files[i] != NULL; i++) {
        blob pem = read_file(path(files[i]));
        assert_int_equal(tlsc_bundle_builder_add(b, pem.p, pem.len, NULL, NULL), TLSC_OK);
        free(pem.p);
    }
    assert_int_equal(tlsc_bundle_builder_write(b, format, 0, NULL, 0, &out.len), TLSC_OK);
    out.p = malloc(out.len);
    assert_int_equal(tlsc_bundle_builder_write(b, format, 0, out.p, out.len, &out.len), TLSC_OK);
    tlsc_bundle_builder_free(b);
    return out;
}

static tlsc_config *bundle_config(const blob *bundle)
{
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_set_bundle(cfg, bundle->p, bundle->len), TLSC_OK);
    assert_int_equal(tlsc_config_set_timeouts(cfg, 3000, 3000, 3000), TLSC_OK);
    return cfg;
}

/* openssl s_server with leaf NAME.pem/NAME.key sending `chain`. */
static int serve(peer *p, const char *name, const char *chain, int accepts)
{
    char cert[64], key[64], n[16];
    snprintf(cert, sizeof cert, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    snprintf(n, sizeof n, "%d", accepts);
    const char *args[] = { "-cert", path(cert), "-key", path(key), "-rev", "-naccept", n,
                           chain ? "-cert_chain" : NULL, chain ? path(chain) : NULL, NULL };
    int port = peer_start(p, args);
    assert_true(port > 0);
    return port;
}

/* Connect with cfg (keeps the caller's reference); the detail in detail. */
static tlsc_err try_connect(tlsc_config *cfg, int port, char *detail, size_t cap)
{
    tlsc_conn *c = NULL;
    tlsc_err err = tlsc_conn_new(cfg, &c);
    if (err != TLSC_OK)
        return err;
    err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    snprintf(detail, cap, "%s", tlsc_conn_errmsg(c));
    (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    return err;
}

static void expect_connect(const blob *bundle, const char *leaf, const char *chain, tlsc_err want,
                           const char *in_detail)
{
    peer p = { 0 };
    char detail[512];
    int port = serve(&p, leaf, chain, 1);
    tlsc_config *cfg = bundle_config(bundle);
    tlsc_err err = try_connect(cfg, port, detail, sizeof detail);
    tlsc_config_free(cfg);
    peer_stop(&p);
    if (err != want || (in_detail != NULL && strstr(detail, in_detail) == NULL))
        fail_msg("%s + %s: got %d (%s), wanted %d with \"%s\"", leaf, chain ? chain : "-", err,
                 detail, want, in_detail ? in_detail : "");
}

/* ---- chains to roots in the bundle ------------------------------------------- */

static void ecdsa_root_in_bundle(void **state)
{
    (void)state;
    static const char *const roots[] = { "root.pem", NULL };
    blob b = make_bundle(TLSC_BUNDLE_TLSC, roots);
    expect_connect(&b, "server-p256", "int.pem", TLSC_OK, NULL);
    expect_connect(&b, "server-rsa2048", "int.pem", TLSC_OK, NULL);
    free(b.p);
}

static void rsa_root_in_bundle(void **state)
{
    (void)state;
    static const char *const roots[] = { "xroot-b.pem", NULL };
    blob b = make_bundle(TLSC_BUNDLE_TLSC, roots);
    expect_connect(&b, "xleaf", "xint-b.pem", TLSC_OK, NULL);
    free(b.p);
}

static void root_left_out(void **state)
{
    (void)state;
    static const char *const roots[] = { "xroot-a.pem", "xroot-b.pem", NULL };
    blob b = make_bundle(TLSC_BUNDLE_TLSC, roots);
    expect_connect(&b, "server-p256", "int.pem", TLSC_ERR_UNKNOWN_ISSUER,
                   "unknown issuer CN=tlsc Test Root CA, O=tlsc tests");
    free(b.p);
}

/* One intermediate certified by root A and by root B: the bundle holds one
 * root; the server sends either certificate. */
static void cross_signed_intermediate(void **state)
{
    (void)state;
    static const char *const only_a[] = { "xroot-a.pem", NULL };
    static const char *const only_b[] = { "xroot-b.pem", NULL };
    blob a = make_bundle(TLSC_BUNDLE_TLSC, only_a);
    blob b = make_bundle(TLSC_BUNDLE_TLSC, only_b);
    expect_connect(&a, "xleaf", "xint-a.pem", TLSC_OK, NULL);
    expect_connect(&a, "xleaf", "xint-b.pem", TLSC_ERR_UNKNOWN_ISSUER,
                   "unknown issuer CN=tlsc Cross Root B");
    expect_connect(&b, "xleaf", "xint-b.pem", TLSC_OK, NULL);
    expect_connect(&b, "xleaf", "xint-a.pem", TLSC_ERR_UNKNOWN_ISSUER,
                   "unknown issuer CN=tlsc Cross Root A");
    free(a.p);
    free(b.p);
}

/* leaf + xint-a + (A cross-signed by B): a bundle with A stops at A (where
 * ESP-IDF's default mode, checking only the top of the chain, fails); one
 * with B goes on through the cross certificate. */
static void cross_signed_root(void **state)
{
    (void)state;
    static const char *const only_a[] = { "xroot-a.pem", NULL };
    static const char *const only_b[] = { "xroot-b.pem", NULL };
    char chain[600];
    snprintf(chain, sizeof chain, "cat '%s' '%s' > '%s'", path("xint-a.pem"),
             path("xroot-a-by-b.pem"), path("xchain-ab.pem"));
    assert_int_equal(system(chain), 0);
    blob a = make_bundle(TLSC_BUNDLE_TLSC, only_a);
    blob b = make_bundle(TLSC_BUNDLE_TLSC, only_b);
    expect_connect(&a, "xleaf", "xchain-ab.pem", TLSC_OK, NULL);
    expect_connect(&b, "xleaf", "xchain-ab.pem", TLSC_OK, NULL);
    free(a.p);
    free(b.p);
}

static void esp_idf_formats(void **state)
{
    (void)state;
    static const char *const roots[] = { "root.pem", "xroot-b.pem", NULL };
    static const tlsc_bundle_format formats[] = { TLSC_BUNDLE_ESP_IDF, TLSC_BUNDLE_ESP_IDF_LEGACY };
    for (size_t i = 0; i < 2; i++) {
        blob b = make_bundle(formats[i], roots);
        expect_connect(&b, "server-p256", "int.pem", TLSC_OK, NULL);
        expect_connect(&b, "xleaf", "xint-b.pem", TLSC_OK, NULL);
        expect_connect(&b, "xleaf", "xint-a.pem", TLSC_ERR_UNKNOWN_ISSUER, "Cross Root A");
        free(b.p);
    }
}

/* ---- the bundle with the rest of the configuration ---------------------------- */

static void bundle_and_added_ca(void **state)
{
    (void)state;
    static const char *const only_a[] = { "xroot-a.pem", NULL };
    blob a = make_bundle(TLSC_BUNDLE_TLSC, only_a);
    peer p1 = { 0 }, p2 = { 0 };
    char detail[512];
    int port1 = serve(&p1, "server-p256", "int.pem", 1);
    int port2 = serve(&p2, "xleaf", "xint-a.pem", 1);
    tlsc_config *cfg = bundle_config(&a);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("root.pem")), TLSC_OK);
    assert_int_equal(try_connect(cfg, port1, detail, sizeof detail), TLSC_OK);
    assert_int_equal(try_connect(cfg, port2, detail, sizeof detail), TLSC_OK);
    tlsc_config_free(cfg);
    peer_stop(&p1);
    peer_stop(&p2);
    free(a.p);
}

/* mbedTLS trusts a self-signed added CA as is; with a bundle too. */
static void self_signed_added_ca_with_bundle(void **state)
{
    (void)state;
    static const char *const only_a[] = { "xroot-a.pem", NULL };
    blob a = make_bundle(TLSC_BUNDLE_TLSC, only_a);
    peer p = { 0 };
    char detail[512];
    int port = serve(&p, "selfsigned", NULL, 1);
    tlsc_config *cfg = bundle_config(&a);
    assert_int_equal(tlsc_config_add_ca_file(cfg, path("selfsigned.pem")), TLSC_OK);
    assert_int_equal(try_connect(cfg, port, detail, sizeof detail), TLSC_OK);
    tlsc_config_free(cfg);
    peer_stop(&p);
    free(a.p);
}

static char pin_text[80];

/* A pin with a bundle checks the key in addition: the chain must still
 * reach a root (it is not pin-only trust). */
static void pin_with_bundle_still_needs_chain(void **state)
{
    (void)state;
    static const char *const only_a[] = { "xroot-a.pem", NULL };
    blob a = make_bundle(TLSC_BUNDLE_TLSC, only_a);
    peer p = { 0 };
    char detail[512], cmd[1024];
    snprintf(cmd, sizeof cmd,
             "openssl x509 -in '%s' -noout -pubkey | openssl pkey -pubin -outform DER | "
             "openssl dgst -sha256 -binary | base64 > '%s'",
             path("server-p256.pem"), path("pin.txt"));
    assert_int_equal(system(cmd), 0);
    blob pin = read_file(path("pin.txt"));
    snprintf(pin_text, sizeof pin_text, "sha256//%.*s", (int)strcspn((char *)pin.p, "\n"),
             (char *)pin.p);
    free(pin.p);
    int port = serve(&p, "server-p256", "int.pem", 1);
    tlsc_config *cfg = bundle_config(&a);
    assert_int_equal(tlsc_config_add_pin(cfg, pin_text), TLSC_OK);
    assert_int_equal(try_connect(cfg, port, detail, sizeof detail), TLSC_ERR_UNKNOWN_ISSUER);
    tlsc_config_free(cfg);
    peer_stop(&p);
    free(a.p);
}

typedef struct view {
    int depth;
    char subject[256];
    int64_t not_after;
} view;

static uint32_t see_top(void *ud, const tlsc_cert_view *cert, uint32_t flags)
{
    view *v = ud;
    if (cert->depth > v->depth) {
        v->depth = cert->depth;
        snprintf(v->subject, sizeof v->subject, "%s", cert->subject);
        v->not_after = cert->not_after;
    }
    return flags == 0 ? 0 : TLSC_VERIFY_REJECTED;
}

static bool root_dates(void *ud, const tlsc_bundle_root *r)
{
    *(int64_t *)ud = r->not_after;
    return true;
}

/* The verify callback sees the bundle root at the top of the chain, with
 * the root's name and dates. */
static void verify_callback_sees_root(void **state)
{
    (void)state;
    static const char *const roots[] = { "root.pem", NULL };
    blob b = make_bundle(TLSC_BUNDLE_TLSC, roots);
    int64_t not_after = 0;
    assert_int_equal(tlsc_bundle_foreach(b.p, b.len, root_dates, &not_after, NULL, NULL, 0), TLSC_OK);
    peer p = { 0 };
    view v = { -1, "", 0 };
    char detail[512];
    int port = serve(&p, "server-p256", "int.pem", 1);
    tlsc_config *cfg = bundle_config(&b);
    assert_int_equal(tlsc_config_set_verify_callback(cfg, see_top, &v), TLSC_OK);
    assert_int_equal(try_connect(cfg, port, detail, sizeof detail), TLSC_OK);
    assert_int_equal(v.depth, 2);
    assert_string_equal(v.subject, "CN=tlsc Test Root CA, O=tlsc tests");
    assert_true(v.not_after == not_after && not_after > 0);
    tlsc_config_free(cfg);
    peer_stop(&p);
    free(b.p);
}

/* ---- attaching and building ------------------------------------------------------ */

static void bundle_file(void **state)
{
    (void)state;
    static const char *const roots[] = { "root.pem", NULL };
    blob b = make_bundle(TLSC_BUNDLE_TLSC, roots);
    FILE *f = fopen(path("roots.tlsc"), "wb");
    assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
    fclose(f);
    f = fopen(path("cut.tlsc"), "wb");
    assert_int_equal(fwrite(b.p, 1, b.len - 1, f), b.len - 1);
    fclose(f);
    tlsc_config *cfg = NULL;
    assert_int_equal(tlsc_config_new(&cfg), TLSC_OK);
    assert_int_equal(tlsc_config_set_bundle_file(cfg, path("cut.tlsc")), TLSC_ERR_BUNDLE);
    assert_non_null(strstr(tlsc_config_errmsg(cfg), "cut.tlsc: "));
    assert_int_equal(tlsc_config_set_bundle_file(cfg, path("missing.tlsc")), TLSC_ERR_FILE);
    assert_int_equal(tlsc_config_set_bundle_file(cfg, path("roots.tlsc")), TLSC_OK);
    peer p = { 0 };
    char detail[512];
    int port = serve(&p, "server-p384", "int.pem", 1);
    assert_int_equal(try_connect(cfg, port, detail, sizeof detail), TLSC_OK);
    assert_int_equal(tlsc_config_set_bundle(cfg, b.p, b.len), TLSC_ERR_CONFIG_FROZEN);
    tlsc_config_free(cfg);
    peer_stop(&p);
    free(b.p);
}

static bool note_skip(void *ud, const tlsc_bundle_root *r)
{
    *(const char **)ud = r->skip;
    return true;
}

/* Only certificates mbedTLS could use as trust anchors become roots. */
static void builder_leaves_out_non_roots(void **state)
{
    (void)state;
    tlsc_bundle_builder *b = NULL;
    const char *why = NULL;
    assert_int_equal(tlsc_bundle_builder_new(&b), TLSC_OK);
    blob leaf = read_file(path("server-p256.pem"));
    assert_int_equal(tlsc_bundle_builder_add(b, leaf.p, leaf.len, note_skip, &why), TLSC_OK);
    assert_non_null(why);
    assert_non_null(strstr(why, "not a CA"));
    assert_int_equal(tlsc_bundle_builder_count(b), 0);
    size_t len = 0;
    assert_int_equal(tlsc_bundle_builder_write(b, TLSC_BUNDLE_TLSC, 0, NULL, 0, &len),
                     TLSC_ERR_BUNDLE);
    free(leaf.p);
    tlsc_bundle_builder_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ecdsa_root_in_bundle),
        cmocka_unit_test(rsa_root_in_bundle),
        cmocka_unit_test(root_left_out),
        cmocka_unit_test(cross_signed_intermediate),
        cmocka_unit_test(cross_signed_root),
        cmocka_unit_test(esp_idf_formats),
        cmocka_unit_test(bundle_and_added_ca),
        cmocka_unit_test(self_signed_added_ca_with_bundle),
        cmocka_unit_test(pin_with_bundle_still_needs_chain),
        cmocka_unit_test(verify_callback_sees_root),
        cmocka_unit_test(bundle_file),
        cmocka_unit_test(builder_leaves_out_non_roots),
    };
    return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
