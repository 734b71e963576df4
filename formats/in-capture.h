/*
 * Capture input: reads one capture stream (a file, or an archive member,
 * already decompressed), recognises its format by content (never by name)
 * and yields its packets with their provenance. Problems are reported
 * through fc_diag and end the stream, never the run.
 */
#ifndef FC_IN_CAPTURE_H
#define FC_IN_CAPTURE_H

#include "core/packet.h"
#include "formats/diag.h"
#include "formats/stream.h"

struct fc_capture;

/* Starts reading a capture from `read`/`ctx`. Returns NULL when the bytes
 * are not a pcap or pcapng capture (reported at `not_capture`, and
 * info->skipped set) or cannot be read (reported as an error). */
struct fc_capture *fc_capture_open(fc_source_read read, void *ctx, struct fc_capture_info *info,
                                   uint32_t input_index, enum fc_diag_level not_capture,
                                   struct fc_diag *diag);

/* Fills p with the next packet: returns true, or false at the end of the
 * stream (clean, or after an error that has been reported). p->data stays
 * valid until the next call. */
bool fc_capture_next(struct fc_capture *c, struct fc_packet *p);

/* Bytes of the stream consumed so far. */
uint64_t fc_capture_position(const struct fc_capture *c);

void fc_capture_close(struct fc_capture *c);

#endif
