/*
 * tools/cli_hello.c — hand-built ClientHellos for `tlsc probe`, to learn
 * what a server wants when tlsc cannot speak it: offer one family of
 * versions, suites, groups or signature algorithms, and read the answer
 * (a ServerHello, a HelloRetryRequest or an alert). This is message
 * framing only (RFC 5246 7.4, RFC 8446 4.1): nothing is encrypted,
 * nothing is verified, and the connection is dropped after the answer.
 * The TLS 1.3 key shares are fixed public values (the X25519 base point,
 * the P-256 generator): the server accepts them and answers, and tlsc
 * never needs the shared secret.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define REC_ALERT 21
#define REC_HANDSHAKE 22
#define HS_SERVER_HELLO 2
#define HS_CERTIFICATE 11
#define HS_SERVER_KEY_EXCHANGE 12
#define HS_SERVER_HELLO_DONE 14
#define GROUP_X25519 0x001d
#define GROUP_SECP256R1 0x0017
#define ANSWER_MAX 65536

/* ---- writing ---------------------------------------------------------------- */

typedef struct out {
    unsigned char *b;
    size_t len, cap;
    bool full;
} out;

static void put(out *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        o->full = true;
        return;
    }
    memcpy(o->b + o->len, p, n);
    o->len += n;
}

static void put8(out *o, unsigned v)
{
    unsigned char b = (unsigned char)v;
    put(o, &b, 1);
}

static void put16(out *o, unsigned v)
{
    put8(o, v >> 8);
    put8(o, v);
}

/* A length prefix of n bytes, filled in by close_len. */
static size_t open_len(out *o, size_t n)
{
    size_t at = o->len;
    while (n-- > 0)
        put8(o, 0);
    return at;
}

static void close_len(out *o, size_t at, size_t n)
{
    if (o->full)
        return;
    size_t len = o->len - at - n;
    for (size_t i = 0; i < n; i++)
        o->b[at + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
}

static void put_list16(out *o, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put16(o, v[i]);
}

/* X25519's base point (u = 9) and P-256's generator: valid public keys. */
static const unsigned char X25519_SHARE[32] = {9};
static const unsigned char P256_SHARE[65] = {
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63,
    0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39,
    0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e,
    0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e,
    0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};

static void put_key_shares(out *o, const hello_spec *s)
{
    size_t list = open_len(o, 2);
    for (size_t i = 0; s->key_shares && i < s->group_count; i++) {
        if (s->groups[i] == GROUP_X25519) {
            put16(o, GROUP_X25519);
            put16(o, sizeof X25519_SHARE);
            put(o, X25519_SHARE, sizeof X25519_SHARE);
        } else if (s->groups[i] == GROUP_SECP256R1) {
            put16(o, GROUP_SECP256R1);
            put16(o, sizeof P256_SHARE);
            put(o, P256_SHARE, sizeof P256_SHARE);
        }
    }
    close_len(o, list, 2);
}

static void put_ext(out *o, unsigned type, const void *body, size_t n)
{
    put16(o, type);
    put16(o, (unsigned)n);
    put(o, body, n);
}

static void put_sni(out *o, const char *name)
{
    size_t n = strlen(name);
    put16(o, 0);
    put16(o, (unsigned)(n + 5));
    put16(o, (unsigned)(n + 3));
    put8(o, 0);
    put16(o, (unsigned)n);
    put(o, name, n);
}

static void put_extensions(out *o, const hello_spec *s)
{
    size_t exts = open_len(o, 2);
    if (s->server_name != NULL)
        put_sni(o, s->server_name);
    size_t at;
    put16(o, 10); /* supported_groups */
    at = open_len(o, 2);
    size_t list = open_len(o, 2);
    put_list16(o, s->groups, s->group_count);
    close_len(o, list, 2);
    close_len(o, at, 2);
    put_ext(o, 11, "\x01\x00", 2); /* ec_point_formats: uncompressed */
    put16(o, 13); /* signature_algorithms */
    at = open_len(o, 2);
    list = open_len(o, 2);
    put_list16(o, s->sigalgs, s->sigalg_count);
    close_len(o, list, 2);
    close_len(o, at, 2);
    put_ext(o, 23, "", 0);                /* extended_master_secret */
    put_ext(o, 0xff01, "\x00", 1);       /* renegotiation_info */
    if (s->version == 0x0304) {
        put_ext(o, 43, "\x02\x03\x04", 3); /* supported_versions: TLS 1.3 */
        put_ext(o, 45, "\x01\x01", 2);     /* psk_key_exchange_modes: psk_dhe_ke */
        put16(o, 51);                      /* key_share */
        at = open_len(o, 2);
        put_key_shares(o, s);
        close_len(o, at, 2);
    }
    close_len(o, exts, 2);
}

size_t hello_build(const hello_spec *s, unsigned char *buf, size_t cap)
{
    out o = {buf, 0, cap, false};
    put8(&o, REC_HANDSHAKE);
    put16(&o, 0x0301); /* record version: what old servers expect */
    size_t rec = open_len(&o, 2);
    put8(&o, 1); /* client_hello */
    size_t hs = open_len(&o, 3);
    put16(&o, s->version == 0x0304 ? 0x0303 : s->version);
    for (unsigned i = 0; i < 32; i++)
        put8(&o, 0x5a ^ i); /* random: nothing depends on it */
    put8(&o, 32);           /* legacy_session_id, as TLS 1.3 middlebox mode */
    for (unsigned i = 0; i < 32; i++)
        put8(&o, 0xa5 ^ i);
    put16(&o, (unsigned)(2 * s->suite_count));
    put_list16(&o, s->suites, s->suite_count);
    put8(&o, 1);
    put8(&o, 0); /* compression: null */
    put_extensions(&o, s);
    close_len(&o, hs, 3);
    close_len(&o, rec, 2);
    return o.full ? 0 : o.len;
}

/* ---- reading ---------------------------------------------------------------- */

static size_t u16(const unsigned char *p)
{
    return (size_t)p[0] << 8 | p[1];
}

static size_t u24(const unsigned char *p)
{
    return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

/* SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest. */
static const unsigned char HRR_RANDOM[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

static void server_hello_ext(hello_answer *a, unsigned type, const unsigned char *p, size_t n)
{
    if (type == 43 && n == 2)
        a->version = (unsigned)u16(p);
    if (type == 51 && n >= 2)
        a->group = (unsigned)u16(p); /* key_share: the group first (SH and HRR) */
}

static bool parse_server_hello(hello_answer *a, const unsigned char *p, size_t n)
{
    if (n < 38)
        return false;
    a->version = (unsigned)u16(p);
    a->hrr = memcmp(p + 2, HRR_RANDOM, 32) == 0;
    size_t at = 35 + p[34];
    if (at + 3 > n)
        return false;
    a->suite = (unsigned)u16(p + at);
    at += 3;
    a->answered = true;
    if (at + 2 > n)
        return true; /* no extensions (TLS 1.0-1.2) */
    size_t end = at + 2 + u16(p + at);
    for (at += 2; end <= n && at + 4 <= end;) {
        size_t len = u16(p + at + 2);
        if (at + 4 + len > end)
            return false;
        server_hello_ext(a, (unsigned)u16(p + at), p + at + 4, len);
        at += 4 + len;
    }
    return true;
}

/* TLS 1.2 and older: the server's certificate is in the clear. */
static void parse_certificate(hello_answer *a, const unsigned char *p, size_t n)
{
    if (n < 6 || u24(p + 3) + 6 > n)
        return;
    if (!tlsc_cert_key(p + 6, u24(p + 3), a->key, sizeof a->key, &a->key_usable))
        snprintf(a->key, sizeof a->key, "unknown");
}

/* ECDHE: curve_type named_curve (3), then the group. */
static void parse_key_exchange(hello_answer *a, const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 3)
        a->group = (unsigned)u16(p + 1);
    else
        a->finite_field = true; /* DHE: p, g, Ys */
}

/* Handshake messages in buf[0..len): true once the answer is complete. */
static bool parse_messages(hello_answer *a, const unsigned char *buf, size_t len, size_t *used)
{
    size_t at = 0;
    bool done = false;
    while (!done && at + 4 <= len && at + 4 + u24(buf + at + 1) <= len) {
        const unsigned char *body = buf + at + 4;
        size_t n = u24(buf + at + 1);
        if (buf[at] == HS_SERVER_HELLO && !parse_server_hello(a, body, n))
            done = true;
        else if (buf[at] == HS_SERVER_HELLO)
            done = a->hrr || a->version == 0x0304;
        else if (buf[at] == HS_CERTIFICATE)
            parse_certificate(a, body, n);
        else if (buf[at] == HS_SERVER_KEY_EXCHANGE)
            parse_key_exchange(a, body, n);
        else
            done = buf[at] == HS_SERVER_HELLO_DONE;
        at += 4 + n;
    }
    *used = at;
    return done;
}

typedef struct reader {
    unsigned char rec[5 + 16384 + 2048];
    size_t have;
    unsigned char hs[ANSWER_MAX];
    size_t hs_len;
} reader;

/* One complete record in r->rec: true once the answer is complete. */
static bool take_record(hello_answer *a, reader *r)
{
    size_t len = u16(r->rec + 3);
    if (r->rec[0] == REC_ALERT && len >= 2) {
        a->alert = r->rec[6];
        return true;
    }
    if (r->rec[0] != REC_HANDSHAKE)
        return true; /* change_cipher_spec or encrypted: the clear part is over */
    if (r->hs_len + len > sizeof r->hs)
        return true;
    memcpy(r->hs + r->hs_len, r->rec + 5, len);
    r->hs_len += len;
    size_t used = 0;
    bool done = parse_messages(a, r->hs, r->hs_len, &used);
    memmove(r->hs, r->hs + used, r->hs_len - used);
    r->hs_len -= used;
    return done;
}

/* Bytes of the answer, or false when the server closed, failed or went
 * quiet until the deadline (a->timed_out). */
static bool receive(tlsc_tcp *t, hello_answer *a, unsigned char *p, size_t want,
                    uint64_t deadline, size_t *got)
{
    for (;;) {
        tlsc_err err = tlsc_tcp_transport()->recv(t, p, want, got);
        if (err == TLSC_OK && *got > 0)
            return true;
        if (err != TLSC_WANT_READ) { /* closed (0 bytes) or failed */
            a->closed = true;
            return false;
        }
        uint64_t now = tlsc_now_ms();
        if (now >= deadline) {
            a->timed_out = true;
            return false;
        }
        if (tlsc_tcp_transport()->wait(t, true, false, (int)(deadline - now)) != TLSC_OK) {
            a->closed = true;
            return false;
        }
    }
}

static void read_answer(tlsc_tcp *t, hello_answer *a, reader *r, uint32_t timeout_ms)
{
    uint64_t deadline = tlsc_now_ms() + timeout_ms;
    for (;;) {
        size_t want = r->have < 5 ? 5 : 5 + u16(r->rec + 3);
        if (want > sizeof r->rec)
            return;
        if (r->have == want) {
            if (take_record(a, r))
                return;
            r->have = 0;
            continue;
        }
        size_t n = 0;
        if (!receive(t, a, r->rec + r->have, want - r->have, deadline, &n))
            return;
        r->have += n;
    }
}

static bool send_all(tlsc_tcp *t, const unsigned char *p, size_t n)
{
    while (n > 0) {
        size_t w = 0;
        tlsc_err err = tlsc_tcp_transport()->send(t, p, n, &w);
        if (err == TLSC_WANT_WRITE && tlsc_tcp_transport()->wait(t, false, true, 1000) == TLSC_OK)
            continue;
        if (err != TLSC_OK || w == 0)
            return false;
        p += w;
        n -= w;
    }
    return true;
}

/* The hello goes over the library's own TCP transport (tlsc_tcp_connect):
 * the same resolver, address iteration and error mapping as every
 * connection. */
tlsc_err hello_exchange(const char *host, uint16_t port, uint32_t timeout_ms,
                        const hello_spec *s, hello_answer *a, char *detail, size_t cap)
{
    static reader r; /* 84 KB: one exchange at a time */
    unsigned char msg[2048];
    memset(a, 0, sizeof *a);
    a->alert = -1;
    size_t len = hello_build(s, msg, sizeof msg);
    if (len == 0) {
        snprintf(detail, cap, "ClientHello too large");
        return TLSC_ERR_INTERNAL;
    }
    tlsc_tcp *t = NULL;
    tlsc_err err = tlsc_tcp_connect(&t, host, port, timeout_ms, detail, cap);
    if (err != TLSC_OK)
        return err;
    r.have = r.hs_len = 0;
    if (send_all(t, msg, len))
        read_answer(t, a, &r, timeout_ms);
    else
        a->closed = true;
    tlsc_tcp_transport()->close(t);
    return TLSC_OK;
}
