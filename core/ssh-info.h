/*
 * What the SSH dissector reports of a connection: the banners, the
 * negotiated algorithms, the HASSH fingerprints and the server's host key
 * fingerprint. Read by the record writers through formats/ssh-fields.c.
 */
#ifndef FC_CORE_SSH_INFO_H
#define FC_CORE_SSH_INFO_H

#include <stdint.h>

#include "core/ssh-kex.h"

/* Texts are NUL-terminated, empty when unknown. */
struct fc_ssh_info {
    uint8_t version; /* protocol 1 or 2; 0 before both banners */
    char client[FC_SSH_BANNER_MAX + 1]; /* the banners, without CR LF */
    char server[FC_SSH_BANNER_MAX + 1];
    /* RFC 4253 7.1: the first of the client's algorithms the server has
     * too; cipher, mac and compression for client to server, as Zeek. */
    char kex_alg[FC_SSH_NAME_MAX + 1];
    char host_key_alg[FC_SSH_NAME_MAX + 1];
    char cipher_alg[FC_SSH_NAME_MAX + 1];
    char mac_alg[FC_SSH_NAME_MAX + 1];
    char compression_alg[FC_SSH_NAME_MAX + 1];
    char hassh[FC_SSH_MD5_HEX];
    char hassh_server[FC_SSH_MD5_HEX];
    char host_key[FC_SSH_FINGERPRINT_LEN + 1]; /* "SHA256:..." */
};

#endif
