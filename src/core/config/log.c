/* Logging through the application's callback; tlsc never prints itself. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tlsc/tlsc.h"
#include "platform/platform.h"
#include "core/base/text.h"
#include "core/config/config.h"
#include "core/config/log.h"

void tlsc__log(const tlsc_config *cfg, int level, const char *fmt, ...)
{
    if (cfg == NULL || cfg->log_fn == NULL || level > cfg->log_level)
        return;
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    tlsc__text_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    cfg->log_fn(cfg->log_ud, level, line);
}

/* ---- redacting key material from mbedTLS's debug output ---------------------------
 *
 * mbedTLS's debug levels 3 and 4 dump secrets: the TLS 1.2 premaster and
 * master secrets and key block, TLS 1.3's handshake, application and
 * resumption secrets, ticket PSKs and binders, record keys and IVs, and
 * the (EC)DH shared secret. Logs end up in bug reports, so these never
 * reach the application's callback: a dump's header line ("dumping 'NAME'
 * (N bytes)" or "value of 'NAME' (N bits) is:") whose NAME holds one of
 * the words below is replaced by a note, and the hex lines mbedTLS sends
 * after it from the same source line are dropped. Whoever needs to decrypt
 * traffic configures a key log (tlsc_config_set_keylog) instead. */

static const char *const secret_words[] = {
    "secret",       /* premaster/master, TLS 1.3 early/handshake/traffic/resumption */
    "master",
    "psk",          /* ticket-resumed PSK, PSK binders */
    "binder",
    "key block",    /* TLS 1.2 key expansion */
    "key_schedule", /* TLS 1.3 early secret */
    "write_key",    "write key", "write_iv", "write iv",
    "iv used",
    "ecdh: z",      /* the ECDH shared secret */
    "dhm: k",       /* the DHE shared secret and our private value */
    "dhm: x",
};

/* The hex lines of a redacted dump come from the same file and line as its
 * header, on the same thread (one mbedTLS call). */
static TLSC__THREAD_LOCAL const char *tl_redact_file;
static TLSC__THREAD_LOCAL int tl_redact_line;

static bool contains_word(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof secret_words / sizeof secret_words[0]; i++) {
        size_t w = strlen(secret_words[i]);
        for (size_t at = 0; at + w <= len; at++) {
            if (tlsc__ascii_caseeq(name + at, secret_words[i], w))
                return true;
        }
    }
    return false;
}

/* The NAME of a dump header, or NULL when msg is no dump header. With
 * MBEDTLS_THREADING_C each line starts with "0x...: ". */
static const char *dump_name(const char *msg, size_t *len)
{
    static const char *const heads[] = {"dumping '", "value of '"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        const char *h = strstr(msg, heads[i]);
        const char *end = h != NULL ? strchr(h + strlen(heads[i]), '\'') : NULL;
        if (end != NULL) {
            h += strlen(heads[i]);
            *len = (size_t)(end - h);
            return h;
        }
    }
    return NULL;
}

/* Whether this line must not be forwarded; *note is set for a header that
 * is forwarded as a note instead. */
static bool redacted(const char *file, int line, const char *msg, bool *note)
{
    size_t len = 0;
    const char *name = dump_name(msg, &len);
    *note = false;
    if (name == NULL) {
        if (tl_redact_file == file && tl_redact_line == line)
            return true; /* a hex line of the redacted dump */
        tl_redact_file = NULL;
        return false;
    }
    if (!contains_word(name, len)) {
        tl_redact_file = NULL;
        return false;
    }
    tl_redact_file = file;
    tl_redact_line = line;
    *note = true;
    return false;
}

/* mbedTLS's debug hook: the threshold is process-wide in mbedTLS, so each
 * configuration filters to its own mbedtls_level here. */
void tlsc__mbedtls_debug(void *ctx, int level, const char *file, int line,
                         const char *msg)
{
    const tlsc_config *cfg = ctx;
    bool note = false;
    if (cfg == NULL || cfg->log_fn == NULL || level > cfg->mbedtls_level ||
        redacted(file, line, msg, &note))
        return;
    const char *base = strrchr(file, '/');
    size_t len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        len--;
    char text[320];
    if (note) {
        size_t nlen = 0;
        const char *name = dump_name(msg, &nlen);
        snprintf(text, sizeof text, "mbedtls: %s:%d: '%.*s' not shown (key material; "
                 "use a key log to decrypt traffic)", base ? base + 1 : file, line,
                 (int)nlen, name);
    } else {
        snprintf(text, sizeof text, "mbedtls: %s:%d: %.*s", base ? base + 1 : file, line,
                 (int)len, msg);
    }
    cfg->log_fn(cfg->log_ud, TLSC_LOG_VERBOSE, text);
}
