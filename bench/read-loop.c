// SPDX-License-Identifier: BSD-3-Clause
/*
 * read-loop.c - the "raw read floor" of the flowcase benchmark: the cheapest
 * possible pass over a capture with libpcap (pcap_open_offline + pcap_next_ex).
 * Every packet is touched (caplen summed, first and last byte folded into a
 * checksum) so the compiler cannot drop the loop.  Prints one line:
 *
 *   packets=N bytes=B caplen_bytes=C seconds=S pps=P mbps=M check=X
 *
 * bytes counts the file size (what a converter must read); seconds is the
 * wall time of the loop, from pcap_open_offline to the last packet.
 */

/* <pcap/pcap.h> needs u_char and friends, hidden by -std=c17 without these */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fc-read-loop CAPTURE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    double t0 = now_s();
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "fc-read-loop: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t packets = 0, caplen = 0;
    uint32_t check = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        caplen += h->caplen;
        if (h->caplen)
            check = (check << 1 | check >> 31) ^ data[0] ^ ((uint32_t)data[h->caplen - 1] << 8);
    }
    double secs = now_s() - t0;
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "fc-read-loop: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    pcap_close(p);
    struct stat st;
    uint64_t bytes = stat(argv[1], &st) == 0 ? (uint64_t)st.st_size : caplen;
    if (secs <= 0)
        secs = 1e-9;
    printf("packets=%" PRIu64 " bytes=%" PRIu64 " caplen_bytes=%" PRIu64
           " seconds=%.6f pps=%.0f mbps=%.1f check=%08" PRIx32 "\n",
           packets, bytes, caplen, secs, (double)packets / secs, (double)bytes / 1e6 / secs, check);
    return 0;
}
