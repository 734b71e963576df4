/*
 * The link types flowcase decodes: one row each in linktypes.c with the
 * LINKTYPE_ value found in capture files, the libpcap DLT_ value used to
 * compile BPF filters and to name it, and the decoder.
 */
#ifndef FC_LINKTYPES_H
#define FC_LINKTYPES_H

#include <stdint.h>

#include "core/decode.h"

struct fc_linktype {
    uint32_t linktype; /* LINKTYPE_ value as stored in pcap/pcapng */
    int dlt;           /* libpcap DLT_ value (they differ for RAW) */
    fc_link_decoder decode;
};

/* NULL for a link type flowcase does not decode. */
const struct fc_linktype *fc_linktype_find(uint32_t linktype);

/* The DLT_ value libpcap knows this link type by (the value itself for
 * link types without a decoder). */
int fc_linktype_dlt(uint32_t linktype);

/* libpcap's name ("EN10MB", "LINUX_SLL2" ...) or "LINKTYPE_<n>"; the
 * buffer is used only when libpcap has no name. */
const char *fc_linktype_name(uint32_t linktype, char *buf, unsigned size);

#endif
