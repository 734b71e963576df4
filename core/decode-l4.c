/*
 * Transport dispatch: after the IP layer, find the ports (or the ICMP
 * type/code mapping) and the TCP header. A packet cut short here still
 * belongs to a flow; what is missing is counted, and a packet without
 * ports falls into a flow keyed on addresses and protocol.
 */
#include "core/decode.h"
#include "core/decode-l4.h"

void fc_decode_transport(struct fc_counters *cnt, struct fc_packet *p)
{
    struct fc_pkt_ip *ip = &p->ip;
    if (ip->fragment && ip->frag_offset != 0) {
        /* No transport header here: its bytes are fragment data. The flow
         * tracker finds the ports from the first fragment. */
        p->l4.payload_len = ip->l4_len;
        return;
    }
    uint32_t captured = fc_captured_from(p, ip->l4_off);
    struct fc_cursor c = fc_cursor_make(p->data + ip->l4_off,
                                        captured < ip->l4_len ? captured : ip->l4_len);
    switch (ip->proto) {
    case FC_PROTO_TCP:
        fc_decode_tcp(cnt, p, &c);
        break;
    case FC_PROTO_UDP:
        fc_decode_udp(cnt, p, &c);
        break;
    case FC_PROTO_SCTP:
        fc_decode_sctp(cnt, p, &c);
        break;
    case FC_PROTO_ICMP:
    case FC_PROTO_ICMP6:
        fc_decode_icmp(cnt, p, &c);
        break;
    default:
        p->l4.payload_len = ip->l4_len;
        break;
    }
}
