/*
 * DHCPv4 (RFC 2131) and DHCPv6 (RFC 8415) over UDP: every datagram of the
 * flow is one message (core/dhcp-msg.h), reported as one item of the
 * record's `dhcp` section (core/dhcp-info.h), in the order they came.
 *
 * Two dissectors share the code: "dhcp" and "dhcpv6", the flow's app, as
 * Wireshark, nDPI and Arkime name them. DHCPv4 is recognised by its
 * content alone: a BOOTP op (1 or 2) and the magic cookie 99.130.83.99
 * right after the 236-byte header (RFC 2131 3), on any port. DHCPv6 has no
 * magic number, and almost any datagram starts with a plausible message
 * type, so it needs both a hint and a clean parse: one of the ports is 546
 * or 547 (RFC 8415 7.2), and the datagram reads as a message of an
 * assigned type, without a fault or a bad option.
 *
 * A DHCPv4 exchange usually spans several flows: the client sends from
 * 0.0.0.0:68 to 255.255.255.255:67 while it has no address, and the
 * server answers from its own address to the offered address or to the
 * broadcast address. Each flow reports its own messages; nothing pairs
 * them across flows (the transaction id in each item lets a reader do
 * it). Conversely, the broadcast flow of a busy network carries the
 * messages of many clients: at most FC_DHCP_MAX_MESSAGES are kept per
 * record, the rest counted.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/dhcp-info.h"
#include "core/dhcp-msg.h"
#include "core/dissect.h"
#include "core/limits.h"

struct dhcp_state {
    struct fc_dhcp_item *items; /* the messages not reported yet */
    uint32_t count;
    uint32_t cap;
};

#define DHCP4_HEADER 236 /* op .. file (RFC 2131 2) */
#define DHCP4_COOKIE 0x63825363u
#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

static enum fc_probe dhcp4_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    struct fc_cursor c = fc_cursor_make(p, len);
    uint8_t op = fc_get_u8(&c);
    fc_cursor_skip(&c, DHCP4_HEADER - 1);
    uint32_t cookie = fc_get_be32(&c);
    bool op_ok = op == FC_DHCP4_BOOTREQUEST || op == FC_DHCP4_BOOTREPLY;
    return !c.short_read && op_ok && cookie == DHCP4_COOKIE ? FC_PROBE_YES : FC_PROBE_NO;
}

static bool dhcp6_port(uint16_t port)
{
    return port == DHCP6_CLIENT_PORT || port == DHCP6_SERVER_PORT;
}

static enum fc_probe dhcp6_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    if (!dhcp6_port(pc->client_port) && !dhcp6_port(pc->server_port))
        return FC_PROBE_NO;
    struct fc_dhcp6 m;
    bool clean = fc_dhcp6_parse(p, len, &m) == FC_DHCP_OK && m.bad_options == 0 &&
                 fc_dhcp6_type_name(m.msg_type) != NULL;
    return clean ? FC_PROBE_YES : FC_PROBE_NO;
}

/* Room for one more message of this record; NULL at the cap or out of
 * memory (counted). */
static struct fc_dhcp_item *new_item(struct dhcp_state *st, const struct fc_l7_ctx *ctx)
{
    if (st->count == FC_DHCP_MAX_MESSAGES) {
        fc_count(ctx->cnt, FC_CNT_DHCP_DROPPED);
        return NULL;
    }
    if (st->count == st->cap) {
        uint32_t cap = st->cap ? st->cap * 2 : 4;
        struct fc_dhcp_item *items = realloc(st->items, cap * sizeof *items);
        if (!items) {
            fc_count(ctx->cnt, FC_CNT_DHCP_DROPPED);
            return NULL;
        }
        st->items = items;
        st->cap = cap;
    }
    struct fc_dhcp_item *it = &st->items[st->count];
    memset(it, 0, sizeof *it);
    return it;
}

/* A datagram was parsed: counted, and room made for it when its fixed
 * part was read (`read`); NULL when it is not reported. */
static struct fc_dhcp_item *message_read(struct dhcp_state *st, const struct fc_l7_ctx *ctx,
                                         enum fc_dhcp_status status, bool read,
                                         enum fc_counter_id which)
{
    if (status != FC_DHCP_OK)
        fc_count(ctx->cnt, FC_CNT_DHCP_BAD);
    if (!read)
        return NULL;
    fc_count(ctx->cnt, which);
    return new_item(st, ctx);
}

/* The item made room for is filled (`filled`), or dropped. */
static void keep(struct dhcp_state *st, const struct fc_l7_ctx *ctx, bool filled)
{
    if (filled)
        st->count++;
    else
        fc_count(ctx->cnt, FC_CNT_DHCP_DROPPED);
}

/* A message is reported when its fixed part was read, whatever came after
 * (a cut datagram still names its type and the options before the cut). */
static void dhcp4_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                       size_t len)
{
    (void)dir;
    struct fc_dhcp4 m;
    enum fc_dhcp_status status = fc_dhcp4_parse(p, len, &m);
    struct fc_dhcp_item *it = message_read(state, ctx, status, len >= DHCP4_HEADER + 4,
                                           FC_CNT_DHCP_V4_MESSAGES);
    if (it)
        keep(state, ctx, fc_dhcp_item_from4(it, &m, ctx->ts));
}

static void dhcp6_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                       size_t len)
{
    (void)dir;
    struct fc_dhcp6 m;
    enum fc_dhcp_status status = fc_dhcp6_parse(p, len, &m);
    /* msg_type 0: a relay header that did not unwrap. */
    struct fc_dhcp_item *it =
        message_read(state, ctx, status, m.msg_type != 0, FC_CNT_DHCP_V6_MESSAGES);
    if (it)
        keep(state, ctx, fc_dhcp_item_from6(it, &m, ctx->ts));
}

/* Each record reports the messages that came since the previous one. */
static void dhcp_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                      bool last)
{
    (void)ctx;
    (void)last;
    struct dhcp_state *st = state;
    r->l7[FC_SECTION_DHCP] = (struct fc_l7_items){ true, st->count, st->items };
}

static void dhcp_exported(void *state)
{
    struct dhcp_state *st = state;
    for (uint32_t i = 0; i < st->count; i++)
        fc_dhcp_item_free(&st->items[i]);
    st->count = 0;
}

static void dhcp_release(void *state)
{
    struct dhcp_state *st = state;
    dhcp_exported(st);
    free(st->items);
    st->items = NULL;
    st->cap = 0;
}

const struct fc_dissector fc_dissector_dhcp = {
    .name = "dhcp",
    .proto = FC_PROTO_UDP,
    .probe = dhcp4_probe,
    .state_size = sizeof(struct dhcp_state),
    .data = dhcp4_data,
    .emit = dhcp_emit,
    .exported = dhcp_exported,
    .release = dhcp_release,
};

const struct fc_dissector fc_dissector_dhcpv6 = {
    .name = "dhcpv6",
    .proto = FC_PROTO_UDP,
    .probe = dhcp6_probe,
    .state_size = sizeof(struct dhcp_state),
    .data = dhcp6_data,
    .emit = dhcp_emit,
    .exported = dhcp_exported,
    .release = dhcp_release,
};
