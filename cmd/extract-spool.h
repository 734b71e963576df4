/*
 * The extractor's packets between reading and writing: fetched input by
 * input, they wait in a temporary file (a flow can be gigabytes) with a
 * small record each, until all are read and checked, so that a failure
 * leaves no partial output; then they are written in packet-time order
 * (each capture stream's packets in their stored order, the streams
 * merged by time, as mergecap and convert merge them) through
 * formats/out-capture, with one interface per original one.
 */
#ifndef FC_EXTRACT_SPOOL_H
#define FC_EXTRACT_SPOOL_H

#include <stdio.h>

#include "formats/in-capture.h"
#include "formats/out-capture.h"

struct fc_spool;

/* NULL with a message in err. The temporary file goes in dir. */
struct fc_spool *fc_spool_open(const char *dir, char *err, size_t errlen);
void fc_spool_free(struct fc_spool *sp);

/* Adds one packet of capture stream `capture`. The interface is known by
 * (capture, section, id); `describe` names it in the output the first
 * time it is met. comment: NULL, or the packet's pcapng comment. */
int fc_spool_add(struct fc_spool *sp, uint32_t capture, const struct fc_capture_iface *iface,
                 uint32_t id, const char *describe, const struct fc_packet *p,
                 uint64_t ts_units, const char *comment);

uint64_t fc_spool_packets(const struct fc_spool *sp);

/* Writes every packet to out as pcap or pcapng (fc_out_capture_choose, or
 * pcapng when asked); 0, or -1 (errno). *format tells which was written. */
int fc_spool_write(struct fc_spool *sp, FILE *out, bool pcapng, enum fc_out_format *format);

#endif
