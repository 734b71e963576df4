/* Field getters: from a flow record to a row of typed values. */
#include "formats/fields.h"

#include <stdio.h>
#include <string.h>

#include "formats/case-reader.h"

struct source {
    const struct fc_flow_record *r;
    const struct fc_capture_table *captures;
};

#define GETTER(fn) static void fn(const struct source *x, struct fc_value *v)

static void set_uint(struct fc_value *v, uint64_t u)
{
    v->kind = FC_VALUE_UINT;
    v->u = u;
}

static void set_string(struct fc_value *v, const char *s)
{
    v->kind = FC_VALUE_STRING;
    v->s = s;
}

static void set_ns(struct fc_value *v, enum fc_value_kind kind, fc_time ns)
{
    if (ns == FC_TIME_UNKNOWN)
        return;
    v->kind = kind;
    v->ns = ns;
}

static void set_ip(struct fc_value *v, const struct fc_flow_record *r, const uint8_t *addr)
{
    v->kind = r->key.ip_version == 4 ? FC_VALUE_IPV4 : FC_VALUE_IPV6;
    memcpy(v->bytes, addr, 16);
}

static void set_mac(struct fc_value *v, const uint8_t m[6])
{
    v->kind = FC_VALUE_MAC;
    memcpy(v->bytes, m, 6);
}

static bool is_tcp(const struct fc_flow_record *r)
{
    return r->key.proto == FC_PROTO_TCP;
}

GETTER(get_flow_id)
{
    set_string(v, x->r->flow_id);
}

GETTER(get_seq)
{
    set_uint(v, x->r->seq);
}

GETTER(get_community_id)
{
    if (x->r->community_id[0])
        set_string(v, x->r->community_id);
}

GETTER(get_start)
{
    set_ns(v, FC_VALUE_TIME, x->r->first_ts);
}

GETTER(get_end)
{
    set_ns(v, FC_VALUE_TIME, x->r->last_ts);
}

GETTER(get_duration)
{
    set_ns(v, FC_VALUE_SECONDS, x->r->last_ts - x->r->first_ts);
}

GETTER(get_ip_version)
{
    set_uint(v, x->r->key.ip_version);
}

GETTER(get_proto)
{
    set_uint(v, x->r->key.proto);
}

GETTER(get_src_ip)
{
    set_ip(v, x->r, fc_record_src_addr(x->r));
}

GETTER(get_dst_ip)
{
    set_ip(v, x->r, fc_record_dst_addr(x->r));
}

GETTER(get_src_port)
{
    if (x->r->key.has_ports)
        set_uint(v, fc_record_src_port(x->r));
}

GETTER(get_dst_port)
{
    if (x->r->key.has_ports)
        set_uint(v, fc_record_dst_port(x->r));
}

GETTER(get_vlan)
{
    if (x->r->key.vlan_count >= 1)
        set_uint(v, x->r->key.vlan[0]);
}

GETTER(get_inner_vlan)
{
    if (x->r->key.vlan_count >= 2)
        set_uint(v, x->r->key.vlan[1]);
}

/* Per-direction counters: src is dir[0], dst is dir[1]. */
#define DIR_UINT(fn, d, member)                                                                \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        set_uint(v, x->r->dir[d].member);                                                      \
    }
DIR_UINT(get_src_packets, 0, packets)
DIR_UINT(get_dst_packets, 1, packets)
DIR_UINT(get_src_bytes, 0, bytes)
DIR_UINT(get_dst_bytes, 1, bytes)
DIR_UINT(get_src_l2_bytes, 0, l2_bytes)
DIR_UINT(get_dst_l2_bytes, 1, l2_bytes)
DIR_UINT(get_src_payload_bytes, 0, payload_bytes)
DIR_UINT(get_dst_payload_bytes, 1, payload_bytes)
DIR_UINT(get_tcp_src_retransmits, 0, retransmits)
DIR_UINT(get_tcp_dst_retransmits, 1, retransmits)
DIR_UINT(get_tcp_src_out_of_order, 0, out_of_order)
DIR_UINT(get_tcp_dst_out_of_order, 1, out_of_order)
DIR_UINT(get_tcp_src_zero_windows, 0, zero_windows)
DIR_UINT(get_tcp_dst_zero_windows, 1, zero_windows)

/* Values that exist only once the direction has sent a packet. */
#define DIR_SEEN_UINT(fn, d, member)                                                           \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        if (x->r->dir[d].packets)                                                              \
            set_uint(v, x->r->dir[d].member);                                                  \
    }
DIR_SEEN_UINT(get_src_ttl_min, 0, ttl_min)
DIR_SEEN_UINT(get_src_ttl_max, 0, ttl_max)
DIR_SEEN_UINT(get_dst_ttl_min, 1, ttl_min)
DIR_SEEN_UINT(get_dst_ttl_max, 1, ttl_max)

#define DIR_FLAGS(fn, d, member)                                                               \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        if (is_tcp(x->r) && x->r->dir[d].packets) {                                            \
            v->kind = FC_VALUE_TCP_FLAGS;                                                      \
            v->u = x->r->dir[d].member;                                                        \
        }                                                                                      \
    }
DIR_FLAGS(get_src_tcp_flags, 0, tcp_flags)
DIR_FLAGS(get_dst_tcp_flags, 1, tcp_flags)
DIR_FLAGS(get_tcp_src_first_flags, 0, first_tcp_flags)
DIR_FLAGS(get_tcp_dst_first_flags, 1, first_tcp_flags)

/* Handshake values, from this side's SYN or SYN-ACK when it was seen. */
#define DIR_SYN_UINT(fn, d, member, has)                                                       \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        const struct fc_flow_dir *dir = &x->r->dir[d];                                         \
        if (dir->has_syn && (has))                                                             \
            set_uint(v, dir->member);                                                          \
    }
DIR_SYN_UINT(get_tcp_src_syn_size, 0, syn_size, true)
DIR_SYN_UINT(get_tcp_dst_syn_size, 1, syn_size, true)
DIR_SYN_UINT(get_tcp_src_mss, 0, mss, dir->has_mss)
DIR_SYN_UINT(get_tcp_dst_mss, 1, mss, dir->has_mss)
DIR_SYN_UINT(get_tcp_src_wscale, 0, wscale, dir->has_wscale)
DIR_SYN_UINT(get_tcp_dst_wscale, 1, wscale, dir->has_wscale)
DIR_SYN_UINT(get_tcp_src_init_window, 0, init_window, true)
DIR_SYN_UINT(get_tcp_dst_init_window, 1, init_window, true)

#define DIR_SACK(fn, d)                                                                        \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        if (x->r->dir[d].has_syn) {                                                            \
            v->kind = FC_VALUE_BOOL;                                                           \
            v->b = x->r->dir[d].sack_ok;                                                       \
        }                                                                                      \
    }
DIR_SACK(get_tcp_src_sack_ok, 0)
DIR_SACK(get_tcp_dst_sack_ok, 1)

/* The MAC of each side: the source MAC of its own packets, else the
 * destination MAC of the other side's packets. */
static void side_mac(struct fc_value *v, const struct fc_flow_record *r, unsigned d)
{
    if (r->dir[d].has_sender_mac)
        set_mac(v, r->dir[d].sender_mac);
    else if (r->dir[!d].has_receiver_mac)
        set_mac(v, r->dir[!d].receiver_mac);
}

GETTER(get_src_mac)
{
    side_mac(v, x->r, 0);
}

GETTER(get_dst_mac)
{
    side_mac(v, x->r, 1);
}

GETTER(get_initiator)
{
    static const char *const names[] = {
        [FC_INITIATOR_SYN] = "syn",
        [FC_INITIATOR_SYNACK] = "synack",
        [FC_INITIATOR_FIRST_PACKET] = "first_packet",
    };
    set_string(v, names[x->r->initiator]);
}

GETTER(get_app)
{
    if (x->r->app)
        set_string(v, x->r->app);
}

static void set_items(struct fc_value *v, const struct fc_flow_record *r, enum fc_section_id s)
{
    if (r->l7[s].present) {
        v->kind = FC_VALUE_ITEMS;
        v->section = s;
        v->items = r->l7[s].items;
        v->u = r->l7[s].count;
    }
}

GETTER(get_http) { set_items(v, x->r, FC_SECTION_HTTP); }
GETTER(get_tls) { set_items(v, x->r, FC_SECTION_TLS); }
GETTER(get_certificates) { set_items(v, x->r, FC_SECTION_CERTIFICATES); }
GETTER(get_ssh) { set_items(v, x->r, FC_SECTION_SSH); }
GETTER(get_dns) { set_items(v, x->r, FC_SECTION_DNS); }
GETTER(get_dns_records) { set_items(v, x->r, FC_SECTION_DNS_RECORDS); }
GETTER(get_icmp) { set_items(v, x->r, FC_SECTION_ICMP); }
GETTER(get_icmp_quoted) { set_items(v, x->r, FC_SECTION_ICMP_QUOTED); }
GETTER(get_dhcp) { set_items(v, x->r, FC_SECTION_DHCP); }
GETTER(get_quic) { set_items(v, x->r, FC_SECTION_QUIC); }
GETTER(get_smb) { set_items(v, x->r, FC_SECTION_SMB); }
GETTER(get_sip) { set_items(v, x->r, FC_SECTION_SIP); }
GETTER(get_tunnel) { set_items(v, x->r, FC_SECTION_TUNNEL); }

GETTER(get_end_reason)
{
    static const char *const names[] = {
        [FC_END_IDLE] = "idle", [FC_END_ACTIVE] = "active", [FC_END_FIN] = "fin",
        [FC_END_RST] = "rst",   [FC_END_EOF] = "eof",       [FC_END_EVICTED] = "evicted",
    };
    set_string(v, names[x->r->end_reason]);
}

/* The evidence file and archive member a packet came from. */
static const struct fc_capture_info *capture_of(const struct source *x,
                                                const struct fc_provenance *where)
{
    return x->captures->items[where->input];
}

GETTER(get_first_file)
{
    set_string(v, capture_of(x, &x->r->first)->input->path);
}

GETTER(get_first_member)
{
    const char *member = capture_of(x, &x->r->first)->member;
    if (member)
        set_string(v, member);
}

GETTER(get_first_number)
{
    set_uint(v, x->r->first.number);
}

GETTER(get_last_file)
{
    set_string(v, capture_of(x, &x->r->last)->input->path);
}

GETTER(get_last_member)
{
    const char *member = capture_of(x, &x->r->last)->member;
    if (member)
        set_string(v, member);
}

GETTER(get_last_number)
{
    set_uint(v, x->r->last.number);
}

GETTER(get_tcp_rtt_client)
{
    set_ns(v, FC_VALUE_SECONDS, x->r->rtt_client);
}

GETTER(get_tcp_rtt_server)
{
    set_ns(v, FC_VALUE_SECONDS, x->r->rtt_server);
}

const struct fc_field fc_fields[FC_FIELD_COUNT] = {
#define FC_FIELD(name, group, getter, ipfix) [FC_F_##getter] = { name, FC_GROUP_##group },
#include "formats/fields.def"
#undef FC_FIELD
};

static void (*const getters[FC_FIELD_COUNT])(const struct source *, struct fc_value *) = {
#define FC_FIELD(name, group, getter, ipfix) [FC_F_##getter] = getter,
#include "formats/fields.def"
#undef FC_FIELD
};

void fc_row_from_record(struct fc_row *row, const struct fc_flow_record *r,
                        const struct fc_capture_table *captures)
{
    const struct source x = { r, captures };
    for (int g = 0; g < FC_GROUP_COUNT; g++)
        row->group_present[g] = g != FC_GROUP_TCP || is_tcp(r);
    for (int i = 0; i < FC_FIELD_COUNT; i++) {
        struct fc_value *v = &row->v[i];
        v->kind = FC_VALUE_NULL;
        if (row->group_present[fc_fields[i].group])
            getters[i](&x, v);
    }
}

const char *fc_group_name(enum fc_field_group g)
{
    static const char *const names[] = {
        [FC_GROUP_NONE] = NULL,
        [FC_GROUP_FIRST_PACKET] = "first_packet",
        [FC_GROUP_LAST_PACKET] = "last_packet",
        [FC_GROUP_TCP] = "tcp",
        [FC_GROUP_COUNT] = NULL,
    };
    return names[g];
}

void fc_field_column(const struct fc_field *f, char *out, size_t size)
{
    const char *group = fc_group_name(f->group);
    if (group)
        snprintf(out, size, "%s.%s", group, f->name);
    else
        snprintf(out, size, "%s", f->name);
}
