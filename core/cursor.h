/*
 * Bounds-checked reads over captured bytes: the only place in flowcase that
 * turns packet or file bytes into integers.
 *
 * A cursor holds [p, end). Every getter first checks that the bytes are
 * there; if not, it sets the sticky `short_read` flag, leaves the cursor at
 * its end and returns 0, so a parser can run a whole header's reads and test
 * the flag once (tcpdump's GET_ macros give the same guarantee with a
 * longjmp; a sticky flag leaves per-flow state consistent). No getter ever
 * reads outside [p, end).
 */
#ifndef FC_CURSOR_H
#define FC_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fc_cursor {
    const uint8_t *p;
    const uint8_t *end;
    bool short_read; /* a read ran past end */
};

static inline struct fc_cursor fc_cursor_make(const uint8_t *p, size_t len)
{
    struct fc_cursor c = { p, p + len, false };
    return c;
}

static inline size_t fc_cursor_left(const struct fc_cursor *c)
{
    return (size_t)(c->end - c->p);
}

static inline bool fc_cursor_has(const struct fc_cursor *c, size_t n)
{
    return fc_cursor_left(c) >= n;
}

/* Returns a pointer to the next n bytes and advances, or NULL (and marks the
 * cursor) when fewer than n remain. */
static inline const uint8_t *fc_cursor_take(struct fc_cursor *c, size_t n)
{
    if (!fc_cursor_has(c, n)) {
        c->p = c->end;
        c->short_read = true;
        return NULL;
    }
    const uint8_t *at = c->p;
    c->p += n;
    return at;
}

static inline void fc_cursor_skip(struct fc_cursor *c, size_t n)
{
    (void)fc_cursor_take(c, n);
}

static inline uint8_t fc_get_u8(struct fc_cursor *c)
{
    const uint8_t *b = fc_cursor_take(c, 1);
    return b ? b[0] : 0;
}

static inline uint16_t fc_get_be16(struct fc_cursor *c)
{
    const uint8_t *b = fc_cursor_take(c, 2);
    return b ? (uint16_t)(b[0] << 8 | b[1]) : 0;
}

static inline uint32_t fc_get_be32(struct fc_cursor *c)
{
    const uint8_t *b = fc_cursor_take(c, 4);
    return b ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3] : 0;
}

static inline uint16_t fc_get_le16(struct fc_cursor *c)
{
    const uint8_t *b = fc_cursor_take(c, 2);
    return b ? (uint16_t)(b[1] << 8 | b[0]) : 0;
}

static inline uint32_t fc_get_le32(struct fc_cursor *c)
{
    const uint8_t *b = fc_cursor_take(c, 4);
    return b ? (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0] : 0;
}

/* Capture files come in either byte order: `swap` is true when the file's
 * order is big-endian. */
static inline uint16_t fc_get_16(struct fc_cursor *c, bool big_endian)
{
    return big_endian ? fc_get_be16(c) : fc_get_le16(c);
}

static inline uint32_t fc_get_32(struct fc_cursor *c, bool big_endian)
{
    return big_endian ? fc_get_be32(c) : fc_get_le32(c);
}

/* Copies n bytes out (zero-filled when short). */
static inline void fc_get_bytes(struct fc_cursor *c, void *out, size_t n)
{
    const uint8_t *b = fc_cursor_take(c, n);
    if (b)
        memcpy(out, b, n);
    else
        memset(out, 0, n);
}

/* Text protocols: a span of bytes inside a cursor's range. */
struct fc_span {
    const uint8_t *p;
    size_t len;
};

/* Takes the bytes up to and including the next LF; *line gets them
 * without the LF and without a CR before it. False, cursor unchanged, when
 * no LF is left. */
static inline bool fc_cursor_line(struct fc_cursor *c, struct fc_span *line)
{
    if (fc_cursor_left(c) == 0)
        return false; /* (an empty cursor may hold a NULL pointer) */
    const uint8_t *lf = (const uint8_t *)memchr(c->p, '\n', fc_cursor_left(c));
    if (!lf)
        return false;
    line->p = c->p;
    line->len = (size_t)(lf - c->p);
    if (line->len > 0 && line->p[line->len - 1] == '\r')
        line->len--;
    c->p = lf + 1;
    return true;
}

/* Splits *s at the first `sep`: returns the part before it and leaves *s
 * after it (or empty when there is no sep). */
static inline struct fc_span fc_span_split(struct fc_span *s, uint8_t sep)
{
    const uint8_t *at = (const uint8_t *)memchr(s->p, sep, s->len);
    struct fc_span head = { s->p, at ? (size_t)(at - s->p) : s->len };
    s->p += at ? head.len + 1 : s->len;
    s->len -= at ? head.len + 1 : s->len;
    return head;
}

/* Without leading and trailing spaces and tabs. */
static inline struct fc_span fc_span_trim(struct fc_span s)
{
    while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.len--;
    }
    while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/* True when s equals the NUL-terminated lower-case `lower`, ignoring the
 * case of ASCII letters. */
static inline bool fc_span_eq_ci(struct fc_span s, const char *lower)
{
    size_t n = strlen(lower);
    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = s.p[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (uint8_t)(ch + 32);
        if (ch != (uint8_t)lower[i])
            return false;
    }
    return true;
}

static inline bool fc_span_starts(struct fc_span s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

#endif
