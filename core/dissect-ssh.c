/*
 * SSH over TCP: each side's banner and clear-text packets up to its
 * NEWKEYS (core/ssh-kex.h). The KEXINITs give HASSH, HASSHServer and, the
 * two together, the negotiated algorithms; the server's key exchange
 * reply gives the host key's fingerprint. Then the connection is no
 * longer followed: the rest is encrypted.
 *
 * The initiator (direction 0) is taken as the client: the flow table
 * orients flows by their SYN, or by ports when the SYN was not captured.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dissect.h"
#include "core/ssh-info.h"

struct ssh_state {
    struct fc_ssh_side side[2];
    struct fc_ssh_info info;
    uint8_t *kexinit[2]; /* each side's KEXINIT payload, until both are read */
    uint32_t kexinit_len[2];
    bool negotiated;
    bool reported; /* the info went out in an earlier record */
};

static enum fc_probe ssh_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    (void)pc;
    size_t have = len < 4 ? len : 4;
    if (memcmp(p, "SSH-", have) != 0)
        return FC_PROBE_NO;
    return len < 4 ? FC_PROBE_MORE : FC_PROBE_YES;
}

static void ssh_init(void *state)
{
    struct ssh_state *st = state;
    for (unsigned dir = 0; dir < 2; dir++)
        fc_ssh_side_init(&st->side[dir]);
}

/* Both KEXINITs are read: the algorithms the two agree on. */
static void negotiate(struct ssh_state *st)
{
    struct fc_ssh_kexinit c, s;
    if (!fc_ssh_kexinit_parse(st->kexinit[0], st->kexinit_len[0], &c) ||
        !fc_ssh_kexinit_parse(st->kexinit[1], st->kexinit_len[1], &s))
        return;
    struct fc_ssh_info *info = &st->info;
    fc_ssh_negotiate(c.lists[FC_SSH_KEX], s.lists[FC_SSH_KEX], info->kex_alg);
    fc_ssh_negotiate(c.lists[FC_SSH_HOST_KEY], s.lists[FC_SSH_HOST_KEY], info->host_key_alg);
    fc_ssh_negotiate(c.lists[FC_SSH_ENC_C2S], s.lists[FC_SSH_ENC_C2S], info->cipher_alg);
    fc_ssh_negotiate(c.lists[FC_SSH_MAC_C2S], s.lists[FC_SSH_MAC_C2S], info->mac_alg);
    fc_ssh_negotiate(c.lists[FC_SSH_COMP_C2S], s.lists[FC_SSH_COMP_C2S], info->compression_alg);
    st->negotiated = true;
}

static void drop_kexinits(struct ssh_state *st)
{
    for (unsigned dir = 0; dir < 2; dir++) {
        free(st->kexinit[dir]);
        st->kexinit[dir] = NULL;
    }
}

static void kexinit(struct ssh_state *st, const struct fc_l7_ctx *ctx, unsigned dir,
                    const uint8_t *payload, size_t len)
{
    struct fc_ssh_kexinit k;
    char *hassh = dir ? st->info.hassh_server : st->info.hassh;
    if (hassh[0] || !fc_ssh_kexinit_parse(payload, len, &k)) {
        fc_count(ctx->cnt, FC_CNT_SSH_BAD_KEXINIT);
        return;
    }
    fc_count(ctx->cnt, FC_CNT_SSH_KEXINITS);
    fc_ssh_hassh(&k, dir == 1, hassh);
    if (!(st->kexinit[dir] = malloc(len)))
        return;
    memcpy(st->kexinit[dir], payload, len);
    st->kexinit_len[dir] = (uint32_t)len;
    if (st->kexinit[!dir]) {
        negotiate(st);
        drop_kexinits(st);
    }
}

struct packet_arg {
    struct ssh_state *st;
    const struct fc_l7_ctx *ctx;
    unsigned dir;
};

static void on_packet(void *arg, const uint8_t *payload, size_t len)
{
    struct packet_arg *a = arg;
    struct ssh_state *st = a->st;
    if (payload[0] == FC_SSH_MSG_KEXINIT) {
        kexinit(st, a->ctx, a->dir, payload, len);
        return;
    }
    /* The group exchange methods (RFC 4419) use 31 for their group and 33
     * for the reply that holds the host key. */
    bool gex = strncmp(st->info.kex_alg, "diffie-hellman-group-exchange-", 30) == 0;
    struct fc_span blob;
    if (a->dir == 1 && st->negotiated && !st->info.host_key[0] &&
        fc_ssh_host_key(payload, len, gex, &blob))
        fc_ssh_fingerprint(blob, st->info.host_key);
}

static bool speaks_2(const char *banner)
{
    return strncmp(banner, "SSH-2.", 6) == 0 || strncmp(banner, "SSH-1.99-", 9) == 0;
}

/* The protocol both banners allow (1.99 speaks 1 and 2, RFC 4253 5.1);
 * 0 when they have none in common. */
static uint8_t protocol_version(const char *client, const char *server)
{
    if (speaks_2(client) && speaks_2(server))
        return 2;
    bool one = strncmp(client, "SSH-1.", 6) == 0 && strncmp(server, "SSH-1.", 6) == 0;
    return one ? 1 : 0;
}

static void ssh_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                     size_t len)
{
    struct ssh_state *st = state;
    struct fc_ssh_side *side = &st->side[dir];
    struct packet_arg a = { st, ctx, dir };
    bool had_banner = side->banner[0];
    enum fc_ssh_side_state before = side->state;
    enum fc_ssh_side_state after = fc_ssh_side_feed(side, p, len, on_packet, &a);
    if (before != FC_SSH_SIDE_LOST && after == FC_SSH_SIDE_LOST)
        fc_count(ctx->cnt, FC_CNT_SSH_LOST);
    if (had_banner || !side->banner[0])
        return;
    memcpy(dir ? st->info.server : st->info.client, side->banner, sizeof side->banner);
    if (st->info.client[0] && st->info.server[0])
        st->info.version = protocol_version(st->info.client, st->info.server);
}

static void ssh_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    (void)len;
    struct ssh_state *st = state;
    enum fc_ssh_side_state s = st->side[dir].state;
    if (s == FC_SSH_SIDE_BANNER || s == FC_SSH_SIDE_PACKETS) {
        st->side[dir].state = FC_SSH_SIDE_LOST;
        fc_ssh_side_release(&st->side[dir]);
        fc_count(ctx->cnt, FC_CNT_SSH_LOST);
    }
}

static bool side_over(const struct fc_ssh_side *s)
{
    return s->state == FC_SSH_SIDE_DONE || s->state == FC_SSH_SIDE_LOST;
}

static bool ssh_finished(void *state)
{
    struct ssh_state *st = state;
    return side_over(&st->side[0]) && side_over(&st->side[1]);
}

/* Reported once, in the first record exported after a banner was read. */
static void ssh_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                     bool last)
{
    (void)ctx;
    (void)last;
    struct ssh_state *st = state;
    bool any = st->info.client[0] || st->info.server[0];
    r->l7[FC_SECTION_SSH] = (struct fc_l7_items){ true, any && !st->reported, &st->info };
}

static void ssh_exported(void *state)
{
    struct ssh_state *st = state;
    st->reported |= st->info.client[0] || st->info.server[0];
}

static void ssh_release(void *state)
{
    struct ssh_state *st = state;
    for (unsigned dir = 0; dir < 2; dir++)
        fc_ssh_side_release(&st->side[dir]);
    drop_kexinits(st);
}

const struct fc_dissector fc_dissector_ssh = {
    .name = "ssh",
    .proto = FC_PROTO_TCP,
    .probe = ssh_probe,
    .state_size = sizeof(struct ssh_state),
    .init = ssh_init,
    .data = ssh_data,
    .gap = ssh_gap,
    .finished = ssh_finished,
    .emit = ssh_emit,
    .exported = ssh_exported,
    .release = ssh_release,
};
