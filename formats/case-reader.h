/*
 * A case: every input named on the command line (directories walked
 * recursively), read as one stream of packets in packet-time order. Each
 * file is first probed for its first packet time; files are opened only
 * when the merge reaches that time, so a directory of a thousand rotated
 * captures holds one or two open at a time, while captures whose times
 * overlap (two taps) are read side by side and interleaved packet by
 * packet (a k-way merge). The order never depends on how the inputs were
 * named: ties go to the file whose path sorts first.
 */
#ifndef FC_CASE_READER_H
#define FC_CASE_READER_H

#include "core/packet.h"
#include "formats/diag.h"

/* The capture streams opened so far, by provenance index (fc_provenance.input). */
struct fc_capture_table {
    struct fc_capture_info **items;
    size_t n;
};

struct fc_case;

/* Expands and probes the inputs. NULL only when out of memory. */
struct fc_case *fc_case_open(char *const *paths, size_t npaths, struct fc_diag *diag);

/* The next packet in time order; false when every input is read. p->data
 * stays valid until the next call. */
bool fc_case_next(struct fc_case *k, struct fc_packet *p);

/* The evidence files, in the order they were named (directories expanded
 * in name order). */
size_t fc_case_ninputs(const struct fc_case *k);
struct fc_input_info *fc_case_input(struct fc_case *k, size_t i);

const struct fc_capture_table *fc_case_captures(const struct fc_case *k);

/* Where capture stream c (a provenance index) is: its input (in the order
 * named) and its place among that input's capture infos. */
void fc_case_capture_place(struct fc_case *k, uint32_t c, size_t *input, size_t *position);

/* Bytes of all inputs, and bytes read so far (for progress). */
uint64_t fc_case_total_bytes(const struct fc_case *k);
uint64_t fc_case_position(const struct fc_case *k);

/* Finishes every input (reading and hashing what was not read) and frees
 * the reader; the input infos stay valid until fc_case_free(). */
void fc_case_finish(struct fc_case *k);
void fc_case_free(struct fc_case *k);

#endif
