/* Progress line: bytes done of total, packets per second, time left. */
#include "cmd/progress.h"

#include <inttypes.h>
#include <stdio.h>

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void fc_progress_start(struct fc_progress *p, bool enabled, uint64_t total_bytes)
{
    *p = (struct fc_progress){ .enabled = enabled, .total_bytes = total_bytes };
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

void fc_progress_update(struct fc_progress *p, uint64_t position, uint64_t packets)
{
    if (!p->enabled)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    if (since(&p->last, &now) < 0.5)
        return;
    p->last = now;
    p->packets = packets;
    double elapsed = since(&p->start, &now);
    uint64_t done = position;
    double fraction = p->total_bytes ? (double)done / (double)p->total_bytes : 0;
    double eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    fprintf(stderr, "\r%5.1f%%  %.1f of %.1f MB  %.0f packets/s  ETA %d:%02d:%02d ",
            fraction * 100, (double)done / 1e6, (double)p->total_bytes / 1e6,
            elapsed > 0 ? (double)packets / elapsed : 0, (int)(eta / 3600),
            (int)(eta / 60) % 60, (int)eta % 60);
    p->drawn = true;
}

void fc_progress_end(struct fc_progress *p)
{
    if (p->drawn)
        fputs("\r\033[K", stderr);
}
