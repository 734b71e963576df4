/* The convert options table and value parsing: see options.h. */
#include "formats/options.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

#define OPT(name, short_name, kind, member, arg, help)                                         \
    { name, short_name, kind, offsetof(struct fc_options, member), arg, help }

const struct fc_option fc_options_table[] = {
    OPT("output", 'o', FC_OPT_STRING, output, "DIR",
        "write the outputs into DIR (created if missing); '-' streams JSON lines to stdout"),
    OPT("format", 'f', FC_OPT_STRING, format, "LIST",
        "comma-separated output formats: jsonl, csv, ipfix (default jsonl)"),
    OPT("filter", 0, FC_OPT_STRING, filter, "EXPR",
        "BPF filter in tcpdump syntax, applied to every packet before decoding"),
    OPT("max_flows", 0, FC_OPT_COUNT, max_flows, "N",
        "flows kept at once; when full, the least recently active is exported as 'evicted'"),
    OPT("idle_timeout", 0, FC_OPT_SECONDS, idle_timeout, "TIME",
        "end a flow after this much packet time without packets (default 300s)"),
    OPT("active_timeout", 0, FC_OPT_SECONDS, active_timeout, "TIME",
        "split a flow into a new record after it has lasted this long (default 1800s)"),
    OPT("tcp_close_grace", 0, FC_OPT_SECONDS, tcp_close_grace, "TIME",
        "after a TCP close (both FINs or a RST), wait this long for trailing packets (default 5s)"),
    OPT("vlan_key", 0, FC_OPT_BOOL, vlan_key, NULL,
        "VLAN ids are part of the flow key (default true; --no-vlan-key merges VLANs)"),
    OPT("dedup", 0, FC_OPT_BOOL, dedup, NULL,
        "drop an IP packet already seen within the dedup window (overlapping captures)"),
    OPT("dedup_window", 0, FC_OPT_SECONDS, dedup_window, "TIME",
        "how close in packet time a copy must be to count as a duplicate (default 50ms)"),
    OPT("quiet", 'q', FC_OPT_BOOL, quiet, NULL,
        "no progress, notices or end-of-run summary on stderr (problems are still reported)"),
    OPT("l7", 0, FC_OPT_BOOL, l7, NULL,
        "follow TCP streams and run the L7 dissectors (default true; --no-l7: flows only)"),
    OPT("reasm_flow_cap", 0, FC_OPT_BYTES, reasm_flow_cap, "SIZE",
        "bytes held out of order per TCP connection before a hole is skipped (default 1MiB)"),
    OPT("reasm_memcap", 0, FC_OPT_BYTES, reasm_memcap, "SIZE",
        "bytes held by TCP reassembly over all connections (default 256MiB)"),
    OPT("ua_regexes", 0, FC_OPT_STRING, ua_regexes, "FILE",
        "uap-core regexes.yaml for the user-agent analysis (default "
        "/usr/share/uap-core/regexes.yaml)"),
    OPT("frag_memcap", 0, FC_OPT_BYTES, frag_memcap, "SIZE",
        "bytes of IP fragments held for reassembly over all datagrams (default 64MiB)"),
    OPT("frag_timeout", 0, FC_OPT_SECONDS, frag_timeout, "TIME",
        "give up a datagram this long after its first fragment arrived (default 30s)"),
    OPT("decap", 0, FC_OPT_BOOL, decap, NULL,
        "decapsulate tunnels and key flows on the innermost packet (default true; "
        "--no-decap: outer flows only)"),
    OPT("tunnel_depth", 0, FC_OPT_COUNT, tunnel_depth, "N",
        "tunnel layers decapsulated around one packet, at most 8 (default 4)"),
    OPT("decap_off", 0, FC_OPT_STRING, decap_off, "LIST",
        "tunnel types not decapsulated: ip_in_ip, gre, erspan, vxlan, geneve, gtpu, teredo, "
        "mpls_udp, vxlan_gpe"),
    OPT("tunnel_ports", 0, FC_OPT_STRING, tunnel_ports, "LIST",
        "more UDP ports of a tunnel type, as TYPE=PORT,... (vxlan=8472)"),
    OPT("tunnel_flows", 0, FC_OPT_BOOL, tunnel_flows, NULL,
        "also write the tunnels' outer flows (app: the tunnel type), joined to the inner "
        "records by tunnel[].community_id"),
    OPT("index", 0, FC_OPT_BOOL, index, NULL,
        "write flows.index, where every flow's packets are, for flowcase extract (default "
        "true; --no-index)"),
    OPT("inputs", 0, FC_OPT_INPUTS, inputs, "FILE...",
        "capture files and directories to read, merged by packet time"),
};

const size_t fc_options_count = sizeof fc_options_table / sizeof fc_options_table[0];

void fc_options_defaults(struct fc_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = strdup("jsonl");
    o->max_flows = FC_DEFAULT_MAX_FLOWS;
    o->idle_timeout = FC_DEFAULT_IDLE_TIMEOUT_S * FC_NS_PER_SEC;
    o->active_timeout = FC_DEFAULT_ACTIVE_TIMEOUT_S * FC_NS_PER_SEC;
    o->tcp_close_grace = FC_DEFAULT_TCP_CLOSE_GRACE_S * FC_NS_PER_SEC;
    o->vlan_key = true;
    o->l7 = true;
    o->frag_memcap = FC_DEFAULT_FRAG_MEMCAP;
    o->frag_timeout = FC_DEFAULT_FRAG_TIMEOUT_S * FC_NS_PER_SEC;
    o->decap = true;
    o->index = true;
    o->tunnel_depth = FC_DEFAULT_TUNNEL_DEPTH;
    o->reasm_flow_cap = FC_DEFAULT_REASM_FLOW_CAP;
    o->reasm_memcap = FC_DEFAULT_REASM_MEMCAP;
    o->dedup_window = FC_DEFAULT_DEDUP_WINDOW_MS * (FC_NS_PER_SEC / 1000);
}

static void free_inputs(struct fc_options *o)
{
    for (size_t i = 0; i < o->ninputs; i++)
        free(o->inputs[i]);
    free(o->inputs);
    o->inputs = NULL;
    o->ninputs = 0;
}

void fc_options_free(struct fc_options *o)
{
    free(o->output);
    free(o->format);
    free(o->filter);
    free(o->ua_regexes);
    free(o->decap_off);
    free(o->tunnel_ports);
    free_inputs(o);
    memset(o, 0, sizeof *o);
}

const struct fc_option *fc_option_find(const char *name)
{
    for (size_t i = 0; i < fc_options_count; i++) {
        if (strcmp(fc_options_table[i].name, name) == 0)
            return &fc_options_table[i];
    }
    return NULL;
}

int fc_options_add_input(struct fc_options *o, const char *path)
{
    char **grown = realloc(o->inputs, (o->ninputs + 1) * sizeof *grown);
    if (!grown)
        return -1;
    o->inputs = grown;
    if (!(o->inputs[o->ninputs] = strdup(path)))
        return -1;
    o->ninputs++;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int parse_count(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    uintmax_t v = strtoumax(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v == 0 || v > UINT64_MAX / 2)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* A non-negative decimal number of seconds with an optional unit. */
static int parse_seconds(const char *s, fc_time *out)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = { { "", 1e9 }, { "s", 1e9 }, { "ms", 1e6 }, { "m", 60e9 }, { "h", 3600e9 } };
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0 || *s == '-' || *s == '+')
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) == 0) {
            double ns = v * units[i].ns;
            if (ns > 1e18) /* about 31 years: beyond any capture */
                return -1;
            *out = (fc_time)llround(ns);
            return 0;
        }
    }
    return -1;
}

static const struct {
    const char *unit;
    uint64_t bytes;
} size_units[] = { { "GiB", 1ull << 30 }, { "MiB", 1ull << 20 }, { "KiB", 1ull << 10 },
                   { "", 1 } };

/* A positive whole number of bytes with an optional binary unit. */
static int parse_bytes(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    uintmax_t v = strtoumax(s, &end, 10);
    if (errno || end == s || *s == '-' || *s == '+' || v == 0)
        return -1;
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
        if (strcmp(end, size_units[i].unit) == 0) {
            if (v > (UINT64_MAX / 4) / size_units[i].bytes)
                return -1;
            *out = (uint64_t)v * size_units[i].bytes;
            return 0;
        }
    }
    return -1;
}

int fc_option_set(const struct fc_option *opt, struct fc_options *o, const char *value,
                  char *err, size_t errlen)
{
    void *member = (char *)o + opt->offset;
    switch (opt->kind) {
    case FC_OPT_STRING: {
        char *copy = strdup(value);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(*(char **)member);
        *(char **)member = copy;
        return 0;
    }
    case FC_OPT_BOOL:
        if (parse_bool(value, member) == 0)
            return 0;
        snprintf(err, errlen, "'%s' is not a boolean (true or false)", value);
        return -1;
    case FC_OPT_COUNT:
        if (parse_count(value, member) == 0)
            return 0;
        snprintf(err, errlen, "'%s' is not a positive whole number", value);
        return -1;
    case FC_OPT_SECONDS:
        if (parse_seconds(value, member) == 0)
            return 0;
        snprintf(err, errlen, "'%s' is not a duration (e.g. 300, 300s, 5m, 1h, 250ms)", value);
        return -1;
    case FC_OPT_BYTES:
        if (parse_bytes(value, member) == 0)
            return 0;
        snprintf(err, errlen, "'%s' is not a size (e.g. 1048576, 64KiB, 1MiB, 2GiB)", value);
        return -1;
    case FC_OPT_INPUTS:
        if (fc_options_add_input(o, value) == 0)
            return 0;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return -1;
}

unsigned fc_options_formats(const struct fc_options *o, char *err, size_t errlen)
{
    unsigned mask = 0;
    const char *p = o->format;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        if (n == 5 && strncmp(p, "jsonl", 5) == 0)
            mask |= FC_FORMAT_JSONL;
        else if (n == 3 && strncmp(p, "csv", 3) == 0)
            mask |= FC_FORMAT_CSV;
        else if (n == 5 && strncmp(p, "ipfix", 5) == 0)
            mask |= FC_FORMAT_IPFIX;
        else {
            snprintf(err, errlen, "unknown output format '%.*s' (known: jsonl, csv, ipfix)",
                     (int)n, p);
            return 0;
        }
        p += n + (p[n] == ',');
    }
    if (!mask)
        snprintf(err, errlen, "no output format given (known: jsonl, csv, ipfix)");
    return mask;
}

const char *fc_option_text(const struct fc_option *opt, const struct fc_options *o, char *buf,
                           size_t size)
{
    const void *member = (const char *)o + opt->offset;
    switch (opt->kind) {
    case FC_OPT_STRING:
        return *(char *const *)member;
    case FC_OPT_BOOL:
        return *(const bool *)member ? "true" : "false";
    case FC_OPT_COUNT:
        snprintf(buf, size, "%" PRIu64, *(const uint64_t *)member);
        return buf;
    case FC_OPT_SECONDS: {
        fc_time ns = *(const fc_time *)member;
        if (ns % FC_NS_PER_SEC == 0)
            snprintf(buf, size, "%" PRId64 "s", ns / FC_NS_PER_SEC);
        else
            snprintf(buf, size, "%.9gs", (double)ns / 1e9);
        return buf;
    }
    case FC_OPT_BYTES: {
        uint64_t v = *(const uint64_t *)member;
        size_t i = 0;
        while (v % size_units[i].bytes != 0)
            i++;
        snprintf(buf, size, "%" PRIu64 "%s", v / size_units[i].bytes, size_units[i].unit);
        return buf;
    }
    case FC_OPT_INPUTS:
        break;
    }
    return NULL;
}
