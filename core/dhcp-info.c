/* Reported DHCP messages: see dhcp-info.h. */
#include "core/dhcp-info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dhcp-msg.h"

/* "unknown-message-type-N" as Zeek writes an unassigned type. */
#define TYPE_TEXT 32

static void type_text(const char *name, uint8_t type, char out[TYPE_TEXT])
{
    if (name)
        snprintf(out, TYPE_TEXT, "%s", name);
    else
        snprintf(out, TYPE_TEXT, "unknown-message-type-%u", type);
}

/* Copies the texts that are not empty into one buffer of their size
 * (reserved first: the puts cannot fail). */
static bool put_texts(struct fc_dhcp_item *it, const char *const texts[FC_DHCP_T_COUNT])
{
    size_t total = 0;
    for (int t = 0; t < FC_DHCP_T_COUNT; t++)
        total += texts[t] && texts[t][0] ? strlen(texts[t]) + 1 : 0;
    if (total && !fc_text_arena_reserve(&it->arena, total))
        return false;
    for (int t = 0; t < FC_DHCP_T_COUNT; t++) {
        if (texts[t] && texts[t][0])
            (void)fc_text_arena_put(&it->arena, &it->text[t], texts[t], strlen(texts[t]));
    }
    return true;
}

static struct fc_dhcp_addr4 addr4(bool has, uint32_t addr)
{
    return (struct fc_dhcp_addr4){ has, has ? addr : 0 };
}

bool fc_dhcp_item_from4(struct fc_dhcp_item *it, const struct fc_dhcp4 *m, fc_time ts)
{
    char type[TYPE_TEXT] = "";
    if (m->msg_type)
        type_text(fc_dhcp4_type_name(m->msg_type), m->msg_type, type);
    char prl[FC_DHCP4_PRL_TEXT];
    fc_dhcp4_prl_text(m, prl);
    const char *const texts[FC_DHCP_T_COUNT] = {
        [FC_DHCP_T_MSG_TYPE] = type,
        [FC_DHCP_T_HOSTNAME] = m->hostname,
        [FC_DHCP_T_CLIENT_FQDN] = m->client_fqdn,
        [FC_DHCP_T_DOMAIN] = m->domain,
        [FC_DHCP_T_VENDOR_CLASS] = m->vendor_class,
        [FC_DHCP_T_PARAM_LIST] = prl,
        [FC_DHCP_T_MESSAGE] = m->message,
        [FC_DHCP_T_CLIENT_ID] = m->client_id,
    };
    if (!put_texts(it, texts))
        return false;
    it->ts = ts;
    it->version = 4;
    it->xid = m->xid;
    it->has_mac = m->client_mac[0] != '\0'; /* htype Ethernet, hlen 6 */
    memcpy(it->mac, m->chaddr, sizeof it->mac);
    it->requested_addr = addr4(m->has_requested, m->requested_addr);
    /* RFC 2131 4.3.1, 4.3.5: yiaddr is the address an OFFER or ACK hands
     * out (an ACK to an INFORM leaves it 0). */
    bool hands_out = m->msg_type == FC_DHCP4_OFFER || m->msg_type == FC_DHCP4_ACK;
    it->assigned_addr = addr4(hands_out && m->yiaddr, m->yiaddr);
    it->client_addr = addr4(m->ciaddr != 0, m->ciaddr);
    it->server_id = addr4(m->has_server_id, m->server_id);
    it->has_lease = m->has_lease;
    it->lease_time = m->lease_time;
    return true;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* "90:b1:1c:99:49:29" (the parser's lowercase form) to bytes. */
static bool mac_of_text(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* The IA addresses ("2001:db8::1,...") or prefixes ("2001:db8::/56,..."):
 * each text's NUL byte makes room for its ',', so all of them fit. */
#define JOINED_ADDRS (FC_DHCP6_MAX_ADDRS * FC_DHCP6_ADDR_TEXT)
#define JOINED_PREFIXES (FC_DHCP6_MAX_PREFIXES * FC_DHCP6_PREFIX_TEXT)

/* Appends text to the list in out (cap bytes), after a ',' unless first;
 * the list's new length. */
static size_t join(char *out, size_t cap, size_t at, const char *text)
{
    if (at >= cap)
        return at;
    return at + (size_t)snprintf(out + at, cap - at, "%s%s", at ? "," : "", text);
}

bool fc_dhcp_item_from6(struct fc_dhcp_item *it, const struct fc_dhcp6 *m, fc_time ts)
{
    char type[TYPE_TEXT];
    type_text(fc_dhcp6_type_name(m->msg_type), m->msg_type, type);
    char oro[FC_DHCP6_ORO_TEXT];
    fc_dhcp6_oro_text(m, oro);
    char addrs[JOINED_ADDRS] = "", prefixes[JOINED_PREFIXES] = "";
    for (size_t i = 0, at = 0; i < m->addrs.n; i++)
        at = join(addrs, sizeof addrs, at, m->addrs.v[i].addr);
    for (size_t i = 0, at = 0; i < m->prefixes.n; i++)
        at = join(prefixes, sizeof prefixes, at, m->prefixes.v[i].prefix);
    const char *const texts[FC_DHCP_T_COUNT] = {
        [FC_DHCP_T_MSG_TYPE] = type,
        [FC_DHCP_T_CLIENT_FQDN] = m->fqdn,
        [FC_DHCP_T_VENDOR_CLASS] = m->vendor_class,
        [FC_DHCP_T_PARAM_LIST] = oro,
        [FC_DHCP_T_CLIENT_DUID] = m->client_duid,
        [FC_DHCP_T_SERVER_DUID] = m->server_duid,
        [FC_DHCP_T_ADDRESSES] = addrs,
        [FC_DHCP_T_PREFIXES] = prefixes,
    };
    if (!put_texts(it, texts))
        return false;
    it->ts = ts;
    it->version = 6;
    it->xid = m->xid;
    it->has_mac = mac_of_text(m->client_mac, it->mac);
    return true;
}

void fc_dhcp_item_free(struct fc_dhcp_item *it)
{
    free(it->arena.p);
    it->arena = (struct fc_text_arena){ 0 };
}
