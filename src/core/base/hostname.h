/*
 * Host names: what tlsc accepts, its one canonical form, and RFC 6125
 * matching against certificate names (tests/unit/test_hostname.c). Pure
 * logic.
 */
#ifndef TLSC_CORE_BASE_HOSTNAME_H
#define TLSC_CORE_BASE_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest host name accepted (RFC 1035: 253 characters of text). */
#define TLSC_HOST_MAX 253

/*
 * A host name the connection may be asked for: 1..253 characters, labels of
 * 1..63 characters of letters, digits, '-' and '_' (seen in the wild), no
 * leading or trailing '-' in a label, optionally one trailing dot (counted
 * in the 253), and a last label that is not all digits nor "0x..." (such
 * names are numeric IPv4 forms to a resolver); or an IP literal accepted by
 * tlsc__parse_ip.
 */
bool tlsc__host_valid(const char *host);

/*
 * Copy a host name given by the user into out after validating it with
 * tlsc__host_valid: without IPv6 brackets, ASCII letters in lower case.
 * With canonical, also without the final dot of an absolute DNS name
 * ("example.com." -> "example.com"): the one form in which tlsc compares a
 * host with a certificate (tlsc__dns_name_matches), sends it as SNI and
 * keys saved sessions. This is the only place where a trailing dot is
 * removed. Without canonical the dot stays (for the resolver, to which
 * "localhost." is absolute). Returns false, writing nothing, if the host
 * is invalid.
 */
bool tlsc__host_copy(const char *host, char out[TLSC_HOST_MAX + 1], bool canonical);

/* Whether the DNS name name[0..len) is absolute (ends with a dot). tlsc
 * refuses absolute names presented in certificates (SAN dNSName, the CN of
 * the legacy fallback) and in name constraints, as webpki does. */
bool tlsc__dns_name_is_absolute(const char *name, size_t len);

/*
 * RFC 6125 matching of one SAN dNSName `pattern` (pattern_len bytes, NOT
 * NUL-terminated, may contain any bytes) against the reference host name
 * `host` (NUL-terminated, in the form tlsc__host_copy(..., true) gives).
 * Case-insensitive for ASCII. An absolute name (trailing dot) on either side
 * matches nothing: presented names must be relative, and the host's dot is
 * removed once, by tlsc__host_copy, so that host matching and the
 * name-constraint check (x509_ext.c) see the same name. A wildcard is accepted only as the entire
 * left-most label ("*.example.com"): it matches exactly one non-empty label
 * and never a partial label ("f*.example.com" and "*oo.example.com" do not
 * match anything), never an IP-literal host, and the pattern must have at
 * least two labels after the wildcard ("*.com" matches nothing). A pattern
 * containing a NUL byte, an empty label or a '*' anywhere else matches
 * nothing.
 */
bool tlsc__dns_name_matches(const char *pattern, size_t pattern_len,
                            const char *host);

#endif /* TLSC_CORE_BASE_HOSTNAME_H */
