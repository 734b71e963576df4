/* SHA-256 on a helper thread: see async-hash.h. */
#include "formats/async-hash.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RING_BLOCKS 4
#define BLOCK_SIZE (1u << 20)

struct fc_async_hash {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint8_t *blocks;
    size_t len[RING_BLOCKS];
    bool full[RING_BLOCKS];
    unsigned fill; /* block the caller is filling */
    unsigned take; /* block the thread hashes next */
    bool done;     /* no more blocks will come */
    struct fc_sha256 hash;
};

static void *hash_thread(void *arg)
{
    struct fc_async_hash *h = arg;
    for (;;) {
        pthread_mutex_lock(&h->lock);
        while (!h->full[h->take] && !h->done)
            pthread_cond_wait(&h->changed, &h->lock);
        if (!h->full[h->take]) {
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        unsigned i = h->take;
        pthread_mutex_unlock(&h->lock);
        fc_sha256_update(&h->hash, h->blocks + (size_t)i * BLOCK_SIZE, h->len[i]);
        pthread_mutex_lock(&h->lock);
        h->full[i] = false;
        h->len[i] = 0;
        h->take = (i + 1) % RING_BLOCKS;
        pthread_cond_broadcast(&h->changed);
        pthread_mutex_unlock(&h->lock);
    }
}

struct fc_async_hash *fc_async_hash_start(void)
{
    struct fc_async_hash *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->blocks = malloc((size_t)RING_BLOCKS * BLOCK_SIZE);
    if (!h->blocks || fc_sha256_init(&h->hash) != 0)
        goto fail;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->changed, NULL);
    if (pthread_create(&h->thread, NULL, hash_thread, h) != 0) {
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->changed);
        goto fail;
    }
    return h;
fail:
    fc_sha256_discard(&h->hash);
    free(h->blocks);
    free(h);
    return NULL;
}

/* Hands the block being filled to the thread. Called with the lock. */
static void hand_over(struct fc_async_hash *h)
{
    h->full[h->fill] = true;
    h->fill = (h->fill + 1) % RING_BLOCKS;
    pthread_cond_broadcast(&h->changed);
}

void fc_async_hash_update(struct fc_async_hash *h, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n > 0) {
        pthread_mutex_lock(&h->lock);
        while (h->full[h->fill])
            pthread_cond_wait(&h->changed, &h->lock);
        pthread_mutex_unlock(&h->lock);
        size_t room = BLOCK_SIZE - h->len[h->fill];
        size_t take = n < room ? n : room;
        memcpy(h->blocks + (size_t)h->fill * BLOCK_SIZE + h->len[h->fill], p, take);
        h->len[h->fill] += take;
        p += take;
        n -= take;
        if (h->len[h->fill] == BLOCK_SIZE) {
            pthread_mutex_lock(&h->lock);
            hand_over(h);
            pthread_mutex_unlock(&h->lock);
        }
    }
}

void fc_async_hash_finish(struct fc_async_hash *h, uint8_t out[FC_SHA256_LEN])
{
    pthread_mutex_lock(&h->lock);
    while (h->full[h->fill])
        pthread_cond_wait(&h->changed, &h->lock);
    if (h->len[h->fill] > 0)
        hand_over(h);
    h->done = true;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    fc_sha256_final(&h->hash, out);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->changed);
    free(h->blocks);
    free(h);
}
