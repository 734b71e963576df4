/*
 * Reads chosen packets back out of an evidence file, by the stream offsets
 * the flow index gave: the extractor's reading side.
 *
 * An uncompressed capture file is read only where the wanted records are
 * (pread, after the blocks that give them meaning: the pcap file header,
 * or the pcapng section headers and interface descriptions the index
 * lists). Compressed files and archive members cannot be entered in the
 * middle: they are decompressed from their start, but only up to the last
 * wanted packet, the bytes in between are dropped without being parsed,
 * and members that hold no wanted packet are passed over unread.
 */
#ifndef FC_PACKET_FETCH_H
#define FC_PACKET_FETCH_H

#include "formats/diag.h"
#include "formats/in-capture.h"

/* One capture stream of the file, and the packets wanted from it. */
struct fc_fetch_capture {
    uint32_t position;       /* among the file's capture streams (manifest order) */
    uint32_t index;          /* its provenance index in the conversion */
    const uint64_t *contexts; /* pcapng section and interface blocks, ascending */
    uint32_t ncontexts;
    bool contexts_complete;  /* false: read the stream through instead */
    const uint64_t *offsets; /* wanted packets' record offsets, ascending, distinct */
    const uint64_t *numbers; /* their packet numbers in the stream */
    size_t noffsets;
};

/* Receives each wanted packet, in offset order: which of the capture's
 * offsets it is, the packet, its interface and its timestamp as stored.
 * Returns 0 to go on, -1 to stop. */
typedef int (*fc_fetch_packet)(void *arg, const struct fc_fetch_capture *fc, size_t which,
                               const struct fc_packet *p, const struct fc_capture_iface *iface,
                               uint64_t ts_units);

/* Reads the wanted packets of the given captures (ascending positions) of
 * the file `path`; `plain` when the file is itself one uncompressed
 * capture. Returns 0 when every wanted packet was found and given, -1
 * otherwise, with the reason in err (and in diag's output). */
int fc_fetch_file(const char *path, bool plain, const struct fc_fetch_capture *captures,
                  size_t ncaptures, fc_fetch_packet fn, void *arg, struct fc_diag *diag,
                  char *err, size_t errlen);

#endif
