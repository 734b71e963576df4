/*
 * The clear-text start of an SSH connection (RFC 4253): the version
 * banners, then the binary packets each side sends up to its NEWKEYS, of
 * which the KEXINIT (section 7.1) gives the algorithm lists, the HASSH
 * fingerprints (Salesforce, BSD-3-Clause) and the negotiated algorithms,
 * and the server's key exchange reply gives its host key.
 */
#ifndef FC_CORE_SSH_KEX_H
#define FC_CORE_SSH_KEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

/* RFC 4253 4.2: the banner is at most 255 bytes with its CR LF. */
#define FC_SSH_BANNER_MAX 255
/* RFC 4251 6: an algorithm name is at most 64 characters. */
#define FC_SSH_NAME_MAX 64
/* RFC 4253 6.1: implementations must handle packets up to 35000 bytes;
 * a KEXINIT is about 1-2 KiB. */
#define FC_SSH_PACKET_MAX 35000
/* Lines a server may send before its banner (RFC 4253 4.2), in bytes. */
#define FC_SSH_PRE_BANNER_MAX 8192

#define FC_SSH_MSG_KEXINIT 20
#define FC_SSH_MSG_NEWKEYS 21
#define FC_SSH_MSG_KEXDH_REPLY 31      /* also KEX_ECDH_REPLY (RFC 5656) */
#define FC_SSH_MSG_KEX_DH_GEX_REPLY 33 /* RFC 4419; its 31 is GEX_GROUP */

/* The name-lists of a KEXINIT, in wire order (spans into its payload). */
enum fc_ssh_list {
    FC_SSH_KEX,
    FC_SSH_HOST_KEY,
    FC_SSH_ENC_C2S,
    FC_SSH_ENC_S2C,
    FC_SSH_MAC_C2S,
    FC_SSH_MAC_S2C,
    FC_SSH_COMP_C2S,
    FC_SSH_COMP_S2C,
    FC_SSH_LANG_C2S,
    FC_SSH_LANG_S2C,
    FC_SSH_LIST_COUNT
};

struct fc_ssh_kexinit {
    struct fc_span lists[FC_SSH_LIST_COUNT];
};

/* Reads a KEXINIT payload (from its message number); false when it is not
 * one or its lengths disagree. */
bool fc_ssh_kexinit_parse(const uint8_t *payload, size_t len, struct fc_ssh_kexinit *k);

/* HASSH of a client's KEXINIT ("kex;enc;mac;comp", client to server) or
 * HASSHServer of a server's (the server to client lists): the MD5 in
 * lowercase hex. */
#define FC_SSH_MD5_HEX 33
void fc_ssh_hassh(const struct fc_ssh_kexinit *k, bool server, char md5[FC_SSH_MD5_HEX]);

/* RFC 4253 7.1: the first algorithm of the client's list that the server
 * lists too; false (out empty) when there is none or it is too long. */
bool fc_ssh_negotiate(struct fc_span client, struct fc_span server,
                      char out[FC_SSH_NAME_MAX + 1]);

/* The host key blob K_S of the server's key exchange reply (message 31,
 * or 33 for the group exchange methods); false when absent or malformed. */
bool fc_ssh_host_key(const uint8_t *payload, size_t len, bool group_exchange,
                     struct fc_span *blob);

/* OpenSSH's fingerprint of a host key blob: "SHA256:" and the unpadded
 * base64 of its SHA-256. */
#define FC_SSH_FINGERPRINT_LEN 51
void fc_ssh_fingerprint(struct fc_span blob, char out[FC_SSH_FINGERPRINT_LEN + 1]);

/* ------------------------------------------------------- one direction */

enum fc_ssh_side_state {
    FC_SSH_SIDE_BANNER,  /* reading lines up to the banner */
    FC_SSH_SIDE_PACKETS, /* reading clear-text binary packets */
    FC_SSH_SIDE_DONE,    /* NEWKEYS sent, or SSH-1: nothing more to read */
    FC_SSH_SIDE_LOST,    /* not SSH, a hole, or a packet over the cap */
};

struct fc_ssh_side {
    enum fc_ssh_side_state state;
    char banner[FC_SSH_BANNER_MAX + 1]; /* without CR LF; empty before */
    uint8_t line[FC_SSH_BANNER_MAX + 1]; /* the line being read */
    uint16_t line_len;
    uint16_t pre_banner; /* bytes of lines before the banner */
    uint8_t *pkt;        /* the binary packet being read */
    uint32_t pkt_len;
    uint32_t pkt_need; /* its size with the length field, 0 before known */
};

typedef void (*fc_ssh_packet_fn)(void *arg, const uint8_t *payload, size_t len);

void fc_ssh_side_init(struct fc_ssh_side *s);
void fc_ssh_side_release(struct fc_ssh_side *s);
/* Takes the direction's next bytes; fn gets each clear-text packet's
 * payload (from its message number), the NEWKEYS included. */
enum fc_ssh_side_state fc_ssh_side_feed(struct fc_ssh_side *s, const uint8_t *p, size_t len,
                                        fc_ssh_packet_fn fn, void *arg);

#endif
