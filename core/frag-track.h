/*
 * Fragment tracking: gives non-first IP fragments the ports of their
 * datagram's first fragment, so every fragment counts in the right flow.
 * It does not rebuild datagrams (IP reassembly is a later stage that will
 * replace this one); it only remembers, per datagram, the transport key.
 * Non-first fragments that arrive before their first fragment wait for it,
 * bounded in number and in packet time.
 */
#ifndef FC_FRAG_TRACK_H
#define FC_FRAG_TRACK_H

#include "core/counters.h"
#include "core/packet.h"

struct fc_frag_tracker;

/* Called for each packet ready for the flow table. */
typedef void (*fc_frag_emit)(void *arg, struct fc_packet *p);

struct fc_frag_tracker *fc_frag_tracker_create(struct fc_counters *cnt, fc_frag_emit emit,
                                               void *emit_arg);
void fc_frag_tracker_destroy(struct fc_frag_tracker *t);

/* Takes a decoded fragment: emits it (with ports filled in when known),
 * or holds it until its first fragment comes, then emits both. */
void fc_frag_tracker_packet(struct fc_frag_tracker *t, struct fc_packet *p);

/* Forgets datagrams idle longer than the fragment timeout at packet time
 * `now`, emitting their held fragments without ports. */
void fc_frag_tracker_advance(struct fc_frag_tracker *t, fc_time now);

/* End of input: emits every held fragment without ports. */
void fc_frag_tracker_flush(struct fc_frag_tracker *t);

#endif
