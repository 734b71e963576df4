/* SHA-256 helpers: see sha256.h. */
#include "formats/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

int fc_sha256_init(struct fc_sha256 *h)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        h->ctx = NULL;
        return -1;
    }
    h->ctx = ctx;
    return 0;
}

void fc_sha256_update(struct fc_sha256 *h, const void *data, size_t n)
{
    if (h->ctx && n)
        EVP_DigestUpdate(h->ctx, data, n);
}

void fc_sha256_final(struct fc_sha256 *h, uint8_t out[FC_SHA256_LEN])
{
    unsigned int len = 0;
    if (h->ctx)
        EVP_DigestFinal_ex(h->ctx, out, &len);
    fc_sha256_discard(h);
}

void fc_sha256_discard(struct fc_sha256 *h)
{
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

void fc_sha256_hex(const uint8_t digest[FC_SHA256_LEN], char out[FC_SHA256_HEX])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < FC_SHA256_LEN; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * FC_SHA256_LEN] = '\0';
}

int fc_sha256_file(const char *path, uint8_t out[FC_SHA256_LEN], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct fc_sha256 h;
    size_t cap = 1u << 20;
    char *buf = malloc(cap);
    if (!buf || fc_sha256_init(&h) != 0) {
        free(buf);
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    uint64_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, cap)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0) {
            fc_sha256_update(&h, buf, (size_t)n);
            total += (uint64_t)n;
        }
    }
    int saved = errno;
    free(buf);
    close(fd);
    if (n < 0) {
        fc_sha256_discard(&h);
        errno = saved;
        return -1;
    }
    fc_sha256_final(&h, out);
    if (size)
        *size = total;
    return 0;
}
