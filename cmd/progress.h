/* Progress on stderr while converting, only when stderr is a terminal. */
#ifndef FC_PROGRESS_H
#define FC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct fc_progress {
    bool enabled;
    uint64_t total_bytes;
    uint64_t packets;
    struct timespec start;
    struct timespec last;
    bool drawn;
};

void fc_progress_start(struct fc_progress *p, bool enabled, uint64_t total_bytes);
/* Cheap to call often: redraws at most twice a second. */
/* position: bytes of all inputs read so far. */
void fc_progress_update(struct fc_progress *p, uint64_t position, uint64_t packets);
void fc_progress_end(struct fc_progress *p);

#endif
