/* SHA-256 through OpenSSL's EVP interface, and its hex form. */
#ifndef FC_SHA256_H
#define FC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define FC_SHA256_LEN 32
#define FC_SHA256_HEX (2 * FC_SHA256_LEN + 1)

struct fc_sha256 {
    void *ctx; /* EVP_MD_CTX */
};

int fc_sha256_init(struct fc_sha256 *h);
void fc_sha256_update(struct fc_sha256 *h, const void *data, size_t n);
/* Writes the digest and releases the context. */
void fc_sha256_final(struct fc_sha256 *h, uint8_t out[FC_SHA256_LEN]);
/* Releases the context without a digest (safe on an unused one). */
void fc_sha256_discard(struct fc_sha256 *h);

void fc_sha256_hex(const uint8_t digest[FC_SHA256_LEN], char out[FC_SHA256_HEX]);

/* Hashes a whole file by reading it sequentially; -1 with errno set. */
int fc_sha256_file(const char *path, uint8_t out[FC_SHA256_LEN], uint64_t *size);

#endif
