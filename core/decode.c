/* Decoding entry point: link type dispatch, and the verdict tally. */
#include "core/decode.h"

#include <string.h>

#include "core/linktypes.h"

enum fc_verdict fc_decode_packet(struct fc_counters *cnt, struct fc_packet *p)
{
    memset(&p->l2, 0, sizeof p->l2);
    memset(&p->ip, 0, sizeof p->ip);
    memset(&p->l4, 0, sizeof p->l4);
    p->tun.count = 0;
    p->tun.key = 0;
    p->frames = 1;
    p->first_ts = p->ts;
    p->first_where = p->where;
    p->frame_where = NULL;
    p->outer_of = 0;

    enum fc_verdict v;
    const struct fc_linktype *lt = fc_linktype_find(p->linktype);
    if (lt) {
        v = lt->decode(cnt, p, 0, 0);
    } else {
        fc_count(cnt, FC_CNT_LINK_UNKNOWN);
        v = FC_VERDICT_NOT_IP;
    }
    if (v == FC_VERDICT_IP)
        fc_decode_transport(cnt, p);
    return v;
}

void fc_count_verdict(struct fc_counters *cnt, enum fc_verdict v)
{
    static const enum fc_counter_id ids[] = {
        [FC_VERDICT_IP] = FC_CNT_PKT_IP,
        [FC_VERDICT_NOT_IP] = FC_CNT_PKT_NOT_IP,
        [FC_VERDICT_MALFORMED] = FC_CNT_PKT_MALFORMED,
    };
    fc_count(cnt, ids[v]);
}
