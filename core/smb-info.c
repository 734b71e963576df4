/* SMB items and the names of their values: see smb-info.h. */
#include "core/smb-info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const actions[FC_SMB_ACTION_COUNT] = {
    [FC_SMB_ACTION_NEGOTIATE] = "negotiate",
    [FC_SMB_ACTION_SESSION_SETUP] = "session_setup",
    [FC_SMB_ACTION_TREE_CONNECT] = "tree_connect",
    [FC_SMB_ACTION_OPEN] = "open",
    [FC_SMB_ACTION_CREATE] = "create",
    [FC_SMB_ACTION_DELETE] = "delete",
    [FC_SMB_ACTION_RENAME] = "rename",
};

/* MS-SMB2 2.2.10 ShareType, named as Zeek's smb_mapping.log does. */
static const char *const share_types[] = { NULL, "DISK", "PIPE", "PRINT" };

struct code_name {
    uint32_t code;
    const char *name;
};

/* MS-ERREF 2.3.1: the values SMB servers commonly answer with. */
static const struct code_name statuses[] = {
    { 0x00000000, "STATUS_SUCCESS" },
    { 0x00000103, "STATUS_PENDING" },
    { 0x80000005, "STATUS_BUFFER_OVERFLOW" },
    { 0x80000006, "STATUS_NO_MORE_FILES" },
    { 0xc0000001, "STATUS_UNSUCCESSFUL" },
    { 0xc0000002, "STATUS_NOT_IMPLEMENTED" },
    { 0xc0000008, "STATUS_INVALID_HANDLE" },
    { 0xc000000d, "STATUS_INVALID_PARAMETER" },
    { 0xc000000f, "STATUS_NO_SUCH_FILE" },
    { 0xc0000010, "STATUS_INVALID_DEVICE_REQUEST" },
    { 0xc0000011, "STATUS_END_OF_FILE" },
    { 0xc0000016, "STATUS_MORE_PROCESSING_REQUIRED" },
    { 0xc0000022, "STATUS_ACCESS_DENIED" },
    { 0xc0000023, "STATUS_BUFFER_TOO_SMALL" },
    { 0xc0000033, "STATUS_OBJECT_NAME_INVALID" },
    { 0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND" },
    { 0xc0000035, "STATUS_OBJECT_NAME_COLLISION" },
    { 0xc000003a, "STATUS_OBJECT_PATH_NOT_FOUND" },
    { 0xc0000043, "STATUS_SHARING_VIOLATION" },
    { 0xc0000056, "STATUS_DELETE_PENDING" },
    { 0xc0000061, "STATUS_PRIVILEGE_NOT_HELD" },
    { 0xc0000064, "STATUS_NO_SUCH_USER" },
    { 0xc000006d, "STATUS_LOGON_FAILURE" },
    { 0xc000006e, "STATUS_ACCOUNT_RESTRICTION" },
    { 0xc000006f, "STATUS_INVALID_LOGON_HOURS" },
    { 0xc0000070, "STATUS_INVALID_WORKSTATION" },
    { 0xc0000071, "STATUS_PASSWORD_EXPIRED" },
    { 0xc0000072, "STATUS_ACCOUNT_DISABLED" },
    { 0xc000007f, "STATUS_DISK_FULL" },
    { 0xc000009a, "STATUS_INSUFFICIENT_RESOURCES" },
    { 0xc00000ba, "STATUS_FILE_IS_A_DIRECTORY" },
    { 0xc00000bb, "STATUS_NOT_SUPPORTED" },
    { 0xc00000c9, "STATUS_NETWORK_NAME_DELETED" },
    { 0xc00000cc, "STATUS_BAD_NETWORK_NAME" },
    { 0xc0000101, "STATUS_DIRECTORY_NOT_EMPTY" },
    { 0xc0000120, "STATUS_CANCELLED" },
    { 0xc0000128, "STATUS_FILE_CLOSED" },
    { 0xc000015b, "STATUS_LOGON_TYPE_NOT_GRANTED" },
    { 0xc0000193, "STATUS_ACCOUNT_EXPIRED" },
    { 0xc0000203, "STATUS_USER_SESSION_DELETED" },
    { 0xc0000224, "STATUS_PASSWORD_MUST_CHANGE" },
    { 0xc0000225, "STATUS_NOT_FOUND" },
    { 0xc0000234, "STATUS_ACCOUNT_LOCKED_OUT" },
    { 0xc0000257, "STATUS_PATH_NOT_COVERED" },
};

/* MS-SMB2 2.2.4 DialectRevision. */
static const struct code_name dialects[] = {
    { 0x0202, "2.0.2" }, { 0x0210, "2.1" },   { 0x0300, "3.0" },
    { 0x0302, "3.0.2" }, { 0x0311, "3.1.1" }, { 0x02ff, "2.???" },
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

const char *fc_smb_action_name(unsigned action)
{
    return action < FC_SMB_ACTION_COUNT ? actions[action] : NULL;
}

const char *fc_smb_share_type_name(unsigned share_type)
{
    return share_type < COUNT(share_types) ? share_types[share_type] : NULL;
}

/* The name of code in a table, else 0x and `digits` hex digits. */
static const char *name_of(const struct code_name *table, size_t n, uint32_t code, int digits,
                           char *buf, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        if (table[i].code == code)
            return table[i].name;
    }
    snprintf(buf, size, "0x%0*x", digits, (unsigned)code);
    return buf;
}

const char *fc_smb_status_name(uint32_t status, char buf[FC_SMB_STATUS_TEXT])
{
    return name_of(statuses, COUNT(statuses), status, 8, buf, FC_SMB_STATUS_TEXT);
}

const char *fc_smb_dialect_name(uint16_t dialect, char buf[FC_SMB_DIALECT_TEXT])
{
    return name_of(dialects, COUNT(dialects), dialect, 4, buf, FC_SMB_DIALECT_TEXT);
}

/* The index of s among names[1..n), 0 when it is none. */
static uint8_t index_of(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 1; i < n; i++) {
        if (strcmp(s, names[i]) == 0)
            return (uint8_t)i;
    }
    return 0;
}

bool fc_smb_action_parse(const char *s, uint8_t *action)
{
    *action = index_of(actions, COUNT(actions), s);
    return *action != 0;
}

bool fc_smb_share_type_parse(const char *s, uint8_t *share_type)
{
    *share_type = index_of(share_types, COUNT(share_types), s);
    return *share_type != 0;
}

bool fc_smb_item_put_text(struct fc_smb_item *it, enum fc_smb_text which, const char *s,
                          size_t len)
{
    return fc_text_arena_put(&it->arena, &it->text[which], s, len);
}

void fc_smb_item_free(struct fc_smb_item *it)
{
    free(it->arena.p);
    it->arena = (struct fc_text_arena){ NULL, 0, 0 };
}
