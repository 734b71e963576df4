/*
 * One notable action of an SMB connection as the SMB dissector reports it
 * (core/dissect-smb.c): a dialect negotiated, a session set up, a share
 * mapped, a file opened, created, deleted or renamed. Each item carries
 * what the connection knew then (dialect, the session's user, the tree's
 * share), as a line of Zeek's smb_mapping.log or smb_files.log does. Read
 * by the record writers through formats/smb-fields.c.
 */
#ifndef FC_CORE_SMB_INFO_H
#define FC_CORE_SMB_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/text-arena.h"

enum fc_smb_action {
    FC_SMB_ACTION_NONE,
    FC_SMB_ACTION_NEGOTIATE,
    FC_SMB_ACTION_SESSION_SETUP,
    FC_SMB_ACTION_TREE_CONNECT,
    FC_SMB_ACTION_OPEN,
    FC_SMB_ACTION_CREATE,
    FC_SMB_ACTION_DELETE,
    FC_SMB_ACTION_RENAME,
    FC_SMB_ACTION_COUNT
};

enum fc_smb_text {
    FC_SMB_STATUS,   /* the response's NT status, by name (fc_smb_status_name) */
    FC_SMB_DIALECT,  /* the negotiated dialect, by name (fc_smb_dialect_name) */
    FC_SMB_USER,
    FC_SMB_DOMAIN,
    FC_SMB_HOST,     /* the client's workstation name */
    FC_SMB_PATH,     /* the share: "\\server\share" */
    FC_SMB_NAME,     /* the file, from the share's root */
    FC_SMB_NEW_NAME, /* a rename's target */
    FC_SMB_TEXT_COUNT
};

/* Texts are cut at this many bytes of UTF-8 (a name of 255 UTF-16 units
 * per path element fits several levels). */
#define FC_SMB_TEXT_MAX 1024

struct fc_smb_item {
    uint32_t text[FC_SMB_TEXT_COUNT]; /* offset + 1 in `arena`; 0 when absent */
    struct fc_text_arena arena;
    fc_time ts;       /* the packet that completed the request */
    fc_time modified; /* the file's last write time; FC_TIME_UNKNOWN when none */
    uint64_t size;    /* the file's end of file, when has_size */
    uint8_t version;  /* 1 for SMB1 (negotiate only), 2 for SMB2 and SMB3 */
    uint8_t action;   /* enum fc_smb_action */
    uint8_t share_type; /* 1 disk, 2 pipe, 3 print; 0 when unknown */
    bool has_size;
};

/* The names the section writes (NULL for values outside them). */
const char *fc_smb_action_name(unsigned action);
const char *fc_smb_share_type_name(unsigned share_type);
/* The NT status as its MS-ERREF name for common ones ("STATUS_SUCCESS"),
 * else as 0x and eight hex digits, in buf. */
#define FC_SMB_STATUS_TEXT 12
const char *fc_smb_status_name(uint32_t status, char buf[FC_SMB_STATUS_TEXT]);
/* A dialect as MS-SMB2 names it ("3.1.1", "2.???" for the wildcard of
 * multi-protocol negotiation), else 0x and four hex digits, in buf. */
#define FC_SMB_DIALECT_TEXT 8
const char *fc_smb_dialect_name(uint16_t dialect, char buf[FC_SMB_DIALECT_TEXT]);

/* The inverses, for reading a record back: false when s is none of them. */
bool fc_smb_action_parse(const char *s, uint8_t *action);
bool fc_smb_share_type_parse(const char *s, uint8_t *share_type);

/* Stores a copy of s[0..len) as text `which`; false when out of memory. */
bool fc_smb_item_put_text(struct fc_smb_item *it, enum fc_smb_text which, const char *s,
                          size_t len);

static inline const char *fc_smb_item_text(const struct fc_smb_item *it,
                                           enum fc_smb_text which)
{
    return fc_text_arena_get(&it->arena, it->text[which]);
}

void fc_smb_item_free(struct fc_smb_item *it);

#endif
