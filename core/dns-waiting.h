/*
 * The DNS queries of a flow still waiting for their response, by
 * transaction id, so that pairing a response costs a few steps whatever
 * the number of queries waiting (a flow flooded with unanswered queries
 * would otherwise make each response scan them all). Queries are named by
 * their absolute number in the flow (the dissector's array index plus the
 * transactions already reported).
 *
 * At most FC_DNS_WAITING_PER_ID queries wait per id; an older one beyond
 * that is forgotten (it stays unanswered). Ids are never removed, so the
 * table grows with the distinct ids seen, at most 65,536.
 */
#ifndef FC_CORE_DNS_WAITING_H
#define FC_CORE_DNS_WAITING_H

#include <stdbool.h>
#include <stdint.h>

#define FC_DNS_WAITING_PER_ID 16u

struct fc_dns_waiting_slot;

struct fc_dns_waiting {
    struct fc_dns_waiting_slot *slots; /* open addressing by id, NULL until the first query */
    uint32_t cap;  /* a power of two */
    uint32_t used; /* ids present */
};

enum fc_dns_waiting_add {
    FC_DNS_WAITING_ADDED,
    FC_DNS_WAITING_FORGOT_OLDEST, /* added; the id's oldest waiting query forgotten */
    FC_DNS_WAITING_NO_MEMORY,
};

enum fc_dns_waiting_add fc_dns_waiting_add(struct fc_dns_waiting *w, uint16_t id, uint64_t n);

/* The oldest waiting query of id for which match(arg, n) is true, removed
 * from the table; UINT64_MAX when none. Queries numbered below `first`
 * (already reported) are forgotten on the way. */
uint64_t fc_dns_waiting_take(struct fc_dns_waiting *w, uint16_t id, uint64_t first,
                             bool (*match)(void *arg, uint64_t n), void *arg);

void fc_dns_waiting_free(struct fc_dns_waiting *w);

#endif
