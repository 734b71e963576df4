/*
 * The L7 dissector interface. Each protocol is one file, core/dissect-<p>.c,
 * exporting one `const struct fc_dissector`, listed once in
 * core/dissect-registry.c (detection order). A dissector is chosen by the
 * content of a connection's first bytes, never by its port.
 *
 * A TCP dissector receives each direction's reassembled bytes in order
 * (core/reasm-tcp.h) and is told of holes; a UDP dissector receives each
 * datagram's payload as it was captured (cut short by the snap length
 * when it was). A dissector reads bytes only through core/cursor.h, keeps
 * its state in the block the L7 layer allocates (state_size bytes, zeroed)
 * and releases what that state points to.
 */
#ifndef FC_CORE_DISSECT_H
#define FC_CORE_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/flow.h"

/* A dissector's verdict on the first bytes of one direction. */
enum fc_probe {
    FC_PROBE_NO,   /* not this protocol */
    FC_PROBE_MORE, /* cannot tell yet: show me more bytes */
    FC_PROBE_YES,
};

/* What a probe knows besides the bytes: the direction (0 is the flow's
 * initiator) and the ports, as a hint that can make a weak content match
 * acceptable (nDPI and Suricata do the same); content always decides. */
struct fc_probe_ctx {
    unsigned dir;
    uint16_t client_port; /* the initiator's */
    uint16_t server_port;
};

/* What a dissector knows of the moment it is called. */
struct fc_ua_db;

struct fc_l7_ctx {
    struct fc_counters *cnt;
    struct fc_ua_db *ua; /* user-agent analysis, NULL when off */
    fc_time ts; /* time of the packet that carried (or completed) the bytes */
};

struct fc_dissector {
    const char *name; /* the flow's `app` value (NULL: none, as for ICMP) */
    uint8_t proto;    /* FC_PROTO_TCP or FC_PROTO_UDP */
    /* TCP: the bytes are the start of the direction's stream (MORE asks
     * for more); UDP: one datagram's payload (MORE counts as NO). */
    enum fc_probe (*probe)(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len);
    size_t state_size;
    void (*init)(void *state); /* optional; the state is zeroed before */
    void (*data)(void *state, const struct fc_l7_ctx *ctx, unsigned dir, const uint8_t *p,
                 size_t len);
    /* TCP only: a hole of len bytes (0: unknown) in the direction's stream. */
    void (*gap)(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len);
    /* Optional: true once the dissector wants no more bytes; the
     * connection is then no longer followed (its state stays for emit). */
    bool (*finished)(void *state);
    /* The flow's current record is exported: fill its L7 part. `last` when
     * the flow ends (pending work is closed and reported). */
    void (*emit)(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r, bool last);
    /* After the record was written: forget what it reported. */
    void (*exported)(void *state);
    void (*release)(void *state); /* optional */
};

extern const struct fc_dissector *const fc_dissectors[];
extern const unsigned fc_dissector_count;

#endif
