/*
 * Internals of the MQTT layer (src/mqtt/): the byte reader and writer the
 * codec is built from, and the property table shared by decode.c and
 * encode.c.
 */
#ifndef TLSC_MQTT_INTERNAL_H
#define TLSC_MQTT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tlsc/mqtt.h"

/* A cursor over bytes being decoded; `bad` becomes true (sticky) as soon
 * as a read goes past the end, so a decoder checks once per field group. */
typedef struct tlsc__mrd {
    const uint8_t *p;
    size_t len, off;
    bool bad;
} tlsc__mrd;

bool tlsc__mrd_u8(tlsc__mrd *r, uint8_t *v);
bool tlsc__mrd_u16(tlsc__mrd *r, uint16_t *v);
bool tlsc__mrd_u32(tlsc__mrd *r, uint32_t *v);
/* MQTT Variable Byte Integer (1..4 bytes). */
bool tlsc__mrd_varint(tlsc__mrd *r, uint32_t *v);
/* Two-byte length + bytes; no UTF-8 check (binary data). */
bool tlsc__mrd_bin(tlsc__mrd *r, tlsc_mqtt_str *s);
/* Two-byte length + well-formed UTF-8 without U+0000. */
bool tlsc__mrd_utf8(tlsc__mrd *r, tlsc_mqtt_str *s);

/* A writer into a caller's buffer that keeps counting past its capacity,
 * so one pass both measures and writes; `bad` marks an unencodable value. */
typedef struct tlsc__mwr {
    uint8_t *p;
    size_t cap, len;
    bool bad;
} tlsc__mwr;

void tlsc__mwr_bytes(tlsc__mwr *w, const void *d, size_t n);
void tlsc__mwr_u8(tlsc__mwr *w, uint8_t v);
void tlsc__mwr_u16(tlsc__mwr *w, uint16_t v);
void tlsc__mwr_u32(tlsc__mwr *w, uint32_t v);
void tlsc__mwr_varint(tlsc__mwr *w, uint32_t v);
/* Two-byte length + bytes (n > 65535 marks bad). */
void tlsc__mwr_bin(tlsc__mwr *w, const void *d, size_t n);
/* Size of v as a Variable Byte Integer. */
size_t tlsc__mqtt_varint_size(uint32_t v);

/* Well-formed UTF-8 (no surrogates, no overlongs) without U+0000. */
bool tlsc__mqtt_utf8_ok(const uint8_t *s, size_t n);

#endif /* TLSC_MQTT_INTERNAL_H */
