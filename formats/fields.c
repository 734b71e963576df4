/* Field getters: from a flow record to the values the writers print. */
#include "formats/fields.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "core/timefmt.h"
#include "formats/case-reader.h"

#define GETTER(fn)                                                                             \
    static void fn(const struct fc_field_ctx *ctx, const struct fc_flow_record *r,          \
                   struct fc_value *v)

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

static void set_time(struct fc_value *v, fc_time t)
{
    fc_format_time(t, v->buf);
    set_string(v, v->buf);
}

static void set_seconds(struct fc_value *v, fc_time ns)
{
    if (ns == FC_TIME_UNKNOWN)
        return;
    v->kind = FC_VALUE_SECONDS;
    v->ns = ns;
}

static void set_ip(struct fc_value *v, const struct fc_flow_record *r, const uint8_t *addr)
{
    inet_ntop(r->key.ip_version == 4 ? AF_INET : AF_INET6, addr, v->buf, sizeof v->buf);
    set_string(v, v->buf);
}

static void set_mac(struct fc_value *v, const uint8_t m[6])
{
    snprintf(v->buf, sizeof v->buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
             m[4], m[5]);
    set_string(v, v->buf);
}

/* nfdump's fixed-width notation: one column per flag, '.' when unset. */
static void set_tcp_flags(struct fc_value *v, uint8_t flags)
{
    static const char letters[] = "CEUAPRSF"; /* CWR ECE URG ACK PSH RST SYN FIN */
    for (int i = 0; i < 8; i++)
        v->buf[i] = flags & (0x80 >> i) ? letters[i] : '.';
    v->buf[8] = '\0';
    set_string(v, v->buf);
}

static bool is_tcp(const struct fc_flow_record *r)
{
    return r->key.proto == FC_PROTO_TCP;
}

GETTER(get_flow_id)
{
    (void)ctx;
    set_string(v, r->flow_id);
}

GETTER(get_seq)
{
    (void)ctx;
    set_uint(v, r->seq);
}

GETTER(get_community_id)
{
    (void)ctx;
    if (r->community_id[0])
        set_string(v, r->community_id);
}

GETTER(get_start)
{
    (void)ctx;
    set_time(v, r->first_ts);
}

GETTER(get_end)
{
    (void)ctx;
    set_time(v, r->last_ts);
}

GETTER(get_duration)
{
    (void)ctx;
    set_seconds(v, r->last_ts - r->first_ts);
}

GETTER(get_ip_version)
{
    (void)ctx;
    set_uint(v, r->key.ip_version);
}

GETTER(get_proto)
{
    (void)ctx;
    set_uint(v, r->key.proto);
}

GETTER(get_src_ip)
{
    (void)ctx;
    set_ip(v, r, fc_record_src_addr(r));
}

GETTER(get_dst_ip)
{
    (void)ctx;
    set_ip(v, r, fc_record_dst_addr(r));
}

GETTER(get_src_port)
{
    (void)ctx;
    if (r->key.has_ports)
        set_uint(v, fc_record_src_port(r));
}

GETTER(get_dst_port)
{
    (void)ctx;
    if (r->key.has_ports)
        set_uint(v, fc_record_dst_port(r));
}

GETTER(get_vlan)
{
    (void)ctx;
    if (r->key.vlan_count >= 1)
        set_uint(v, r->key.vlan[0]);
}

GETTER(get_inner_vlan)
{
    (void)ctx;
    if (r->key.vlan_count >= 2)
        set_uint(v, r->key.vlan[1]);
}

/* Per-direction counters: src is dir[0], dst is dir[1]. */
#define DIR_UINT(fn, d, member)                                                                \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        (void)ctx;                                                                             \
        set_uint(v, r->dir[d].member);                                                         \
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
        (void)ctx;                                                                             \
        if (r->dir[d].packets)                                                                 \
            set_uint(v, r->dir[d].member);                                                     \
    }
DIR_SEEN_UINT(get_src_ttl_min, 0, ttl_min)
DIR_SEEN_UINT(get_src_ttl_max, 0, ttl_max)
DIR_SEEN_UINT(get_dst_ttl_min, 1, ttl_min)
DIR_SEEN_UINT(get_dst_ttl_max, 1, ttl_max)

#define DIR_FLAGS(fn, d, member)                                                               \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        (void)ctx;                                                                             \
        if (is_tcp(r) && r->dir[d].packets)                                                    \
            set_tcp_flags(v, r->dir[d].member);                                                \
    }
DIR_FLAGS(get_src_tcp_flags, 0, tcp_flags)
DIR_FLAGS(get_dst_tcp_flags, 1, tcp_flags)
DIR_FLAGS(get_tcp_src_first_flags, 0, first_tcp_flags)
DIR_FLAGS(get_tcp_dst_first_flags, 1, first_tcp_flags)

/* Handshake values, from this side's SYN or SYN-ACK when it was seen. */
#define DIR_SYN_UINT(fn, d, member, has)                                                       \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        (void)ctx;                                                                             \
        if (r->dir[d].has_syn && (has))                                                        \
            set_uint(v, r->dir[d].member);                                                     \
    }
DIR_SYN_UINT(get_tcp_src_syn_size, 0, syn_size, true)
DIR_SYN_UINT(get_tcp_dst_syn_size, 1, syn_size, true)
DIR_SYN_UINT(get_tcp_src_mss, 0, mss, r->dir[0].has_mss)
DIR_SYN_UINT(get_tcp_dst_mss, 1, mss, r->dir[1].has_mss)
DIR_SYN_UINT(get_tcp_src_wscale, 0, wscale, r->dir[0].has_wscale)
DIR_SYN_UINT(get_tcp_dst_wscale, 1, wscale, r->dir[1].has_wscale)
DIR_SYN_UINT(get_tcp_src_init_window, 0, init_window, true)
DIR_SYN_UINT(get_tcp_dst_init_window, 1, init_window, true)

#define DIR_SACK(fn, d)                                                                        \
    GETTER(fn)                                                                                 \
    {                                                                                          \
        (void)ctx;                                                                             \
        if (r->dir[d].has_syn) {                                                               \
            v->kind = FC_VALUE_BOOL;                                                           \
            v->b = r->dir[d].sack_ok;                                                          \
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
    (void)ctx;
    side_mac(v, r, 0);
}

GETTER(get_dst_mac)
{
    (void)ctx;
    side_mac(v, r, 1);
}

GETTER(get_initiator)
{
    (void)ctx;
    static const char *const names[] = {
        [FC_INITIATOR_SYN] = "syn",
        [FC_INITIATOR_SYNACK] = "synack",
        [FC_INITIATOR_FIRST_PACKET] = "first_packet",
    };
    set_string(v, names[r->initiator]);
}

GETTER(get_end_reason)
{
    (void)ctx;
    static const char *const names[] = {
        [FC_END_IDLE] = "idle", [FC_END_ACTIVE] = "active", [FC_END_FIN] = "fin",
        [FC_END_RST] = "rst",   [FC_END_EOF] = "eof",       [FC_END_EVICTED] = "evicted",
    };
    set_string(v, names[r->end_reason]);
}

/* The evidence file and archive member a packet came from. */
static const struct fc_capture_info *capture_of(const struct fc_field_ctx *ctx,
                                                const struct fc_provenance *where)
{
    return ctx->captures->items[where->input];
}

GETTER(get_first_file)
{
    set_string(v, capture_of(ctx, &r->first)->input->path);
}

GETTER(get_first_member)
{
    const char *member = capture_of(ctx, &r->first)->member;
    if (member)
        set_string(v, member);
}

GETTER(get_first_number)
{
    (void)ctx;
    set_uint(v, r->first.number);
}

GETTER(get_last_file)
{
    set_string(v, capture_of(ctx, &r->last)->input->path);
}

GETTER(get_last_member)
{
    const char *member = capture_of(ctx, &r->last)->member;
    if (member)
        set_string(v, member);
}

GETTER(get_last_number)
{
    (void)ctx;
    set_uint(v, r->last.number);
}

GETTER(get_tcp_rtt_client)
{
    (void)ctx;
    set_seconds(v, r->rtt_client);
}

GETTER(get_tcp_rtt_server)
{
    (void)ctx;
    set_seconds(v, r->rtt_server);
}

const struct fc_field fc_fields[] = {
#define FC_FIELD(name, group, getter) { name, FC_GROUP_##group, getter },
#include "formats/fields.def"
#undef FC_FIELD
};

const size_t fc_field_count = sizeof fc_fields / sizeof fc_fields[0];

const char *fc_group_name(enum fc_field_group g)
{
    static const char *const names[] = {
        [FC_GROUP_NONE] = NULL,
        [FC_GROUP_FIRST_PACKET] = "first_packet",
        [FC_GROUP_LAST_PACKET] = "last_packet",
        [FC_GROUP_TCP] = "tcp",
    };
    return names[g];
}

bool fc_group_present(enum fc_field_group g, const struct fc_flow_record *r)
{
    return g != FC_GROUP_TCP || is_tcp(r);
}

void fc_field_column(const struct fc_field *f, char *out, size_t size)
{
    const char *group = fc_group_name(f->group);
    if (group)
        snprintf(out, size, "%s.%s", group, f->name);
    else
        snprintf(out, size, "%s", f->name);
}
