/*
 * --filter: a BPF expression in tcpdump syntax, compiled by libpcap once
 * per link type met (one capture may mix link types) and run on each
 * packet before decoding.
 */
#ifndef FC_FILTER_H
#define FC_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

struct fc_filter;

/* Checks the expression by compiling it for Ethernet; on error, writes
 * libpcap's message into err and returns NULL. */
struct fc_filter *fc_filter_create(const char *expr, char *err, size_t errlen);
void fc_filter_destroy(struct fc_filter *f);

enum fc_filter_result {
    FC_FILTER_PASS,
    FC_FILTER_DROP,
    FC_FILTER_UNUSABLE, /* the expression makes no sense for this link type */
};

enum fc_filter_result fc_filter_match(struct fc_filter *f, const struct fc_packet *p);

/* For each link type the expression could not be compiled for: libpcap's
 * message, so the run can report it once. Returns NULL past the end. */
const char *fc_filter_failure(const struct fc_filter *f, unsigned i, uint32_t *linktype);

#endif
