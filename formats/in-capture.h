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

/* An original capture interface: a pcap file's, or a pcapng IDB. */
struct fc_capture_iface {
    uint32_t linktype;
    uint32_t snaplen;
    uint8_t tsresol;  /* pcapng if_tsresol: 6 = microseconds, 9 = ns, 0x80 | n = 2^-n */
    int64_t tsoffset; /* seconds added to every timestamp (pcapng if_tsoffset) */
    uint32_t section; /* pcapng section number, from 1; 0 for pcap */
};

/* The interface of the packet fc_capture_next() or fc_capture_read_at()
 * gave last, and that packet's timestamp exactly as stored (in the
 * interface's units, before tsoffset). */
bool fc_capture_interface(const struct fc_capture *c, uint32_t id, struct fc_capture_iface *out);
uint64_t fc_capture_ts_units(const struct fc_capture *c);

/* Lets the capture seek its source (a plain file): seek(ctx, offset)
 * moves the source so that its next read returns the stream's bytes from
 * offset; 0 or -1. Without it, fc_capture_read_at can only move forward,
 * reading and dropping the bytes in between. */
void fc_capture_set_seek(struct fc_capture *c, int (*seek)(void *ctx, uint64_t offset));

/* Reads the one block or record at stream offset `offset` (one the index
 * named), packet `number` of the stream (0 for a block without a packet;
 * problems are reported with it): 1 and p filled when it is a packet, 0
 * when it is a block without a packet (a pcapng section header or
 * interface description, which the reader takes in), -1 when it cannot be
 * read there (reported). */
int fc_capture_read_at(struct fc_capture *c, uint64_t offset, uint64_t number,
                       struct fc_packet *p);

/* Bytes of the stream consumed so far. */
uint64_t fc_capture_position(const struct fc_capture *c);

void fc_capture_close(struct fc_capture *c);

#endif
