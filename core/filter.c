/* BPF filtering through libpcap: see filter.h. */
#include "core/filter.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/linktypes.h"

#define MAX_PROGRAMS 32 /* link types in one run; more are unusable */

struct program {
    uint32_t linktype;
    bool usable;
    struct bpf_program bpf;
    char error[PCAP_ERRBUF_SIZE];
};

struct fc_filter {
    char *expr;
    unsigned count;
    struct program programs[MAX_PROGRAMS];
};

static void compile(struct fc_filter *f, struct program *prog, uint32_t linktype)
{
    prog->linktype = linktype;
    pcap_t *dead = pcap_open_dead(fc_linktype_dlt(linktype), (int)FC_MAX_CAPLEN);
    if (!dead) {
        snprintf(prog->error, sizeof prog->error, "libpcap cannot open link type %u", linktype);
        return;
    }
    if (pcap_compile(dead, &prog->bpf, f->expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
        prog->usable = true;
    else
        snprintf(prog->error, sizeof prog->error, "%s", pcap_geterr(dead));
    pcap_close(dead);
}

struct fc_filter *fc_filter_create(const char *expr, char *err, size_t errlen)
{
    struct fc_filter *f = calloc(1, sizeof *f);
    if (!f || !(f->expr = strdup(expr))) {
        snprintf(err, errlen, "out of memory");
        free(f);
        return NULL;
    }
    struct program *eth = &f->programs[f->count++];
    compile(f, eth, 1);
    if (!eth->usable) {
        snprintf(err, errlen, "%s", eth->error);
        fc_filter_destroy(f);
        return NULL;
    }
    return f;
}

void fc_filter_destroy(struct fc_filter *f)
{
    if (!f)
        return;
    for (unsigned i = 0; i < f->count; i++) {
        if (f->programs[i].usable)
            pcap_freecode(&f->programs[i].bpf);
    }
    free(f->expr);
    free(f);
}

static struct program *program_for(struct fc_filter *f, uint32_t linktype)
{
    for (unsigned i = 0; i < f->count; i++) {
        if (f->programs[i].linktype == linktype)
            return &f->programs[i];
    }
    if (f->count == MAX_PROGRAMS)
        return NULL;
    struct program *prog = &f->programs[f->count++];
    compile(f, prog, linktype);
    return prog;
}

enum fc_filter_result fc_filter_match(struct fc_filter *f, const struct fc_packet *p)
{
    struct program *prog = program_for(f, p->linktype);
    if (!prog || !prog->usable)
        return FC_FILTER_UNUSABLE;
    struct pcap_pkthdr hdr = { .caplen = p->caplen, .len = p->wirelen };
    return pcap_offline_filter(&prog->bpf, &hdr, p->data) ? FC_FILTER_PASS : FC_FILTER_DROP;
}

const char *fc_filter_failure(const struct fc_filter *f, unsigned i, uint32_t *linktype)
{
    for (unsigned seen = 0, k = 0; k < f->count; k++) {
        if (f->programs[k].usable)
            continue;
        if (seen++ == i) {
            *linktype = f->programs[k].linktype;
            return f->programs[k].error;
        }
    }
    return NULL;
}
