/*
 * SHA-256 on a helper thread: the caller hands bytes over (they are copied
 * into a small ring of blocks) and goes on decoding while the thread
 * hashes. Used for the hashes of archive members and decompressed
 * captures, which would otherwise cost the decoding thread as much time as
 * the decompression itself.
 */
#ifndef FC_ASYNC_HASH_H
#define FC_ASYNC_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "formats/sha256.h"

struct fc_async_hash;

/* NULL when no thread or memory could be had. */
struct fc_async_hash *fc_async_hash_start(void);
void fc_async_hash_update(struct fc_async_hash *h, const void *data, size_t n);
/* Waits for the thread, writes the digest and frees h. */
void fc_async_hash_finish(struct fc_async_hash *h, uint8_t out[FC_SHA256_LEN]);

#endif
