/*
 * Capture input: opens one input, recognises its format by content (never
 * by name) and yields its packets with their provenance. Problems are
 * reported through fc_diag and end the input, never the run.
 */
#ifndef FC_IN_CAPTURE_H
#define FC_IN_CAPTURE_H

#include "core/packet.h"
#include "formats/diag.h"

struct fc_capture;

/* Opens info->path (and fills info->size and info->format). Returns NULL
 * when the input cannot be read at all; the reason has been reported. */
struct fc_capture *fc_capture_open(struct fc_input_info *info, uint32_t input_index,
                                   struct fc_diag *diag);

/* Fills p with the next packet: returns true, or false at the end of the
 * input (clean, or after an error that has been reported). p->data stays
 * valid until the next call. */
bool fc_capture_next(struct fc_capture *c, struct fc_packet *p);

/* Bytes of the input consumed so far (for progress). */
uint64_t fc_capture_position(const struct fc_capture *c);

void fc_capture_close(struct fc_capture *c);

#endif
