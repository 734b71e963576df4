/*
 * A buffered byte stream over one input, handing out pointers into its
 * buffer so capture readers parse records in place. The bytes come from a
 * source callback: a plain file now, a decompressor or archive member later,
 * with the same offsets (offsets count the bytes of the stream, that is
 * of the capture as the readers see it).
 */
#ifndef FC_STREAM_H
#define FC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads up to n bytes into buf: returns the count, 0 at the end, -1 on error. */
typedef ssize_t (*fc_source_read)(void *ctx, void *buf, size_t n);

struct fc_stream {
    fc_source_read read;
    void *ctx;
    uint8_t *buf;
    size_t cap;
    size_t start;    /* first unconsumed byte in buf */
    size_t end;      /* one past the last valid byte */
    uint64_t offset; /* stream offset of buf[start] */
    bool eof;
    int error;       /* errno of a failed read, or 0 */
    int (*seek)(void *ctx, uint64_t offset); /* NULL: the source only reads forward */
};

void fc_stream_init(struct fc_stream *s, fc_source_read read, void *ctx);
void fc_stream_free(struct fc_stream *s);

/* Makes n bytes available and returns a pointer to them. Returns NULL when
 * the stream ends (or fails) first; *avail then says how many there are. */
const uint8_t *fc_stream_peek(struct fc_stream *s, size_t n, size_t *avail);

/* Drops n bytes that peek has made available. */
void fc_stream_consume(struct fc_stream *s, size_t n);

/* Skips n bytes without keeping them; returns the bytes actually skipped. */
uint64_t fc_stream_skip(struct fc_stream *s, uint64_t n);

/* Moves to stream offset `offset`: within the buffer, by the source's
 * seek when it has one, or forward by reading and dropping bytes. 0, or -1
 * when the offset cannot be reached (behind a source that cannot seek, or
 * past the end). */
int fc_stream_seek(struct fc_stream *s, uint64_t offset);

/* A source over an open file descriptor (ctx points to the int). */
ssize_t fc_source_read_fd(void *ctx, void *buf, size_t n);

#endif
