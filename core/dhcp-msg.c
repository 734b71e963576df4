/*
 * DHCPv4 and DHCPv6 messages: see dhcp-msg.h.
 *
 *   DHCPv4: op (1) | htype (1) | hlen (1) | hops (1) | xid (4) | secs (2) |
 *           flags (2) | ciaddr | yiaddr | siaddr | giaddr (4 each) |
 *           chaddr (16) | sname (64) | file (128) | cookie (4) | options
 *           option: code (1) | len (1) | value; pad (0) and end (255) alone
 *   DHCPv6: msg-type (1) | transaction-id (3) | options
 *           relay:  msg-type (1) | hop-count (1) | link-address (16) |
 *                   peer-address (16) | options
 *           option: code (2) | len (2) | value
 */
#include "core/dhcp-msg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"

/* The worse of two statuses: a later fault never hides an earlier one. */
static enum fc_dhcp_status worse(enum fc_dhcp_status a, enum fc_dhcp_status b)
{
    return a != FC_DHCP_OK ? a : b;
}

/* ------------------------------------------------------------------ texts */

/* A text being written: out[cap] with at most cap - 1 characters. */
struct text {
    char *s;
    size_t cap;
    size_t len;
    uint32_t *dropped;
};

static struct text text_make(char *s, size_t cap, uint32_t *dropped)
{
    struct text t = { s, cap, 0, dropped };
    s[0] = '\0';
    return t;
}

/* Appends bytes escaped as the header says (and `also` escaped too when
 * not NUL); a byte whose form does not fit is dropped with all after it. */
static void text_put(struct text *t, const uint8_t *p, size_t n, char also)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = p[i];
        bool plain = ch >= 0x20 && ch <= 0x7e && ch != '\\' && (also == '\0' || ch != also);
        size_t need = plain ? 1 : 4;
        if (t->len + need >= t->cap) {
            *t->dropped += (uint32_t)(n - i);
            break;
        }
        if (plain) {
            t->s[t->len++] = (char)ch;
        } else {
            memcpy(t->s + t->len, "\\x", 2);
            t->s[t->len + 2] = digits[ch >> 4];
            t->s[t->len + 3] = digits[ch & 15];
            t->len += 4;
        }
    }
    t->s[t->len] = '\0';
}

static void text_char(struct text *t, char ch)
{
    text_put(t, (const uint8_t *)&ch, 1, '\0');
}

/* Lowercase hex of up to (out_cap - 1) / 2 bytes; the rest dropped. */
static void put_hex(char *out, size_t out_cap, const uint8_t *p, size_t n, uint32_t *dropped)
{
    static const char digits[] = "0123456789abcdef";
    size_t keep = n < (out_cap - 1) / 2 ? n : (out_cap - 1) / 2;
    for (size_t i = 0; i < keep; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * keep] = '\0';
    *dropped += (uint32_t)(n - keep);
}

static void put_mac(char out[18], const uint8_t *mac)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
}

/* A DNS name in wire format (RFC 1035 3.1, no compression: RFC 4702 2.3.1,
 * RFC 4704 4.2) as dotted text without a final dot; a name without the
 * root label (a partial name) is accepted. A '.' inside a label is escaped.
 * False when a label is longer than 63 or runs past the value. */
static bool put_dns_name(struct text *t, const uint8_t *p, size_t n)
{
    struct fc_cursor c = fc_cursor_make(p, n);
    bool first = true;
    while (fc_cursor_left(&c) > 0) {
        uint8_t label_len = fc_get_u8(&c);
        if (label_len == 0)
            return fc_cursor_left(&c) == 0;
        const uint8_t *label = fc_cursor_take(&c, label_len);
        if (label_len > 63 || !label)
            return false;
        if (!first)
            text_char(t, '.');
        text_put(t, label, label_len, '.');
        first = false;
    }
    return true;
}

/* ---------------------------------------------------------------- DHCPv4 */

#define DHCP4_SNAME_AT 44
#define DHCP4_SNAME_LEN 64
#define DHCP4_FILE_AT 108
#define DHCP4_FILE_LEN 128
#define DHCP4_COOKIE 0x63825363u

#define OPT4_PAD 0
#define OPT4_HOSTNAME 12
#define OPT4_DOMAIN 15
#define OPT4_REQUESTED 50
#define OPT4_LEASE 51
#define OPT4_OVERLOAD 52
#define OPT4_MSG_TYPE 53
#define OPT4_SERVER_ID 54
#define OPT4_PRL 55
#define OPT4_MESSAGE 56
#define OPT4_VENDOR_CLASS 60
#define OPT4_CLIENT_ID 61
#define OPT4_FQDN 81
#define OPT4_END 255

/* Where options are read: the options field, then when overloaded the file
 * and sname fields (RFC 3396 5). */
struct areas {
    struct fc_cursor a[3];
    int n;
};

enum walk_end { WALK_END, WALK_NO_END, WALK_CUT };

/* The next option of an area, pads skipped: false at End, at the area's
 * end, or at an option that runs past the area (*end says which). */
static bool next_option(struct fc_cursor *c, uint8_t *code, struct fc_span *val,
                        enum walk_end *end)
{
    while (fc_cursor_left(c) > 0) {
        *code = fc_get_u8(c);
        if (*code == OPT4_PAD)
            continue;
        if (*code == OPT4_END) {
            *end = WALK_END;
            return false;
        }
        uint8_t n = fc_get_u8(c);
        val->p = fc_cursor_take(c, n);
        val->len = n;
        if (c->short_read) {
            *end = WALK_CUT;
            return false;
        }
        return true;
    }
    *end = WALK_NO_END;
    return false;
}

/* Walks one area to its end, listing the option codes. */
static enum walk_end scan_area(struct fc_cursor c, struct fc_dhcp4 *m)
{
    uint8_t code;
    struct fc_span val;
    enum walk_end end;
    while (next_option(&c, &code, &val, &end))
        FC_LIST_PUSH(m->options, code);
    return end;
}

/* The value of `code` joined over every instance in every area (RFC 3396),
 * up to FC_DHCP4_VALUE_MAX bytes in out; returns the whole length, -1 when
 * the option is absent. Options past a cut are not seen. */
static long join_option(const struct areas *areas, uint8_t code, uint8_t out[FC_DHCP4_VALUE_MAX])
{
    long total = -1;
    for (int i = 0; i < areas->n; i++) {
        struct fc_cursor c = areas->a[i];
        uint8_t at_code;
        struct fc_span val;
        enum walk_end end;
        while (next_option(&c, &at_code, &val, &end)) {
            if (at_code != code)
                continue;
            size_t have = total < 0 ? 0 : (size_t)total;
            if (have < FC_DHCP4_VALUE_MAX && val.len > 0) {
                size_t n = FC_DHCP4_VALUE_MAX - have < val.len ? FC_DHCP4_VALUE_MAX - have
                                                               : val.len;
                memcpy(out + have, val.p, n);
            }
            total = (long)(have + val.len);
        }
    }
    return total;
}

/* A 1- or 4-byte number option; false, counted bad, for another length. */
static bool join_number(const struct areas *areas, uint8_t code, size_t width, uint32_t *out,
                        struct fc_dhcp4 *m)
{
    uint8_t buf[FC_DHCP4_VALUE_MAX];
    long n = join_option(areas, code, buf);
    if (n < 0)
        return false;
    if ((size_t)n != width) {
        m->bad_options++;
        return false;
    }
    struct fc_cursor c = fc_cursor_make(buf, width);
    *out = width == 1 ? fc_get_u8(&c) : fc_get_be32(&c);
    return true;
}

/* The bytes of a joined value that fit the buffer; the rest are counted
 * in *dropped. */
static size_t kept(long total, uint32_t *dropped)
{
    if (total > FC_DHCP4_VALUE_MAX) {
        *dropped += (uint32_t)(total - FC_DHCP4_VALUE_MAX);
        return FC_DHCP4_VALUE_MAX;
    }
    return (size_t)total;
}

/* A text option (RFC 2132: at least one byte): true when present and
 * valid. Trailing NULs are left out. */
static bool join_text(const struct areas *areas, uint8_t code, char out[FC_DHCP_TEXT_LEN + 1],
                      struct fc_dhcp4 *m)
{
    uint8_t buf[FC_DHCP4_VALUE_MAX];
    struct text t = text_make(out, FC_DHCP_TEXT_LEN + 1, &m->text_dropped);
    long total = join_option(areas, code, buf);
    if (total < 0)
        return false;
    if (total == 0) {
        m->bad_options++;
        return false;
    }
    size_t n = kept(total, &m->text_dropped);
    while (n > 0 && buf[n - 1] == '\0')
        n--;
    text_put(&t, buf, n, '\0');
    return true;
}

/* Client FQDN (RFC 4702 2): flags, two obsolete RCODEs, the name. */
static void join_fqdn(const struct areas *areas, struct fc_dhcp4 *m)
{
    uint8_t buf[FC_DHCP4_VALUE_MAX];
    struct text t = text_make(m->client_fqdn, sizeof m->client_fqdn, &m->text_dropped);
    long total = join_option(areas, OPT4_FQDN, buf);
    if (total < 0)
        return;
    if (total < 3) {
        m->bad_options++;
        return;
    }
    size_t n = kept(total, &m->text_dropped);
    m->fqdn_flags = buf[0];
    if (!(buf[0] & FC_DHCP4_FQDN_E)) {
        while (n > 3 && buf[n - 1] == '\0')
            n--;
        text_put(&t, buf + 3, n - 3, '\0');
    } else if (!put_dns_name(&t, buf + 3, n - 3) && (size_t)total == n) {
        /* (a name cut by the buffer is kept: not the sender's fault) */
        m->bad_options++;
        m->client_fqdn[0] = '\0';
        return;
    }
    m->has_fqdn = true;
}

static void join_prl(const struct areas *areas, struct fc_dhcp4 *m)
{
    uint8_t buf[FC_DHCP4_VALUE_MAX];
    long total = join_option(areas, OPT4_PRL, buf);
    if (total == 0)
        m->bad_options++;
    size_t n = total > 0 ? kept(total, &m->prl.dropped) : 0;
    for (size_t i = 0; i < n; i++)
        FC_LIST_PUSH(m->prl, buf[i]);
}

static void join_client_id(const struct areas *areas, struct fc_dhcp4 *m)
{
    uint8_t buf[FC_DHCP4_VALUE_MAX];
    long total = join_option(areas, OPT4_CLIENT_ID, buf);
    if (total == 0)
        m->bad_options++;
    if (total > 0)
        put_hex(m->client_id, sizeof m->client_id, buf, kept(total, &m->text_dropped),
                &m->text_dropped);
}

static void read_options(const struct areas *areas, struct fc_dhcp4 *m)
{
    uint32_t v;
    if (join_number(areas, OPT4_MSG_TYPE, 1, &v, m))
        m->msg_type = (uint8_t)v;
    m->has_requested = join_number(areas, OPT4_REQUESTED, 4, &m->requested_addr, m);
    m->has_server_id = join_number(areas, OPT4_SERVER_ID, 4, &m->server_id, m);
    m->has_lease = join_number(areas, OPT4_LEASE, 4, &m->lease_time, m);
    m->has_hostname = join_text(areas, OPT4_HOSTNAME, m->hostname, m);
    join_text(areas, OPT4_DOMAIN, m->domain, m);
    join_text(areas, OPT4_VENDOR_CLASS, m->vendor_class, m);
    join_text(areas, OPT4_MESSAGE, m->message, m);
    join_fqdn(areas, m);
    join_prl(areas, m);
    join_client_id(areas, m);
}

/* The BOOTP header; the client MAC when it is an Ethernet address. */
static void read_header(struct fc_cursor *c, struct fc_dhcp4 *m)
{
    m->op = fc_get_u8(c);
    m->htype = fc_get_u8(c);
    m->hlen = fc_get_u8(c);
    m->hops = fc_get_u8(c);
    m->xid = fc_get_be32(c);
    m->secs = fc_get_be16(c);
    m->flags = fc_get_be16(c);
    m->ciaddr = fc_get_be32(c);
    m->yiaddr = fc_get_be32(c);
    m->siaddr = fc_get_be32(c);
    m->giaddr = fc_get_be32(c);
    fc_get_bytes(c, m->chaddr, sizeof m->chaddr);
    fc_cursor_skip(c, DHCP4_SNAME_LEN + DHCP4_FILE_LEN);
    if (m->htype == 1 && m->hlen == 6)
        put_mac(m->client_mac, m->chaddr);
}

/* Adds the overloaded fields (RFC 2132 9.3) in RFC 3396's order. An
 * option running past its field is MALFORMED: the field's size is fixed.
 * A field may end without an End option (it is full of pads). */
static enum fc_dhcp_status add_overloaded(const uint8_t *p, struct areas *areas,
                                          struct fc_dhcp4 *m)
{
    enum fc_dhcp_status st = FC_DHCP_OK;
    if (m->overload & 1)
        areas->a[areas->n++] = fc_cursor_make(p + DHCP4_FILE_AT, DHCP4_FILE_LEN);
    if (m->overload & 2)
        areas->a[areas->n++] = fc_cursor_make(p + DHCP4_SNAME_AT, DHCP4_SNAME_LEN);
    for (int i = 1; i < areas->n; i++) {
        if (scan_area(areas->a[i], m) == WALK_CUT)
            st = FC_DHCP_MALFORMED;
    }
    return st;
}

enum fc_dhcp_status fc_dhcp4_parse(const uint8_t *p, size_t len, struct fc_dhcp4 *m)
{
    memset(m, 0, sizeof *m);
    struct fc_cursor c = fc_cursor_make(p, len);
    read_header(&c, m);
    uint32_t cookie = fc_get_be32(&c);
    if (c.short_read)
        return FC_DHCP_TRUNCATED;
    enum fc_dhcp_status st = FC_DHCP_OK;
    if (m->op != FC_DHCP4_BOOTREQUEST && m->op != FC_DHCP4_BOOTREPLY)
        st = FC_DHCP_MALFORMED;
    if (cookie != DHCP4_COOKIE)
        return st; /* plain BOOTP: the vendor area is not read */
    m->is_dhcp = true;

    struct areas areas = { { c }, 1 };
    enum walk_end end = scan_area(c, m);
    if (end != WALK_END)
        st = worse(st, FC_DHCP_TRUNCATED);
    /* Overload is only valid in the options field (RFC 2131 4.1). */
    uint32_t overload;
    if (join_number(&areas, OPT4_OVERLOAD, 1, &overload, m)) {
        if (overload >= 1 && overload <= 3)
            m->overload = (uint8_t)overload;
        else
            m->bad_options++;
    }
    st = worse(st, add_overloaded(p, &areas, m));
    read_options(&areas, m);
    return st;
}

const char *fc_dhcp4_type_name(uint8_t type)
{
    /* Zeek's DHCP::message_types (base/protocols/dhcp/consts.zeek). */
    static const char *const names[] = {
        NULL,           "DISCOVER",        "OFFER",            "REQUEST",     "DECLINE",
        "ACK",          "NAK",             "RELEASE",          "INFORM",      "FORCERENEW",
        "LEASEQUERY",   "LEASEUNASSIGNED", "LEASEUNKNOWN",     "LEASEACTIVE", "BULKLEASEQUERY",
        "LEASEQUERYDONE", "ACTIVELEASEQUERY", "LEASEQUERYSTATUS", "TLS",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : NULL;
}

void fc_dhcp4_prl_text(const struct fc_dhcp4 *m, char out[FC_DHCP4_PRL_TEXT])
{
    size_t at = 0;
    out[0] = '\0';
    for (uint16_t i = 0; i < m->prl.n; i++)
        at += (size_t)snprintf(out + at, FC_DHCP4_PRL_TEXT - at, "%s%u", i ? "," : "",
                               m->prl.v[i]);
}

void fc_dhcp4_addr_text(uint32_t addr, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
             addr & 255);
}

/* ---------------------------------------------------------------- DHCPv6 */

#define DUID_LLT 1
#define DUID_LL 3

static void addr6_text(const uint8_t a[16], char out[FC_DHCP6_ADDR_TEXT])
{
    if (!inet_ntop(AF_INET6, a, out, FC_DHCP6_ADDR_TEXT))
        out[0] = '\0';
}

/* The next option of a cursor: false at its end, and *cut set when the
 * option runs past it. */
static bool next_option6(struct fc_cursor *c, uint16_t *code, struct fc_cursor *val, bool *cut)
{
    *cut = false;
    if (fc_cursor_left(c) == 0)
        return false;
    *code = fc_get_be16(c);
    uint16_t n = fc_get_be16(c);
    const uint8_t *p = fc_cursor_take(c, n);
    if (c->short_read) {
        *cut = true;
        return false;
    }
    *val = fc_cursor_make(p, n);
    return true;
}

/* True when the value was read exactly. */
static bool used_up(const struct fc_cursor *c)
{
    return !c->short_read && fc_cursor_left(c) == 0;
}

/* The Ethernet address inside a DUID-LLT or DUID-LL (RFC 8415 11.2, 11.4). */
static void duid_mac(struct fc_cursor c, char out[18])
{
    uint16_t type = fc_get_be16(&c);
    uint16_t hw = fc_get_be16(&c);
    if (type == DUID_LLT)
        fc_cursor_skip(&c, 4);
    if ((type == DUID_LLT || type == DUID_LL) && hw == 1 && fc_cursor_left(&c) == 6 &&
        !c.short_read)
        put_mac(out, c.p);
}

static bool read_duid(struct fc_cursor *v, char *hex, struct fc_dhcp6 *m)
{
    size_t n = fc_cursor_left(v);
    if (n < 2)
        return false;
    put_hex(hex, FC_DHCP6_DUID_HEX, v->p, n, &m->text_dropped);
    fc_cursor_skip(v, n);
    return true;
}

static bool read_client_id(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    duid_mac(*v, m->client_mac);
    return read_duid(v, m->client_duid, m);
}

static bool read_server_id(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    return read_duid(v, m->server_duid, m);
}

static bool read_oro(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    if (fc_cursor_left(v) % 2)
        return false;
    while (fc_cursor_left(v) > 0)
        FC_LIST_PUSH(m->oro, fc_get_be16(v));
    return true;
}

static bool read_elapsed(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    if (fc_cursor_left(v) != 2)
        return false;
    m->elapsed = fc_get_be16(v);
    m->has_elapsed = true;
    return true;
}

/* RFC 8415 21.13: a code, then a UTF-8 message that is not kept. */
static bool read_status(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    if (fc_cursor_left(v) < 2)
        return false;
    m->status_code = fc_get_be16(v);
    m->has_status = true;
    fc_cursor_skip(v, fc_cursor_left(v));
    return true;
}

/* RFC 4704 4: flags, then the name in DNS wire format. */
static bool read_fqdn(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    if (fc_cursor_left(v) < 1)
        return false;
    uint8_t flags = fc_get_u8(v);
    struct text t = text_make(m->fqdn, sizeof m->fqdn, &m->text_dropped);
    if (!put_dns_name(&t, v->p, fc_cursor_left(v))) {
        m->fqdn[0] = '\0';
        return false;
    }
    fc_cursor_skip(v, fc_cursor_left(v));
    m->fqdn_flags = flags;
    m->has_fqdn = true;
    return true;
}

/* RFC 8415 21.16: enterprise number, then items each with a 2-byte length. */
static bool read_vendor_class(struct fc_cursor *v, struct fc_dhcp6 *m)
{
    uint32_t enterprise = fc_get_be32(v);
    if (v->short_read)
        return false;
    struct text t = text_make(m->vendor_class, sizeof m->vendor_class, &m->text_dropped);
    for (bool first = true; fc_cursor_left(v) > 0; first = false) {
        uint16_t n = fc_get_be16(v);
        const uint8_t *item = fc_cursor_take(v, n);
        if (!item) {
            m->vendor_class[0] = '\0';
            return false;
        }
        if (!first)
            text_char(&t, ',');
        text_put(&t, item, n, ',');
    }
    m->vendor_enterprise = enterprise;
    m->has_vendor_class = true;
    return true;
}

/* IA Address (RFC 8415 21.6): address, lifetimes, then options. */
static bool read_iaaddr(struct fc_cursor *v, const struct fc_dhcp6_ia *ia, struct fc_dhcp6 *m)
{
    struct fc_dhcp6_addr a = { .ia_type = ia->type, .iaid = ia->iaid };
    uint8_t raw[16];
    fc_get_bytes(v, raw, sizeof raw);
    a.preferred = fc_get_be32(v);
    a.valid = fc_get_be32(v);
    if (v->short_read)
        return false;
    addr6_text(raw, a.addr);
    FC_LIST_PUSH(m->addrs, a);
    return true;
}

/* IA Prefix (RFC 8415 21.22): lifetimes, length, prefix, then options. */
static bool read_iaprefix(struct fc_cursor *v, const struct fc_dhcp6_ia *ia, struct fc_dhcp6 *m)
{
    struct fc_dhcp6_prefix pf = { .iaid = ia->iaid };
    uint8_t raw[16];
    pf.preferred = fc_get_be32(v);
    pf.valid = fc_get_be32(v);
    pf.len = fc_get_u8(v);
    fc_get_bytes(v, raw, sizeof raw);
    if (v->short_read || pf.len > 128)
        return false;
    char addr[FC_DHCP6_ADDR_TEXT];
    addr6_text(raw, addr);
    snprintf(pf.prefix, sizeof pf.prefix, "%s/%u", addr, pf.len);
    FC_LIST_PUSH(m->prefixes, pf);
    return true;
}

/* The reading of one client/server message. */
struct ctx6 {
    struct fc_dhcp6 *m;
    enum fc_dhcp_status st;
    uint64_t seen; /* codes below 64 read already: the first copy counts */
};

/* IA_NA, IA_TA, IA_PD (RFC 8415 21.4, 21.5, 21.21): the fixed part, then
 * options, of which the addresses or prefixes are read. An option past the
 * IA's end makes the message MALFORMED; a bad address is only bad. */
static bool read_ia(uint16_t type, struct fc_cursor *v, struct ctx6 *x)
{
    struct fc_dhcp6_ia ia = { .type = type, .iaid = fc_get_be32(v) };
    if (type != FC_DHCP6_OPT_IA_TA) {
        ia.t1 = fc_get_be32(v);
        ia.t2 = fc_get_be32(v);
    }
    if (v->short_read)
        return false;
    FC_LIST_PUSH(x->m->ias, ia);
    uint16_t code;
    struct fc_cursor sub;
    bool cut;
    uint16_t wanted = type == FC_DHCP6_OPT_IA_PD ? FC_DHCP6_OPT_IAPREFIX : FC_DHCP6_OPT_IAADDR;
    while (next_option6(v, &code, &sub, &cut)) {
        if (code != wanted)
            continue;
        bool ok = code == FC_DHCP6_OPT_IAADDR ? read_iaaddr(&sub, &ia, x->m)
                                              : read_iaprefix(&sub, &ia, x->m);
        if (!ok)
            x->m->bad_options++;
    }
    if (cut)
        x->st = worse(x->st, FC_DHCP_MALFORMED);
    return true;
}

static const struct {
    uint16_t code;
    bool (*read)(struct fc_cursor *, struct fc_dhcp6 *);
} readers6[] = {
    { FC_DHCP6_OPT_CLIENTID, read_client_id },   { FC_DHCP6_OPT_SERVERID, read_server_id },
    { FC_DHCP6_OPT_ORO, read_oro },              { FC_DHCP6_OPT_ELAPSED_TIME, read_elapsed },
    { FC_DHCP6_OPT_STATUS_CODE, read_status },   { FC_DHCP6_OPT_VENDOR_CLASS, read_vendor_class },
    { FC_DHCP6_OPT_FQDN, read_fqdn },
};

/* One option of the client/server message; false when its contents are
 * not what its definition says. */
static bool read_option6(uint16_t code, struct fc_cursor *v, struct ctx6 *x)
{
    if (code == FC_DHCP6_OPT_IA_NA || code == FC_DHCP6_OPT_IA_TA || code == FC_DHCP6_OPT_IA_PD)
        return read_ia(code, v, x);
    for (size_t i = 0; i < sizeof readers6 / sizeof readers6[0]; i++) {
        if (readers6[i].code != code)
            continue;
        uint64_t bit = (uint64_t)1 << code; /* (every code read is below 64) */
        if (x->seen & bit)
            return true;
        x->seen |= bit;
        return readers6[i].read(v, x->m) && used_up(v);
    }
    return true;
}

/* The options of the client/server message. `inner`: it came in a Relay
 * Message option, whose exact length makes a cut MALFORMED. */
static enum fc_dhcp_status read_message(struct fc_cursor *c, bool inner, struct fc_dhcp6 *m)
{
    m->msg_type = fc_get_u8(c);
    uint32_t hi = fc_get_u8(c);
    m->xid = hi << 16 | fc_get_be16(c);
    if (c->short_read)
        return inner ? FC_DHCP_MALFORMED : FC_DHCP_TRUNCATED;
    struct ctx6 x = { m, FC_DHCP_OK, 0 };
    uint16_t code;
    struct fc_cursor val;
    bool cut;
    while (next_option6(c, &code, &val, &cut)) {
        FC_LIST_PUSH(m->options, code);
        if (!read_option6(code, &val, &x))
            m->bad_options++;
    }
    if (cut)
        x.st = worse(x.st, inner ? FC_DHCP_MALFORMED : FC_DHCP_TRUNCATED);
    return x.st;
}

/* One relay header (RFC 8415 9): *c is left on its Relay Message. */
static enum fc_dhcp_status unwrap_relay(struct fc_cursor *c, bool inner, struct fc_dhcp6 *m)
{
    uint8_t raw[16];
    fc_cursor_skip(c, 1); /* msg-type */
    m->hop_count = fc_get_u8(c);
    fc_get_bytes(c, raw, sizeof raw);
    addr6_text(raw, m->link_addr);
    fc_get_bytes(c, raw, sizeof raw);
    addr6_text(raw, m->peer_addr);
    if (c->short_read)
        return inner ? FC_DHCP_MALFORMED : FC_DHCP_TRUNCATED;
    uint16_t code;
    struct fc_cursor val;
    bool cut, found = false;
    struct fc_cursor relayed = { 0 };
    while (next_option6(c, &code, &val, &cut)) {
        if (code == FC_DHCP6_OPT_RELAY_MSG && !found) {
            relayed = val;
            found = true;
        }
    }
    if (cut)
        return inner ? FC_DHCP_MALFORMED : FC_DHCP_TRUNCATED;
    if (!found)
        return FC_DHCP_MALFORMED;
    *c = relayed;
    return FC_DHCP_OK;
}

static bool is_relay(const struct fc_cursor *c)
{
    return fc_cursor_left(c) > 0 &&
           (c->p[0] == FC_DHCP6_RELAY_FORW || c->p[0] == FC_DHCP6_RELAY_REPL);
}

enum fc_dhcp_status fc_dhcp6_parse(const uint8_t *p, size_t len, struct fc_dhcp6 *m)
{
    memset(m, 0, sizeof *m);
    struct fc_cursor c = fc_cursor_make(p, len);
    if (is_relay(&c))
        m->relay_type = c.p[0];
    while (is_relay(&c)) {
        if (m->relay_depth == FC_DHCP6_MAX_RELAYS)
            return FC_DHCP_TOO_DEEP;
        enum fc_dhcp_status st = unwrap_relay(&c, m->relay_depth > 0, m);
        if (st != FC_DHCP_OK)
            return st;
        m->relay_depth++;
    }
    return read_message(&c, m->relay_depth > 0, m);
}

const char *fc_dhcp6_type_name(uint8_t type)
{
    /* IANA "DHCPv6 Message Types" registry (RFC 8415, 5007, 5460, 7341,
     * 7653, 8156, 9686). */
    static const char *const names[] = {
        NULL,
        "SOLICIT",
        "ADVERTISE",
        "REQUEST",
        "CONFIRM",
        "RENEW",
        "REBIND",
        "REPLY",
        "RELEASE",
        "DECLINE",
        "RECONFIGURE",
        "INFORMATION-REQUEST",
        "RELAY-FORW",
        "RELAY-REPL",
        "LEASEQUERY",
        "LEASEQUERY-REPLY",
        "LEASEQUERY-DONE",
        "LEASEQUERY-DATA",
        "RECONFIGURE-REQUEST",
        "RECONFIGURE-REPLY",
        "DHCPV4-QUERY",
        "DHCPV4-RESPONSE",
        "ACTIVELEASEQUERY",
        "STARTTLS",
        "BNDUPD",
        "BNDREPLY",
        "POOLREQ",
        "POOLRESP",
        "UPDREQ",
        "UPDREQALL",
        "UPDDONE",
        "CONNECT",
        "CONNECTREPLY",
        "DISCONNECT",
        "STATE",
        "CONTACT",
        "ADDR-REG-INFORM",
        "ADDR-REG-REPLY",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : NULL;
}

void fc_dhcp6_oro_text(const struct fc_dhcp6 *m, char out[FC_DHCP6_ORO_TEXT])
{
    size_t at = 0;
    out[0] = '\0';
    for (uint16_t i = 0; i < m->oro.n; i++)
        at += (size_t)snprintf(out + at, FC_DHCP6_ORO_TEXT - at, "%s%u", i ? "," : "",
                               m->oro.v[i]);
}
