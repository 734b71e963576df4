/* Buffered input stream: see stream.h. */
#include "formats/stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "formats/spare.h"

#define STREAM_READ_SIZE (1u << 20) /* one read() call; also the initial buffer */

/* Buffers of the initial size, reused from one capture stream to the next. */
static struct fc_spare spare_buffers = FC_SPARE_INIT(STREAM_READ_SIZE);

void fc_stream_init(struct fc_stream *s, fc_source_read read, void *ctx)
{
    memset(s, 0, sizeof *s);
    s->read = read;
    s->ctx = ctx;
}

void fc_stream_free(struct fc_stream *s)
{
    if (s->cap == STREAM_READ_SIZE)
        fc_spare_put(&spare_buffers, s->buf);
    else
        free(s->buf);
    s->buf = NULL;
    s->cap = 0;
}

/* Reads once from the source into free space at the buffer's end. */
static bool fill_once(struct fc_stream *s)
{
    ssize_t got = s->read(s->ctx, s->buf + s->end, s->cap - s->end);
    if (got < 0) {
        s->error = errno ? errno : EIO;
        s->eof = true;
        return false;
    }
    if (got == 0) {
        s->eof = true;
        return false;
    }
    s->end += (size_t)got;
    return true;
}

/* Makes the buffer hold at least `want` bytes from start, moving the
 * unconsumed bytes to the front and growing it (to FC_MAX_BLOCK at most). */
static bool make_space(struct fc_stream *s, size_t want)
{
    size_t need = want > STREAM_READ_SIZE ? want : STREAM_READ_SIZE;
    if (s->start > 0 && s->cap - s->start < need + STREAM_READ_SIZE / 4) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->start = 0;
    }
    if (s->cap - s->start >= need)
        return true;
    if (want > FC_MAX_BLOCK + 64)
        return false;
    if (!s->buf && need == STREAM_READ_SIZE) {
        s->buf = fc_spare_get(&spare_buffers);
        s->cap = s->buf ? STREAM_READ_SIZE : 0;
        return s->buf != NULL;
    }
    uint8_t *b = realloc(s->buf, s->start + need);
    if (!b)
        return false;
    s->buf = b;
    s->cap = s->start + need;
    return true;
}

const uint8_t *fc_stream_peek(struct fc_stream *s, size_t n, size_t *avail)
{
    if (s->end - s->start < n) {
        if (!make_space(s, n)) {
            s->error = ENOMEM;
        } else {
            while (s->end - s->start < n && !s->eof && fill_once(s))
                ;
        }
    }
    size_t have = s->end - s->start;
    if (avail)
        *avail = have;
    return have >= n ? s->buf + s->start : NULL;
}

void fc_stream_consume(struct fc_stream *s, size_t n)
{
    s->start += n;
    s->offset += n;
    if (s->start == s->end)
        s->start = s->end = 0;
}

uint64_t fc_stream_skip(struct fc_stream *s, uint64_t n)
{
    uint64_t done = 0;
    while (done < n) {
        size_t avail;
        size_t chunk = n - done < STREAM_READ_SIZE ? (size_t)(n - done) : STREAM_READ_SIZE;
        fc_stream_peek(s, chunk, &avail);
        if (avail == 0)
            break;
        size_t take = avail < chunk ? avail : chunk;
        fc_stream_consume(s, take);
        done += take;
    }
    return done;
}

int fc_stream_seek(struct fc_stream *s, uint64_t offset)
{
    uint64_t buffered = s->end - s->start;
    if (offset >= s->offset && offset - s->offset <= buffered) {
        fc_stream_consume(s, (size_t)(offset - s->offset));
        return 0;
    }
    if (s->seek) {
        if (s->seek(s->ctx, offset) != 0) {
            s->error = errno ? errno : EIO;
            return -1;
        }
        s->start = s->end = 0;
        s->offset = offset;
        s->eof = false;
        return 0;
    }
    if (offset < s->offset)
        return -1;
    fc_stream_skip(s, offset - s->offset);
    return s->offset == offset ? 0 : -1;
}

ssize_t fc_source_read_fd(void *ctx, void *buf, size_t n)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t got = read(fd, buf, n);
        if (got >= 0 || errno != EINTR)
            return got;
    }
}
