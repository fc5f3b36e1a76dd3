/*
 * IP literals (tests/unit/test_ip.c). Pure logic.
 */
#ifndef TLSC_CORE_BASE_IP_H
#define TLSC_CORE_BASE_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text worth parsing as an IP literal: a full IPv6 address with an
 * IPv4 tail is 45 characters, 47 with brackets. Anything longer is not an
 * IP literal, and bounding the scan keeps huge inputs cheap. */
#define TLSC__IP_TEXT_MAX 48

/*
 * Parse an IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1", also in brackets
 * "[2001:db8::1]", no zone id) literal. On success writes the 4 or 16
 * address bytes in network order to out and their count to *out_len and
 * returns true; otherwise returns false and leaves out untouched.
 */
bool tlsc__parse_ip(const char *text, unsigned char out[16], size_t *out_len);

#endif /* TLSC_CORE_BASE_IP_H */
