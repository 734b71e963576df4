/*
 * Evidence file reader: see evidence-file.h. The reader thread reads a
 * block, hands it out at once, then hashes it while the caller decodes it
 * (both only read it). A slot is reused only once the caller has released
 * it, that is has asked for a later block (libarchive's contract for client
 * buffers), and the thread has hashed it.
 */
#include "formats/evidence-file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/spare.h"

#define RING_BLOCKS 4
#define BLOCK_SIZE (1u << 20)

struct slot {
    size_t len;
    bool readable; /* read, not yet released by the caller */
    bool hashing;  /* read, not yet hashed */
};

struct fc_evidence_file {
    int fd;
    uint64_t size;
    uint64_t handed_out;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct slot slots[RING_BLOCKS];
    uint8_t *blocks; /* RING_BLOCKS * BLOCK_SIZE */
    unsigned fill;   /* next slot the thread fills */
    unsigned take;   /* next slot the caller takes */
    bool holding;    /* the caller holds slot take - 1 */
    bool eof;        /* the thread read the end (or failed) */
    int error;       /* errno of a failed read */
    struct fc_sha256 hash;
};

/* Rings of files already closed, for the next file to open. */
static struct fc_spare spare_rings = FC_SPARE_INIT((size_t)RING_BLOCKS * BLOCK_SIZE);

static bool slot_free(const struct slot *s)
{
    return !s->readable && !s->hashing;
}

static void *reader_thread(void *arg)
{
    struct fc_evidence_file *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        while (!slot_free(&f->slots[f->fill]))
            pthread_cond_wait(&f->changed, &f->lock);
        unsigned i = f->fill;
        pthread_mutex_unlock(&f->lock);

        uint8_t *block = f->blocks + (size_t)i * BLOCK_SIZE;
        ssize_t n;
        do
            n = read(f->fd, block, BLOCK_SIZE);
        while (n < 0 && errno == EINTR);

        pthread_mutex_lock(&f->lock);
        if (n <= 0) {
            f->eof = true;
            f->error = n < 0 ? errno : 0;
        } else {
            f->slots[i] = (struct slot){ (size_t)n, true, true };
            f->fill = (i + 1) % RING_BLOCKS;
        }
        pthread_cond_broadcast(&f->changed);
        pthread_mutex_unlock(&f->lock);
        if (n <= 0)
            return NULL;

        fc_sha256_update(&f->hash, block, (size_t)n);
        pthread_mutex_lock(&f->lock);
        f->slots[i].hashing = false;
        pthread_cond_broadcast(&f->changed);
        pthread_mutex_unlock(&f->lock);
    }
}

struct fc_evidence_file *fc_evidence_open(const char *path)
{
    struct fc_evidence_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (f->fd < 0 || fstat(f->fd, &st) != 0)
        goto fail;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto fail;
    }
    f->size = (uint64_t)st.st_size;
    posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    f->blocks = fc_spare_get(&spare_rings);
    if (!f->blocks || fc_sha256_init(&f->hash) != 0) {
        errno = ENOMEM;
        goto fail;
    }
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, NULL);
    int rc = pthread_create(&f->thread, NULL, reader_thread, f);
    if (rc != 0) {
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->changed);
        errno = rc;
        goto fail;
    }
    return f;
fail: {
    int saved = errno;
    if (f->fd >= 0)
        close(f->fd);
    fc_sha256_discard(&f->hash);
    fc_spare_put(&spare_rings, f->blocks);
    free(f);
    errno = saved;
    return NULL;
}
}

ssize_t fc_evidence_read(struct fc_evidence_file *f, const void **block)
{
    pthread_mutex_lock(&f->lock);
    if (f->holding) {
        f->slots[(f->take + RING_BLOCKS - 1) % RING_BLOCKS].readable = false;
        f->holding = false;
        pthread_cond_broadcast(&f->changed);
    }
    while (!f->slots[f->take].readable && !f->eof)
        pthread_cond_wait(&f->changed, &f->lock);
    ssize_t n;
    if (f->slots[f->take].readable) {
        *block = f->blocks + (size_t)f->take * BLOCK_SIZE;
        n = (ssize_t)f->slots[f->take].len;
        f->take = (f->take + 1) % RING_BLOCKS;
        f->holding = true;
        f->handed_out += (uint64_t)n;
    } else {
        n = f->error ? -1 : 0;
        errno = f->error;
    }
    pthread_mutex_unlock(&f->lock);
    return n;
}

uint64_t fc_evidence_size(const struct fc_evidence_file *f)
{
    return f->size;
}

uint64_t fc_evidence_position(const struct fc_evidence_file *f)
{
    return f->handed_out;
}

int fc_evidence_close(struct fc_evidence_file *f, uint8_t sha256[FC_SHA256_LEN])
{
    if (!f)
        return -1;
    const void *block;
    ssize_t n;
    while ((n = fc_evidence_read(f, &block)) > 0)
        ; /* the thread hashes what nobody decoded */
    int saved = errno;
    pthread_join(f->thread, NULL); /* it hashed every block before reading the end */
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->changed);
    close(f->fd);
    if (n == 0 && sha256)
        fc_sha256_final(&f->hash, sha256);
    else
        fc_sha256_discard(&f->hash);
    fc_spare_put(&spare_rings, f->blocks);
    free(f);
    errno = saved;
    return n == 0 ? 0 : -1;
}
