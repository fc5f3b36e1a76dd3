/*
 * bench/bundle_bench.c — what a root bundle costs and saves, in one run:
 *   - size of Debian's Mozilla roots in the tlsc format and in ESP-IDF's
 *     (both written by tlsc's builder, which writes ESP-IDF's layouts byte
 *     for byte as gen_crt_bundle.py does);
 *   - heap of a verified TLS 1.3 handshake against a local openssl s_server
 *     trusting the same roots from (a) a bundle, (b) PEM;
 *   - time of the trusted-CA callback per lookup, and of a whole chain
 *     verification with the bundle and with the PEM roots.
 * Run by `make bench` (not by ctest). Needs openssl and the package
 * ca-certificates; makes a test PKI with tests/pki/gen.sh in /tmp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlsc/tlsc.h"
#include "core/alloc.h"
#include "core/verify/trust.h"
#include "peer.h"

#define MOZILLA_DIR "/usr/share/ca-certificates/mozilla"
#define SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"
#define LOOKUPS 1000

typedef struct blob {
    unsigned char *p;
    size_t len;
} blob;

static char pki[64];

static blob read_file(const char *path)
{
    blob b = { NULL, 0 };
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return b;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.p = calloc(1, (size_t)size + 1);
    b.len = fread(b.p, 1, (size_t)size, f);
    fclose(f);
    return b;
}

static void append(blob *all, const blob *more)
{
    all->p = realloc(all->p, all->len + more->len + 2);
    memcpy(all->p + all->len, more->p, more->len);
    all->len += more->len;
    all->p[all->len++] = '\n';
    all->p[all->len] = '\0';
}

/* Every *.crt of Debian's Mozilla directory, concatenated (PEM). */
static blob mozilla_pem(size_t *files)
{
    blob all = { calloc(1, 1), 0 };
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s/*.crt", MOZILLA_DIR);
    FILE *ls = popen(cmd, "r");
    char line[512];
    *files = 0;
    while (ls != NULL && fgets(line, sizeof line, ls) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        blob one = read_file(line);
        append(&all, &one);
        free(one.p);
        (*files)++;
    }
    if (ls != NULL)
        pclose(ls);
    return all;
}

static blob write_bundle(tlsc_bundle_builder *b, tlsc_bundle_format f, unsigned flags)
{
    blob out = { NULL, 0 };
    if (tlsc_bundle_builder_write(b, f, flags, NULL, 0, &out.len) != TLSC_OK)
        return out;
    out.p = malloc(out.len);
    if (tlsc_bundle_builder_write(b, f, flags, out.p, out.len, &out.len) != TLSC_OK)
        out.len = 0;
    return out;
}

static tlsc_bundle_builder *builder_of(const blob *pem)
{
    tlsc_bundle_builder *b = NULL;
    if (tlsc_bundle_builder_new(&b) != TLSC_OK ||
        tlsc_bundle_builder_add(b, pem->p, pem->len, NULL, NULL) != TLSC_OK) {
        fprintf(stderr, "bench: cannot build a bundle\n");
        exit(1);
    }
    return b;
}

/* ---- sizes ------------------------------------------------------------------ */

static void sizes(const char *what, const blob *pem)
{
    tlsc_bundle_builder *b = builder_of(pem);
    blob t = write_bundle(b, TLSC_BUNDLE_TLSC, 0);
    blob n = write_bundle(b, TLSC_BUNDLE_TLSC, TLSC_BUNDLE_NAMES);
    blob e = write_bundle(b, TLSC_BUNDLE_ESP_IDF, 0);
    blob l = write_bundle(b, TLSC_BUNDLE_ESP_IDF_LEGACY, 0);
    printf("%s: %zu roots\n", what, tlsc_bundle_builder_count(b));
    printf("  %-40s %8zu bytes\n", "tlsc format", t.len);
    printf("  %-40s %8zu bytes\n", "tlsc format with names (--names)", n.len);
    printf("  %-40s %8zu bytes\n", "ESP-IDF format (offset table)", e.len);
    printf("  %-40s %8zu bytes\n", "ESP-IDF legacy format (16-bit count)", l.len);
    printf("  %-40s %8.3f      (target <= 0.75)\n", "tlsc / ESP-IDF", (double)t.len / (double)e.len);
    printf("  %-40s %8.3f\n", "tlsc / ESP-IDF legacy", (double)t.len / (double)l.len);
    printf("  %-40s %8.1f bytes\n", "tlsc bytes per root", (double)t.len / (double)tlsc_bundle_builder_count(b));
    printf("  %-40s %8zu bytes\n\n", "PEM text of the same roots", pem->len);
    free(t.p);
    free(n.p);
    free(e.p);
    free(l.p);
    tlsc_bundle_builder_free(b);
}

/* ---- heap ---------------------------------------------------------------------- */

typedef struct heap {
    size_t config;      /* held by the configuration once set up */
    size_t handshake;   /* tlsc_conn_handshake_heap_peak (includes config) */
    size_t peak;        /* tlsc_heap_peak over the whole run */
    tlsc_err err;
} heap;

static heap measure(int port, const blob *bundle, const blob *pem)
{
    heap h = { 0, 0, 0, TLSC_OK };
    tlsc_config *cfg = NULL;
    tlsc_conn *c = NULL;
    size_t base = tlsc_heap_current();
    tlsc_heap_reset_peak();
    h.err = tlsc_config_new(&cfg);
    if (h.err == TLSC_OK && bundle != NULL)
        h.err = tlsc_config_set_bundle(cfg, bundle->p, bundle->len);
    if (h.err == TLSC_OK && pem != NULL)
        h.err = tlsc_config_add_ca(cfg, pem->p, pem->len + 1);
    h.config = tlsc_heap_current() - base;
    if (h.err == TLSC_OK)
        h.err = tlsc_conn_new(cfg, &c);
    if (h.err == TLSC_OK)
        h.err = tlsc_conn_connect(c, "localhost", (uint16_t)port);
    if (h.err == TLSC_OK)
        h.handshake = tlsc_conn_handshake_heap_peak(c) - base;
    if (h.err != TLSC_OK && c != NULL)
        fprintf(stderr, "bench: %s\n", tlsc_conn_errmsg(c));
    h.peak = tlsc_heap_peak() - base;
    if (c != NULL)
        (void)tlsc_conn_close(c);
    tlsc_conn_free(c);
    tlsc_config_free(cfg);
    return h;
}

static int serve(peer *p)
{
    char cert[128], key[128], chain[128];
    snprintf(cert, sizeof cert, "%s/server-p256.pem", pki);
    snprintf(key, sizeof key, "%s/server-p256.key", pki);
    snprintf(chain, sizeof chain, "%s/int.pem", pki);
    const char *args[] = { "-cert", cert, "-key", key, "-cert_chain", chain, "-tls1_3",
                           "-naccept", "1", "-rev", NULL };
    return peer_start(p, args);
}

static void heaps(const blob *bundle, const blob *pem, size_t roots)
{
    peer p1 = { 0 }, p2 = { 0 };
    heap a = measure(serve(&p1), bundle, NULL);
    heap b = measure(serve(&p2), NULL, pem);
    peer_stop(&p1);
    peer_stop(&p2);
    printf("Heap of a verified TLS 1.3 handshake (ECDSA P-256 leaf + intermediate,\n"
           "%zu roots: Debian's Mozilla roots + the test root), bytes:\n", roots);
    printf("  %-28s %12s %16s %12s\n", "", "config", "handshake peak", "whole peak");
    printf("  %-28s %12zu %16zu %12zu%s\n", "(a) bundle, tlsc format", a.config, a.handshake,
           a.peak, a.err == TLSC_OK ? "" : "  FAILED");
    printf("  %-28s %12zu %16zu %12zu%s\n", "(b) the same roots from PEM", b.config, b.handshake,
           b.peak, b.err == TLSC_OK ? "" : "  FAILED");
    printf("  (the bundle itself, %zu bytes, stays where it is: flash on a device;\n"
           "   'handshake peak' is tlsc_conn_handshake_heap_peak, configuration included)\n\n",
           bundle->len);
}

/* ---- time ------------------------------------------------------------------------ */

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* Heap held at the peak of one lookup, candidates included. */
static size_t lookup_heap(tlsc_config *cfg, const mbedtls_x509_crt *child)
{
    mbedtls_x509_crt *cands = NULL;
    size_t base = tlsc_heap_current();
    tlsc_heap_reset_peak();
    if (tlsc__trust_ca_cb(cfg, child, &cands) != 0)
        return 0;
    size_t peak = tlsc_heap_peak() - base;
    mbedtls_x509_crt_free(cands);
    tlsc__free(cands);
    return peak;
}

static double per_lookup(tlsc_config *cfg, const mbedtls_x509_crt *child, unsigned *found)
{
    double t0 = now_us();
    *found = 0;
    for (int i = 0; i < LOOKUPS; i++) {
        mbedtls_x509_crt *cands = NULL;
        if (tlsc__trust_ca_cb(cfg, child, &cands) != 0)
            return -1;
        for (mbedtls_x509_crt *c = cands; c != NULL; c = c->next)
            *found += i == 0;
        mbedtls_x509_crt_free(cands);
        tlsc__free(cands);
    }
    return (now_us() - t0) / LOOKUPS;
}

static double per_verify(mbedtls_x509_crt *chain, tlsc_config *cfg, mbedtls_x509_crt *roots)
{
    double t0 = now_us();
    uint32_t flags = 0;
    for (int i = 0; i < LOOKUPS / 10; i++) {
        int ret = roots != NULL
                      ? mbedtls_x509_crt_verify(chain, roots, NULL, "localhost", &flags, NULL, NULL)
                      : mbedtls_x509_crt_verify_with_ca_cb(chain, tlsc__trust_ca_cb, cfg,
                                                           &mbedtls_x509_crt_profile_default,
                                                           "localhost", &flags, NULL, NULL);
        if (ret != 0)
            return -1;
    }
    return (now_us() - t0) / (LOOKUPS / 10);
}

static void times(const blob *bundle, const blob *pem, size_t roots)
{
    char path[128];
    mbedtls_x509_crt chain, pem_roots;
    tlsc_config *cfg = NULL;
    mbedtls_x509_crt_init(&chain);
    mbedtls_x509_crt_init(&pem_roots);
    snprintf(path, sizeof path, "%s/server-p256-chain.pem", pki);
    if (mbedtls_x509_crt_parse_file(&chain, path) != 0 ||
        mbedtls_x509_crt_parse(&pem_roots, pem->p, pem->len + 1) < 0 ||
        tlsc_config_new(&cfg) != TLSC_OK ||
        tlsc_config_set_bundle(cfg, bundle->p, bundle->len) != TLSC_OK) {
        fprintf(stderr, "bench: cannot set up the lookups\n");
        exit(1);
    }
    mbedtls_x509_crt rsa;
    mbedtls_x509_crt_init(&rsa);
    if (mbedtls_x509_crt_parse_file(&rsa, MOZILLA_DIR "/ISRG_Root_X1.crt") != 0) {
        fprintf(stderr, "bench: no ISRG_Root_X1.crt\n");
        exit(1);
    }
    unsigned hit_n = 0, rsa_n = 0, miss_n = 0;
    double hit = per_lookup(cfg, chain.next, &hit_n), miss = per_lookup(cfg, &chain, &miss_n);
    double hit_rsa = per_lookup(cfg, &rsa, &rsa_n);
    double vb = per_verify(&chain, cfg, NULL), vp = per_verify(&chain, NULL, &pem_roots);
    printf("Lookup in a bundle of %zu roots (trusted-CA callback, %d calls each):\n", roots,
           LOOKUPS);
    printf("  %-52s %8.1f us (%u candidate, heap peak %zu bytes)\n",
           "issuer is an EC P-384 root (certificate built)", hit, hit_n,
           lookup_heap(cfg, chain.next));
    printf("  %-52s %8.1f us (%u candidate, heap peak %zu bytes)\n",
           "issuer is an RSA-4096 root (certificate built)", hit_rsa, rsa_n,
           lookup_heap(cfg, &rsa));
    printf("  %-52s %8.1f us (%u candidates)\n", "issuer is not a root (hash + binary search)",
           miss, miss_n);
    printf("Chain verification, leaf + intermediate, ECDSA (%d runs each):\n", LOOKUPS / 10);
    printf("  %-52s %8.1f us\n", "with the bundle (two lookups included)", vb);
    printf("  %-52s %8.1f us\n", "with the same roots parsed from PEM", vp);
    mbedtls_x509_crt_free(&chain);
    mbedtls_x509_crt_free(&rsa);
    mbedtls_x509_crt_free(&pem_roots);
    tlsc_config_free(cfg);
}

/* ---- main --------------------------------------------------------------------------- */

static int make_pki(void)
{
    const char *gen = getenv("TLSC_PKI_GEN") ? getenv("TLSC_PKI_GEN") : TLSC_PKI_GEN;
    char cmd[512];
    snprintf(pki, sizeof pki, "/tmp/tlsc-bench-XXXXXX");
    if (mkdtemp(pki) == NULL)
        return -1;
    snprintf(cmd, sizeof cmd, "TLSC_PKI_NO_RSA4096=1 bash '%s' '%s' >/dev/null 2>&1", gen, pki);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    size_t files = 0;
    char path[128], cmd[128];
    setenv("OPENSSL_CONF", "/dev/null", 1);
    blob moz = mozilla_pem(&files), sys = read_file(SYSTEM_CA);
    if (files == 0 || sys.p == NULL || make_pki() != 0) {
        fprintf(stderr, "bench: needs %s, %s (package ca-certificates), openssl and bash\n",
                MOZILLA_DIR, SYSTEM_CA);
        return 1;
    }
    printf("tlsc %s root bundle benchmark (mbedTLS %s)\n\n", tlsc_version(), tlsc_mbedtls_version());
    sizes("Debian's Mozilla roots (" MOZILLA_DIR "/*.crt)", &moz);
    sizes("The system CA file (" SYSTEM_CA ")", &sys);
    snprintf(path, sizeof path, "%s/root.pem", pki);
    blob root = read_file(path), both = { calloc(1, 1), 0 };
    append(&both, &moz);
    append(&both, &root);
    tlsc_bundle_builder *b = builder_of(&both);
    blob bundle = write_bundle(b, TLSC_BUNDLE_TLSC, 0);
    size_t roots = tlsc_bundle_builder_count(b);
    tlsc_bundle_builder_free(b);
    heaps(&bundle, &both, roots);
    times(&bundle, &both, roots);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", pki);
    free(moz.p);
    free(sys.p);
    free(root.p);
    free(both.p);
    free(bundle.p);
    return 0;
}
