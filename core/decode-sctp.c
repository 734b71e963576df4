/*
 * SCTP common header (RFC 9260): the ports are all a flow key needs.
 *
 *   | source port | destination port | verification tag | checksum |
 */
#include "core/decode-l4.h"

#define SCTP_COMMON_HEADER_LEN 12u

void fc_decode_sctp(struct fc_counters *cnt, struct fc_packet *p, struct fc_cursor *c)
{
    struct fc_pkt_l4 *l4 = &p->l4;
    if (!fc_read_ports(cnt, p, c, FC_CNT_SCTP_TOO_SHORT))
        return;
    l4->payload_len = fc_payload_after(p, SCTP_COMMON_HEADER_LEN);
}
