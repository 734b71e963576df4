/* Link type table: see linktypes.h. Values from the tcpdump.org
 * LINKTYPE_ registry and libpcap's pcap-common.c. */
#include "core/linktypes.h"

#include <pcap/pcap.h>
#include <stdio.h>

static enum fc_verdict decode_ipv4_link(struct fc_counters *cnt, struct fc_packet *p,
                                        uint32_t off, unsigned depth)
{
    return fc_decode_ipv4(cnt, p, off, depth);
}

static enum fc_verdict decode_ipv6_link(struct fc_counters *cnt, struct fc_packet *p,
                                        uint32_t off, unsigned depth)
{
    return fc_decode_ipv6(cnt, p, off, depth);
}

static const struct fc_linktype linktypes[] = {
    { 0, DLT_NULL, fc_decode_null },          /* BSD loopback, host byte order */
    { 1, DLT_EN10MB, fc_decode_ether },       /* Ethernet */
    { 9, DLT_PPP, fc_decode_ppp },            /* PPP */
    { 12, DLT_RAW, fc_decode_raw },           /* DLT_RAW as most systems number it */
    { 14, DLT_RAW, fc_decode_raw },           /* DLT_RAW as OpenBSD numbers it */
    { 50, DLT_PPP_SERIAL, fc_decode_ppp },    /* PPP in HDLC-like or Cisco HDLC framing */
    { 101, DLT_RAW, fc_decode_raw },          /* LINKTYPE_RAW */
    { 108, DLT_LOOP, fc_decode_null },        /* OpenBSD loopback, network byte order */
    { 113, DLT_LINUX_SLL, fc_decode_sll },    /* Linux cooked capture v1 */
    { 228, DLT_IPV4, decode_ipv4_link },      /* raw IPv4 */
    { 229, DLT_IPV6, decode_ipv6_link },      /* raw IPv6 */
    { 276, DLT_LINUX_SLL2, fc_decode_sll2 },  /* Linux cooked capture v2 */
};

const struct fc_linktype *fc_linktype_find(uint32_t linktype)
{
    for (size_t i = 0; i < sizeof linktypes / sizeof *linktypes; i++) {
        if (linktypes[i].linktype == linktype)
            return &linktypes[i];
    }
    return NULL;
}

int fc_linktype_dlt(uint32_t linktype)
{
    const struct fc_linktype *lt = fc_linktype_find(linktype);
    return lt ? lt->dlt : (int)linktype;
}

const char *fc_linktype_name(uint32_t linktype, char *buf, unsigned size)
{
    const char *name = linktype <= 0xffff ? pcap_datalink_val_to_name(fc_linktype_dlt(linktype))
                                          : NULL;
    if (name)
        return name;
    snprintf(buf, size, "LINKTYPE_%u", linktype);
    return buf;
}
