/* Transport decoders, called by fc_decode_transport() with a cursor over
 * the transport bytes both captured and within the IP length. */
#ifndef FC_DECODE_L4_H
#define FC_DECODE_L4_H

#include "core/counters.h"
#include "core/cursor.h"
#include "core/packet.h"

void fc_decode_tcp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c);
void fc_decode_udp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c);
void fc_decode_sctp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c);
void fc_decode_icmp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c);

/* Bytes after a transport header of hdr_len, by the IP length. */
static inline uint32_t fc_payload_after(const struct fc_packet *p, uint32_t hdr_len)
{
    return p->ip.l4_len > hdr_len ? p->ip.l4_len - hdr_len : 0;
}

/* Reads the two 16-bit ports that begin TCP, UDP and SCTP headers. When
 * they are cut short, counts `too_short`, charges the whole transport to
 * the payload and returns false: the packet joins an address-only flow. */
static inline bool fc_read_ports(struct fc_counters *cnt, struct fc_packet *p,
                                 struct fc_cursor *c, enum fc_counter_id too_short)
{
    p->l4.sport = fc_get_be16(c);
    p->l4.dport = fc_get_be16(c);
    if (c->short_read) {
        fc_count(cnt, too_short);
        p->l4.payload_len = p->ip.l4_len;
        return false;
    }
    p->l4.has_ports = true;
    return true;
}

#endif
