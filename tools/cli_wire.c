/*
 * tools/cli_wire.c — the TLS record framing going by on a connection's
 * transport, for `tlsc probe`, read through the library's tap
 * (tlsc_conn_set_tap): every record starts with a 5-byte header (type,
 * version, length), in the clear even when the record is encrypted. Only
 * the framing is read, for statistics; TCP is the library's business and
 * TLS mbedTLS's.
 */
#include "cli.h"

#include <string.h>

#define TLS_CCS 20
#define TLS_APPDATA 23

/* A record's header is complete: count its announced length. Counting it
 * here, not once its body has gone by, keeps the record that made mbedTLS
 * stop (too large for the input buffer: its body is never read). */
static void scan_header(wire_scan *s)
{
    bool appdata = s->hdr[0] == TLS_APPDATA;
    size_t len = ((size_t)s->hdr[3] << 8) | s->hdr[4];
    size_t *max = &s->max_len[s->ccs_seen][appdata];
    if (len > *max)
        *max = len;
    s->records++;
    s->body_left = len;
}

/* Take n bytes of one direction's stream. */
static void scan_bytes(wire_scan *s, const unsigned char *p, size_t n)
{
    while (n > 0) {
        if (s->hdr_have < 5) {
            s->hdr[s->hdr_have++] = *p++;
            n--;
            if (s->hdr_have == 5)
                scan_header(s);
        } else {
            size_t take = n < s->body_left ? n : s->body_left;
            p += take;
            n -= take;
            s->body_left -= take;
        }
        if (s->hdr_have == 5 && s->body_left == 0) {
            /* The record is over: a change_cipher_spec changes how the
             * records after it are counted. */
            if (s->hdr[0] == TLS_CCS)
                s->ccs_seen = true;
            s->hdr_have = 0;
        }
    }
}

size_t wire_max_record(const wire_scan *s)
{
    size_t m = 0;
    for (int i = 0; i < 4; i++) {
        size_t v = s->max_len[i / 2][i % 2];
        m = v > m ? v : m;
    }
    return m;
}

/* TLS 1.3 encrypts every record after the ServerHello as application_data
 * (a change_cipher_spec may appear for compatibility and changes nothing);
 * TLS 1.2 encrypts everything after change_cipher_spec. */
size_t wire_max_plaintext(const wire_scan *s, bool tls13, size_t expansion)
{
    size_t plain = s->max_len[0][0];
    size_t sealed = s->max_len[0][1] > s->max_len[1][1] ? s->max_len[0][1] : s->max_len[1][1];
    if (tls13)
        plain = plain > s->max_len[1][0] ? plain : s->max_len[1][0];
    else
        sealed = sealed > s->max_len[1][0] ? sealed : s->max_len[1][0];
    sealed = sealed > expansion ? sealed - expansion : 0;
    return plain > sealed ? plain : sealed;
}

/* ---- the tap ------------------------------------------------------------- */

void wire_tap(void *ud, bool sent, const unsigned char *bytes, size_t len)
{
    wire *w = ud;
    scan_bytes(sent ? &w->out : &w->in, bytes, len);
}
