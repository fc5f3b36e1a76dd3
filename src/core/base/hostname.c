/*
 * Host names: validation, the one canonical form, RFC 6125 matching (contracts in the header).
 *
 * Plain C11 on bytes: no allocation, no I/O, no locale (ctype depends on
 * it, so ASCII tests are written out in base/text.h).
 */
#include "core/base/hostname.h"

#include <string.h>

#include "core/base/ip.h"
#include "core/base/text.h"

/* tlsc__parse_ip on s[0..len), which need not be NUL-terminated. */
static bool is_ip_literal(const char *s, size_t len)
{
    char text[TLSC__IP_TEXT_MAX];
    if (len >= sizeof text)
        return false;
    memcpy(text, s, len);
    text[len] = '\0';
    unsigned char addr[16];
    size_t addr_len;
    return tlsc__parse_ip(text, addr, &addr_len);
}

/* ---- host names --------------------------------------------------------- */

static bool is_label_char(char c)
{
    return tlsc__ascii_alpha(c) || tlsc__ascii_digit(c) || c == '-' || c == '_';
}

/* RFC 1035 label (plus '_'): 1..63 characters, no '-' at either end. */
static bool label_valid(const char *s, size_t len)
{
    if (len == 0 || len > 63)
        return false;
    if (s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_label_char(s[i]))
            return false;
    }
    return true;
}

/* Dot-separated labels filling s[0..len), with one optional trailing dot. */
static bool dns_name_valid(const char *s, size_t len)
{
    if (s[len - 1] == '.')
        len--;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        if (!label_valid(s + start, i - start))
            return false;
        start = i + 1;
    }
    return true;
}

/*
 * RFC 1123 2.1: a name's last label is never all digits. Resolvers read
 * "010.0.0.1", "1.2.3" or "0x7f000001"-like forms as IPv4 addresses
 * (8.0.0.1, 1.2.0.3), while verification would check them as names:
 * refuse them rather than connect to one thing and verify another.
 */
static bool last_label_numeric(const char *host, size_t len)
{
    len = len > 0 && host[len - 1] == '.' ? len - 1 : len;
    size_t i = len;
    while (i > 0 && host[i - 1] != '.')
        i--;
    bool digits = i < len;
    for (size_t k = i; k < len && digits; k++)
        digits = host[k] >= '0' && host[k] <= '9';
    bool hex = len - i > 2 && host[i] == '0' && (host[i + 1] == 'x' || host[i + 1] == 'X');
    return digits || hex;
}

bool tlsc__host_valid(const char *host)
{
    if (host == NULL)
        return false;
    /* The limit counts the trailing dot too: callers copy the host into
     * char[TLSC_HOST_MAX + 1]. */
    size_t len = tlsc__bounded_len(host, TLSC_HOST_MAX + 1);
    if (len == 0 || len > TLSC_HOST_MAX)
        return false;
    if (is_ip_literal(host, len))
        return true;
    return dns_name_valid(host, len) && !last_label_numeric(host, len);
}

bool tlsc__host_copy(const char *host, char out[TLSC_HOST_MAX + 1], bool canonical)
{
    if (out == NULL || !tlsc__host_valid(host))
        return false; /* host_valid: at most TLSC_HOST_MAX characters */
    size_t len = strlen(host);
    if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    /* host_valid refuses a final dot on IP literals ("127.0.0.1." has an
     * all-digit last label), so only DNS names lose one here. */
    if (canonical && host[len - 1] == '.')
        len--;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tlsc__ascii_lower((unsigned char)host[i]);
    out[len] = '\0';
    return true;
}

/* ---- RFC 6125 name matching --------------------------------------------- */

/* Number of dot-separated labels in p[0..len), or 0 if one is empty. */
static size_t count_labels(const char *p, size_t len)
{
    size_t labels = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && p[i] != '.')
            continue;
        if (i == start)
            return 0;
        labels++;
        start = i + 1;
    }
    return labels;
}

/*
 * A presented name we are willing to compare at all: no NUL (a classic
 * trick to make "bank.com\0.evil.com" look like bank.com), no empty label,
 * and '*' only as the whole left-most label of a name with at least two
 * more labels.
 */
static bool pattern_acceptable(const char *p, size_t len)
{
    if (len == 0 || memchr(p, '\0', len) != NULL)
        return false;
    size_t labels = count_labels(p, len);
    if (labels == 0)
        return false;
    if (p[0] != '*')
        return memchr(p, '*', len) == NULL;
    if (len < 2 || p[1] != '.' || memchr(p + 1, '*', len - 1) != NULL)
        return false;
    return labels >= 3;
}

/* "*" + suffix (".example.com") against host[0..len). */
static bool wildcard_matches(const char *suffix, size_t suffix_len,
                             const char *host, size_t len)
{
    /* An IP address is never covered by a wildcard ("*.2.3.4"). */
    if (is_ip_literal(host, len))
        return false;
    const char *dot = memchr(host, '.', len);
    if (dot == NULL || dot == host)
        return false;
    size_t rest = len - (size_t)(dot - host);
    return rest == suffix_len && tlsc__ascii_caseeq(dot, suffix, suffix_len);
}

bool tlsc__dns_name_is_absolute(const char *name, size_t len)
{
    return name != NULL && len > 0 && name[len - 1] == '.';
}

bool tlsc__dns_name_matches(const char *pattern, size_t pattern_len,
                            const char *host)
{
    if (pattern == NULL || host == NULL)
        return false;
    size_t hlen = strlen(host);
    /* One canonical form (tlsc__host_copy): an absolute name on either
     * side matches nothing, as the name-constraint check refuses it too. */
    if (tlsc__dns_name_is_absolute(pattern, pattern_len) ||
        tlsc__dns_name_is_absolute(host, hlen))
        return false;
    if (!pattern_acceptable(pattern, pattern_len))
        return false;
    if (pattern[0] == '*')
        return wildcard_matches(pattern + 1, pattern_len - 1, host, hlen);
    return hlen == pattern_len && tlsc__ascii_caseeq(pattern, host, pattern_len);
}
