/*
 * Community ID v1. The hashed bytes, all in network order:
 *   seed (2) | src addr | dst addr | proto (1) | 0 (1) | [sport (2) | dport (2)]
 * with the endpoints ordered so the smaller (address, port) comes first,
 * except for one-way ICMP types, then SHA-1 and base64.
 */
#include "core/community-id.h"

#include <openssl/evp.h>
#include <string.h>

static bool is_ordered(const struct fc_community_tuple *t)
{
    int c = memcmp(t->src, t->dst, t->addr_len);
    return t->one_way || c < 0 || (c == 0 && t->sport < t->dport);
}

void fc_community_id(const struct fc_community_tuple *t, uint16_t seed, char out[31])
{
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t n = 0;
    bool ordered = is_ordered(t);
    const uint8_t *a = ordered ? t->src : t->dst;
    const uint8_t *b = ordered ? t->dst : t->src;
    uint16_t pa = ordered ? t->sport : t->dport;
    uint16_t pb = ordered ? t->dport : t->sport;

    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, a, t->addr_len);
    n += t->addr_len;
    memcpy(buf + n, b, t->addr_len);
    n += t->addr_len;
    buf[n++] = t->proto;
    buf[n++] = 0;
    if (t->has_ports) {
        buf[n++] = (uint8_t)(pa >> 8);
        buf[n++] = (uint8_t)pa;
        buf[n++] = (uint8_t)(pb >> 8);
        buf[n++] = (uint8_t)pb;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_Digest(buf, n, digest, &dlen, EVP_sha1(), NULL);
    out[0] = '1';
    out[1] = ':';
    EVP_EncodeBlock((unsigned char *)out + 2, digest, (int)dlen);
}
