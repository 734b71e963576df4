/*
 * flowcase extract DIR: the exact packets of chosen flows, back out of the
 * evidence of the conversion whose outputs are in DIR.
 *
 *   DIR/manifest.json (the inputs, their sizes, times, hashes)
 *   DIR/flows.index   (where each flow's packets are)  -> select flows
 *   -> check each input needed -> fetch its packets (seek, or decompress
 *   up to the last one) -> spool -> pcap or pcapng, renamed when complete
 *   -> OUTPUT.manifest.json
 *
 * Nothing is written unless every selected packet was read back from
 * inputs that passed their check. docs/extract.md has the details.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/case-manifest.h"
#include "cmd/cli.h"
#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/extract-scan.h"
#include "cmd/extract-select.h"
#include "cmd/extract-spool.h"
#include "core/timefmt.h"
#include "formats/flow-index.h"
#include "formats/manifest.h"
#include "formats/packet-fetch.h"
#include "formats/path.h"
#include "formats/sha256.h"
#include "version.h"

/* One wanted packet: where it is, and which selected flow wants it. */
struct want {
    uint32_t capture; /* provenance index */
    uint64_t offset;
    uint64_t number;
    uint32_t flow;    /* in x->flows */
};

struct extract {
    const char *dir;
    const char *output;   /* file, or "-" */
    const char *manifest_path;
    bool verify;
    bool comments;
    bool pcapng;
    bool quiet;
    struct fc_selection sel;
    fc_time started;
    json_t *manifest;
    bool scanned;         /* no index: the flows were found by reading the case again */
    enum fc_file_check index_check;
    struct fc_extract_flow *flows;
    size_t nflows;
    struct want *wants;
    size_t nwants;
    struct fc_extract_captures captures; /* capture index -> manifest input and capture */
    json_t *checked;      /* the inputs opened and how they were checked */
    struct fc_spool *spool;
    enum fc_out_format format;
    char err[2048];
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: flowcase extract DIR [SELECTION] -o FILE [OPTIONS]\n\n"
            "Writes the packets of the chosen flows of the conversion in DIR (the output\n"
            "directory of 'flowcase convert'), exactly as the evidence holds them.\n\n"
            "selection (at least one of the first four):\n"
            "  --flow-id ID          a record's flow_id (repeatable)\n"
            "  --flow-ids FILE|-     flow_ids, one per line\n"
            "  --community-id CID    every flow of that Community ID\n"
            "  --tuple P,A,PA,B,PB   every flow of that 5-tuple, either way (tcp,10.0.0.1,\n"
            "                        1234,10.0.0.2,80)\n"
            "  --from TIME, --to TIME  only flows active in that window (RFC 3339 or epoch\n"
            "                        seconds); with --community-id or --tuple\n"
            "  --direction src|dst|both  only the packets the initiator (src) or the\n"
            "                        responder (dst) sent (default both)\n"
            "  --packets N-M         only the Nth to Mth packet of each flow (N-: to the end)\n\n"
            "output:\n"
            "  -o, --output FILE     the capture to write ('-': standard output)\n"
            "  --pcapng              pcapng even when pcap could hold the packets\n"
            "  --comments            a pcapng comment on each packet: flow_id, input, number\n"
            "  --manifest FILE       where to write the extraction's manifest (default\n"
            "                        FILE.manifest.json; none with -o - unless given)\n"
            "  --verify              check each input used by its full SHA-256, not by size\n"
            "                        and modification time\n"
            "  -q, --quiet           no summary on stderr\n\n"
            "exit status: 0 written; 1 the output could not be written; 2 bad command line,\n"
            "unknown flow_id or no flow selected; 3 an input or the index is missing,\n"
            "changed or unreadable: nothing was written.\n");
}

enum { OPT_FLOW_ID = 256, OPT_FLOW_IDS, OPT_COMMUNITY, OPT_TUPLE, OPT_FROM, OPT_TO,
       OPT_DIRECTION, OPT_PACKETS, OPT_PCAPNG, OPT_COMMENTS, OPT_MANIFEST, OPT_VERIFY };

static int read_ids_file(struct extract *x, const char *name)
{
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    if (!f) {
        snprintf(x->err, sizeof x->err, "--flow-ids: %s: %s", name, strerror(errno));
        return -1;
    }
    int rc = fc_selection_add_ids(&x->sel, f, strcmp(name, "-") == 0 ? "stdin" : name, x->err,
                                  sizeof x->err);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int parse_time(const char *opt, const char *text, fc_time *out, char *err, size_t len)
{
    if (fc_parse_time(text, out))
        return 0;
    snprintf(err, len, "%s: '%s' is not an RFC 3339 UTC time or epoch seconds", opt, text);
    return -1;
}

static int parse_args(struct extract *x, int argc, char **argv)
{
    static const struct option longs[] = {
        { "flow-id", required_argument, NULL, OPT_FLOW_ID },
        { "flow-ids", required_argument, NULL, OPT_FLOW_IDS },
        { "community-id", required_argument, NULL, OPT_COMMUNITY },
        { "tuple", required_argument, NULL, OPT_TUPLE },
        { "from", required_argument, NULL, OPT_FROM },
        { "to", required_argument, NULL, OPT_TO },
        { "direction", required_argument, NULL, OPT_DIRECTION },
        { "packets", required_argument, NULL, OPT_PACKETS },
        { "output", required_argument, NULL, 'o' },
        { "pcapng", no_argument, NULL, OPT_PCAPNG },
        { "comments", no_argument, NULL, OPT_COMMENTS },
        { "manifest", required_argument, NULL, OPT_MANIFEST },
        { "verify", no_argument, NULL, OPT_VERIFY },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char *e = x->err;
    size_t n = sizeof x->err;
    int c, rc = 0;
    optind = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "o:qh", longs, NULL)) != -1) {
        switch (c) {
        case OPT_FLOW_ID: rc = fc_selection_add_id(&x->sel, optarg, e, n); break;
        case OPT_FLOW_IDS: rc = read_ids_file(x, optarg); break;
        case OPT_COMMUNITY: x->sel.community_id = optarg; break;
        case OPT_TUPLE: rc = fc_selection_set_tuple(&x->sel, optarg, e, n); break;
        case OPT_FROM: rc = parse_time("--from", optarg, &x->sel.from, e, n); break;
        case OPT_TO: rc = parse_time("--to", optarg, &x->sel.to, e, n); break;
        case OPT_DIRECTION: rc = fc_selection_set_direction(&x->sel, optarg, e, n); break;
        case OPT_PACKETS: rc = fc_selection_set_packets(&x->sel, optarg, e, n); break;
        case 'o': x->output = optarg; break;
        case OPT_PCAPNG: x->pcapng = true; break;
        case OPT_COMMENTS: x->comments = true; break;
        case OPT_MANIFEST: x->manifest_path = optarg; break;
        case OPT_VERIFY: x->verify = true; break;
        case 'q': x->quiet = true; break;
        case 'h': return 1;
        default: e[0] = '\0'; return -1;
        }
    }
    if (rc != 0)
        return -1;
    if (optind + 1 != argc)
        snprintf(e, n, "give one conversion output directory (the -o DIR of convert)");
    else if (!x->output)
        snprintf(e, n, "no output: give -o FILE, or -o - for standard output");
    else if (!x->sel.nids && !x->sel.community_id && !x->sel.has_tuple)
        snprintf(e, n, "nothing selected: give --flow-id, --flow-ids, --community-id or --tuple");
    else if (x->sel.nids && (x->sel.community_id || x->sel.has_tuple))
        snprintf(e, n, "select by flow_id or by --community-id/--tuple, not both");
    else
        e[0] = '\0';
    x->dir = argc > optind ? argv[optind] : NULL;
    return e[0] ? -1 : 0;
}

/* ---- The manifest and the index ---- */

static json_t *manifest_capture(json_t *m, uint32_t input, uint32_t capture)
{
    json_t *in = json_array_get(json_object_get(m, "inputs"), input);
    return json_array_get(json_object_get(in, "captures"), capture);
}

/* Checks the index file against the manifest (size, or SHA-256 with
 * --verify); its capture streams are checked as they are mapped. */
static int check_index(struct extract *x, const char *path)
{
    json_t *entry = fc_case_manifest_output(x->manifest, "flows.index");
    char why[1024];
    if (!entry) {
        snprintf(x->err, sizeof x->err, "%s is not in %s/manifest.json: it is not this "
                 "conversion's index", path, x->dir);
        return -1;
    }
    x->index_check = x->verify ? FC_CHECK_SHA256 : FC_CHECK_SIZE_MTIME;
    json_t *size_only = json_pack("{s:O}", "size", json_object_get(entry, "size"));
    bool ok = fc_case_manifest_check(path, x->verify ? entry : size_only, x->index_check, why,
                                     sizeof why);
    json_decref(size_only);
    if (!ok) {
        snprintf(x->err, sizeof x->err, "the index does not match the manifest: %s", why);
        return -1;
    }
    return 0;
}

/* ---- Selection ---- */

static int add_flow(struct extract *x, const struct fc_index_flow *f)
{
    if ((x->nflows & (x->nflows - 1)) == 0) {
        void *grown = realloc(x->flows, (x->nflows ? 2 * x->nflows : 1) * sizeof *x->flows);
        if (!grown)
            return -1;
        x->flows = grown;
    }
    x->flows[x->nflows++] = (struct fc_extract_flow){ .index = *f };
    return 0;
}

/* The flows the selection names, from the index. */
static int select_flows(struct extract *x, struct fc_index *idx)
{
    char *e = x->err;
    size_t n = sizeof x->err;
    struct fc_index_flow f;
    unsigned unknown = 0;
    for (size_t i = 0; i < x->sel.nids; i++) {
        int rc = fc_index_find(idx, x->sel.ids[i], &f, e, n);
        if (rc < 0)
            return FC_EXIT_DAMAGED;
        if (rc == 0 && add_flow(x, &f) != 0)
            return FC_EXIT_FAILURE;
        if (rc == 1) {
            fprintf(stderr, "flowcase extract: no flow with flow_id ");
            for (unsigned k = 0; k < FC_INDEX_ID_LEN; k++)
                fprintf(stderr, "%02x", x->sel.ids[i][k]);
            fprintf(stderr, " in %s\n", x->dir);
            unknown++;
        }
    }
    if (unknown) {
        snprintf(e, n, "%u unknown flow_id%s: nothing written", unknown, unknown == 1 ? "" : "s");
        return FC_EXIT_USAGE;
    }
    for (uint64_t i = 0; !x->sel.nids && i < fc_index_nflows(idx); i++) {
        if (fc_index_flow_at(idx, i, &f, e, n) != 0)
            return FC_EXIT_DAMAGED;
        if (fc_selection_matches(&x->sel, &f) && add_flow(x, &f) != 0)
            return FC_EXIT_FAILURE;
    }
    return 0;
}

/* Adds the selected packets of each flow to the wanted list. */
static int collect_wants(struct extract *x, struct fc_index *idx)
{
    for (size_t i = 0; i < x->nflows; i++) {
        struct fc_extract_flow *fl = &x->flows[i];
        uint64_t n = fl->npackets;
        struct fc_packet_entry *e =
            idx ? fc_index_packets(idx, &fl->index, &n, x->err, sizeof x->err) : fl->packets;
        if (!e)
            return FC_EXIT_DAMAGED;
        if (fl->index.incomplete || n != fl->index.packets) {
            snprintf(x->err, sizeof x->err,
                     "flow %s: the conversion could not keep where all its %" PRIu64
                     " packets are (%" PRIu64 " known; out of memory at conversion)",
                     fc_extract_flow_id(fl), fl->index.packets, n);
            if (idx)
                free(e);
            return FC_EXIT_DAMAGED;
        }
        fl->selected = fc_selection_packets(&x->sel, e, n);
        struct want *grown = realloc(x->wants, (x->nwants + fl->selected + 1) * sizeof *grown);
        if (!grown) {
            if (idx)
                free(e);
            return FC_EXIT_FAILURE;
        }
        x->wants = grown;
        for (uint64_t k = 0; k < fl->selected; k++)
            x->wants[x->nwants++] = (struct want){ e[k].where.input, e[k].where.offset,
                                                   e[k].where.number, (uint32_t)i };
        if (idx)
            free(e);
    }
    return 0;
}

static int by_place(const void *a, const void *b)
{
    const struct want *x = a, *y = b;
    if (x->capture != y->capture)
        return x->capture < y->capture ? -1 : 1;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return (x->flow > y->flow) - (x->flow < y->flow);
}

/* Sorts the wanted packets by place; a packet two selected flows share
 * (a tunnel's inner and outer flow) is written once, for the first. */
static void order_wants(struct extract *x)
{
    if (x->nwants)
        qsort(x->wants, x->nwants, sizeof *x->wants, by_place);
    size_t k = 0;
    for (size_t i = 0; i < x->nwants; i++) {
        if (k > 0 && x->wants[k - 1].capture == x->wants[i].capture &&
            x->wants[k - 1].offset == x->wants[i].offset)
            continue;
        x->wants[k++] = x->wants[i];
    }
    x->nwants = k;
}

/* ---- Reading the packets ---- */

/* The wanted packets of one input, grouped by capture stream. */
struct input_job {
    struct extract *x;
    const char *shown; /* its path as the manifest gives it */
    struct fc_fetch_capture *caps;
    size_t ncaps;
    uint64_t *offsets;       /* all the input's wanted offsets, capture by capture */
    uint64_t *numbers;       /* and their packet numbers */
    const struct want **who; /* parallel to offsets */
};

static const char *capture_member(struct extract *x, uint32_t capture)
{
    const struct fc_extract_capture *c = &x->captures.items[capture];
    json_t *mc = manifest_capture(x->manifest, c->input, c->position);
    return json_string_value(json_object_get(mc, "member"));
}

static int fetched(void *arg, const struct fc_fetch_capture *fc, size_t which,
                   const struct fc_packet *p, const struct fc_capture_iface *iface,
                   uint64_t ts_units)
{
    struct input_job *job = arg;
    struct extract *x = job->x;
    size_t k = (size_t)(fc->offsets + which - job->offsets);
    const struct want *w = job->who[k];
    const char *member = capture_member(x, fc->index);
    char describe[1200], comment[1400];
    snprintf(describe, sizeof describe, "%s%s%s, interface %u%s", job->shown, member ? ":" : "",
             member ? member : "", p->interface, iface->section > 1 ? " of a later section" : "");
    if (x->comments)
        snprintf(comment, sizeof comment, "flow_id %s; %s%s%s; packet %" PRIu64,
                 fc_extract_flow_id(&x->flows[w->flow]), job->shown, member ? ":" : "",
                 member ? member : "", w->number);
    if (fc_spool_add(x->spool, fc->index, iface, p->interface, describe, p, ts_units,
                     x->comments ? comment : NULL) != 0) {
        snprintf(x->err, sizeof x->err, "cannot spool the packets: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Builds the fetch list of one input from its wants [from, to). */
static int make_job(struct input_job *job, const struct want *wants, size_t n)
{
    job->caps = calloc(n + 1, sizeof *job->caps);
    job->offsets = calloc(n + 1, sizeof *job->offsets);
    job->numbers = calloc(n + 1, sizeof *job->numbers);
    job->who = calloc(n + 1, sizeof *job->who);
    if (!job->caps || !job->offsets || !job->numbers || !job->who)
        return -1;
    struct extract *x = job->x;
    for (size_t i = 0; i < n; i++) {
        uint32_t capture = wants[i].capture;
        if (i == 0 || capture != wants[i - 1].capture) {
            const struct fc_extract_capture *c = &x->captures.items[capture];
            job->caps[job->ncaps++] = (struct fc_fetch_capture){
                .position = c->position,
                .index = capture,
                .contexts = c->contexts,
                .ncontexts = c->ncontexts,
                .contexts_complete = c->contexts_complete,
                .offsets = job->offsets + i,
                .numbers = job->numbers + i,
            };
        }
        job->offsets[i] = wants[i].offset;
        job->numbers[i] = wants[i].number;
        job->who[i] = &wants[i];
        job->caps[job->ncaps - 1].noffsets++;
    }
    return 0;
}

static void free_job(struct input_job *job)
{
    free(job->caps);
    free(job->offsets);
    free(job->numbers);
    free(job->who);
}

/* A plain capture file: no container, no compression. */
static bool is_plain(json_t *input)
{
    json_t *caps = json_object_get(input, "captures");
    return json_is_null(json_object_get(input, "container")) &&
           json_is_null(json_object_get(input, "compression")) && json_array_size(caps) == 1 &&
           json_is_null(json_object_get(json_array_get(caps, 0), "compression"));
}

/* Checks one input and reads its wanted packets into the spool. */
static int fetch_input(struct extract *x, uint32_t input, const struct want *wants, size_t n)
{
    json_t *in = json_array_get(json_object_get(x->manifest, "inputs"), input);
    char *path = fc_case_manifest_locate(x->manifest, in);
    enum fc_file_check how = x->verify ? FC_CHECK_SHA256 : FC_CHECK_SIZE_MTIME;
    char why[1024];
    struct input_job job = { .x = x,
                             .shown = json_string_value(json_object_get(in, "path")) };
    int rc = FC_EXIT_DAMAGED;
    if (!fc_case_manifest_check(path, in, how, why, sizeof why)) {
        snprintf(x->err, sizeof x->err, "input changed or missing since the conversion: %s",
                 why);
    } else if (make_job(&job, wants, n) != 0) {
        rc = FC_EXIT_FAILURE;
    } else {
        json_array_append_new(x->checked,
                              json_pack("{s:s,s:s,s:O,s:O,s:O}", "path", path, "check",
                                        how == FC_CHECK_SHA256 ? "sha256" : "size+mtime",
                                        "size", json_object_get(in, "size"), "modified",
                                        json_object_get(in, "modified"), "sha256",
                                        json_object_get(in, "sha256")));
        struct fc_diag diag = { .out = stderr, .max_print = 5, .print_from = FC_DIAG_WARNING };
        if (fc_fetch_file(path, is_plain(in), job.caps, job.ncaps, fetched, &job, &diag, why,
                          sizeof why) == 0)
            rc = 0;
        else if (!x->err[0])
            snprintf(x->err, sizeof x->err, "%s", why);
    }
    free_job(&job);
    free(path);
    return rc;
}

/* Reads every wanted packet, input by input. */
static int fetch_all(struct extract *x)
{
    int rc = 0;
    size_t i = 0;
    while (rc == 0 && i < x->nwants) {
        uint32_t input = x->captures.items[x->wants[i].capture].input;
        size_t j = i;
        while (j < x->nwants && x->captures.items[x->wants[j].capture].input == input)
            j++;
        rc = fetch_input(x, input, x->wants + i, j - i);
        i = j;
    }
    if (rc == 0 && fc_spool_packets(x->spool) != x->nwants) {
        snprintf(x->err, sizeof x->err, "%" PRIu64 " of %zu packets read back",
                 fc_spool_packets(x->spool), x->nwants);
        rc = FC_EXIT_DAMAGED;
    }
    return rc;
}

/* ---- Writing ---- */

static char *output_dir(const char *output)
{
    const char *slash = strrchr(output, '/');
    if (strcmp(output, "-") == 0 || !slash)
        return strdup(".");
    return slash == output ? strdup("/") : strndup(output, (size_t)(slash - output));
}

/* Writes the capture under a temporary name and renames it when whole. */
static int write_output(struct extract *x)
{
    bool to_stdout = strcmp(x->output, "-") == 0;
    char *temp = NULL;
    FILE *f = stdout;
    if (!to_stdout) {
        size_t n = strlen(x->output) + 8;
        temp = malloc(n);
        if (!temp)
            return -1;
        snprintf(temp, n, "%s.part", x->output);
        f = fopen(temp, "wb");
    }
    int rc = f ? fc_spool_write(x->spool, f, x->pcapng || x->comments, &x->format) : -1;
    if (f && f != stdout && fclose(f) != 0)
        rc = -1;
    else if (f == stdout && fflush(f) != 0)
        rc = -1;
    if (rc == 0 && temp && rename(temp, x->output) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(x->err, sizeof x->err, "cannot write %s: %s", to_stdout ? "standard output"
                 : x->output, strerror(errno));
        if (temp)
            remove(temp);
    }
    free(temp);
    return rc;
}

static const char *format_name(enum fc_out_format f)
{
    return f == FC_OUT_PCAPNG ? "pcapng" : f == FC_OUT_PCAP_NSEC ? "pcap-ns" : "pcap";
}

static json_t *flows_json(const struct extract *x)
{
    json_t *a = json_array();
    for (size_t i = 0; i < x->nflows; i++)
        json_array_append_new(a, json_pack("{s:s,s:I,s:I}", "flow_id",
                                           fc_extract_flow_id(&x->flows[i]), "packets",
                                           (json_int_t)x->flows[i].index.packets, "selected",
                                           (json_int_t)x->flows[i].selected));
    return a;
}

/* The extraction's own manifest: what was asked, read and written. */
static int write_manifest(struct extract *x)
{
    bool to_stdout = strcmp(x->output, "-") == 0;
    char *path = x->manifest_path ? strdup(x->manifest_path) : NULL;
    if (!path && to_stdout)
        return 0;
    if (!path) {
        size_t n = strlen(x->output) + sizeof ".manifest.json";
        if (!(path = malloc(n)))
            return -1;
        snprintf(path, n, "%s.manifest.json", x->output);
    }
    json_t *out = json_pack("{s:s,s:s,s:I}", "path", to_stdout ? "-" : x->output, "format",
                            format_name(x->format), "packets", (json_int_t)x->nwants);
    uint8_t digest[FC_SHA256_LEN];
    uint64_t size = 0;
    if (!to_stdout && fc_sha256_file(x->output, digest, &size) == 0) {
        char hex[FC_SHA256_HEX];
        fc_sha256_hex(digest, hex);
        json_object_set_new(out, "size", json_integer((json_int_t)size));
        json_object_set_new(out, "sha256", json_string(hex));
    }
    int argc;
    char **argv = fc_cmdline_argv(&argc);
    json_t *cmd = json_array();
    for (int i = 0; i < argc; i++)
        json_array_append_new(cmd, json_string(argv[i]));
    char started[FC_TIME_STR], finished[FC_TIME_STR];
    fc_format_time(x->started, started);
    fc_format_time(fc_manifest_now(), finished);
    json_t *root = json_pack(
        "{s:s,s:o,s:s,s:s,s:s,s:{s:s,s:s},s:o,s:O,s:o}", "flowcase_version", FC_VERSION,
        "command_line", cmd, "started", started, "finished", finished, "conversion", x->dir,
        "flows_found_by", "method", x->scanned ? "full scan of the inputs" : "flows.index",
        "index_check", x->scanned ? "none" : x->index_check == FC_CHECK_SHA256 ? "sha256" : "size",
        "flows", flows_json(x), "inputs", x->checked, "output", out);
    int rc = root && json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0
                                                                                          : -1;
    if (rc != 0)
        snprintf(x->err, sizeof x->err, "cannot write %s: %s", path, strerror(errno));
    json_decref(root);
    free(path);
    return rc;
}

/* ---- The run ---- */

static int find_flows(struct extract *x)
{
    char *index_path = fc_path_join(x->dir, "flows.index");
    FILE *probe = index_path ? fopen(index_path, "rb") : NULL;
    int rc;
    if (!probe) {
        /* No index (deleted, or convert --no-index): read the case again. */
        x->scanned = true;
        rc = fc_extract_scan(x->manifest, &x->sel, &x->flows, &x->nflows, &x->captures, x->err,
                             sizeof x->err);
        if (rc == 0 && x->nflows == 0 && x->sel.nids == 0)
            rc = FC_EXIT_USAGE;
        free(index_path);
        return rc;
    }
    fclose(probe);
    struct fc_index *idx = NULL;
    rc = check_index(x, index_path) != 0 ||
                 !(idx = fc_index_open(index_path, x->err, sizeof x->err))
             ? FC_EXIT_DAMAGED
             : 0;
    if (rc == 0)
        rc = fc_extract_captures_from_index(idx, x->manifest, &x->captures, x->err,
                                            sizeof x->err);
    if (rc == 0)
        rc = select_flows(x, idx);
    if (rc == 0)
        rc = collect_wants(x, idx);
    fc_index_close(idx);
    free(index_path);
    return rc;
}

static int run(struct extract *x)
{
    x->started = fc_manifest_now();
    x->manifest = fc_case_manifest_load(x->dir, x->err, sizeof x->err);
    if (!x->manifest)
        return FC_EXIT_USAGE;
    int rc = find_flows(x);
    if (rc == 0 && x->scanned)
        rc = collect_wants(x, NULL);
    if (rc == 0 && x->nflows == 0) {
        snprintf(x->err, sizeof x->err, "no flow matches the selection: nothing written");
        rc = FC_EXIT_USAGE;
    }
    if (rc != 0)
        return rc;
    order_wants(x);
    if (x->nwants == 0) {
        snprintf(x->err, sizeof x->err,
                 "--direction and --packets leave no packet of the selected flows: nothing "
                 "written");
        return FC_EXIT_USAGE;
    }
    char *dir = output_dir(x->output);
    x->checked = json_array();
    x->spool = dir ? fc_spool_open(dir, x->err, sizeof x->err) : NULL;
    free(dir);
    if (!x->spool)
        return FC_EXIT_FAILURE;
    rc = fetch_all(x);
    if (rc == 0 && (write_output(x) != 0 || write_manifest(x) != 0))
        rc = FC_EXIT_FAILURE;
    if (rc == 0 && !x->quiet)
        fprintf(stderr, "flowcase: %zu packet%s of %zu flow%s written to %s (%s)\n", x->nwants,
                x->nwants == 1 ? "" : "s", x->nflows, x->nflows == 1 ? "" : "s",
                strcmp(x->output, "-") == 0 ? "standard output" : x->output,
                format_name(x->format));
    return rc;
}

int fc_cmd_extract(int argc, char **argv)
{
    struct extract x = { 0 };
    fc_selection_init(&x.sel);
    int status;
    switch (parse_args(&x, argc, argv)) {
    case 1:
        usage(stdout);
        status = FC_EXIT_OK;
        break;
    case -1:
        if (x.err[0])
            fprintf(stderr, "flowcase extract: %s\n", x.err);
        fprintf(stderr, "try 'flowcase extract --help'\n");
        status = FC_EXIT_USAGE;
        break;
    default:
        status = run(&x);
        if (status != FC_EXIT_OK)
            fprintf(stderr, "flowcase extract: %s\n", x.err[0] ? x.err : "failed");
        break;
    }
    fc_spool_free(x.spool);
    fc_extract_flows_free(x.flows, x.nflows);
    fc_extract_captures_free(&x.captures);
    free(x.wants);
    json_decref(x.checked);
    json_decref(x.manifest);
    fc_selection_free(&x.sel);
    return status;
}
