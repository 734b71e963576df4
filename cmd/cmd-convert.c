/*
 * flowcase convert: captures in, flow records out.
 *
 *   case reader (files, archives, time merge) -> engine (filter, decode,
 *   flows) -> writers; then stats.json and the evidence manifest
 *
 * Outputs are written under temporary names and renamed when complete, so
 * a file named flows.jsonl is never a partial run's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/pipeline.h"
#include "cmd/progress.h"
#include "core/engine.h"
#include "formats/case-reader.h"
#include "formats/config-yaml.h"
#include "formats/flow-index.h"
#include "formats/manifest.h"
#include "formats/path.h"
#include "formats/section.h"
#include "formats/stats-json.h"
#include "formats/writer.h"

#define PROGRESS_EVERY 4096 /* packets between progress checks */
#define MAX_WRITERS (3 + FC_SECTION_COUNT) /* flows.jsonl, flows.csv, flows.ipfix, http.csv... */

struct output_file {
    const char *name;
    char *final_path;
    char *temp_path;
};

struct convert {
    struct fc_options opt;
    unsigned formats;
    bool to_stdout;
    struct fc_pipeline pipe;
    struct fc_engine engine;
    struct fc_case *inputs;
    fc_time started;
    struct fc_writer *writers[MAX_WRITERS];
    struct output_file files[MAX_WRITERS];
    unsigned nwriters;
    unsigned nfiles; /* outputs written, for the manifest */
    struct fc_index_writer *index; /* flows.index, unless --no-index */
    struct output_file index_file;
    bool index_written;
    struct fc_row row;
    bool write_failed;
    struct fc_diag diag;
    struct fc_progress progress;
};

/* mkdir -p */
static int make_dirs(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    for (char *s = copy + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            free(copy);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(copy, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(copy);
    return rc;
}

static void spill(void *arg, struct fc_packet_list *l)
{
    struct convert *cv = arg;
    fc_index_spill(cv->index, l);
}

static void sink(void *arg, const struct fc_flow_record *r)
{
    struct convert *cv = arg;
    if (cv->index)
        fc_index_add(cv->index, r);
    fc_row_from_record(&cv->row, r, fc_case_captures(cv->inputs));
    for (unsigned i = 0; i < cv->nwriters; i++) {
        if (!cv->write_failed && cv->writers[i]->ops->write(cv->writers[i], &cv->row) != 0) {
            fprintf(stderr, "flowcase: error: cannot write %s: %s\n",
                    cv->to_stdout ? "standard output" : cv->files[i].final_path,
                    strerror(errno));
            cv->write_failed = true;
        }
    }
}

/* Creates output `name` under its temporary name. */
static FILE *create_output(struct convert *cv, struct output_file *file, const char *name)
{
    file->name = name;
    file->final_path = fc_path_join(cv->opt.output, name);
    size_t n = file->final_path ? strlen(file->final_path) + 8 : 0;
    file->temp_path = n ? malloc(n) : NULL;
    if (!file->temp_path)
        return NULL;
    snprintf(file->temp_path, n, "%s.part", file->final_path);
    FILE *out = fopen(file->temp_path, "wb");
    if (!out)
        fprintf(stderr, "flowcase: error: cannot create %s: %s\n", file->temp_path,
                strerror(errno));
    return out;
}

/* Renames a complete output to its final name. */
static int finish_output(struct output_file *file)
{
    if (rename(file->temp_path, file->final_path) == 0)
        return 0;
    fprintf(stderr, "flowcase: error: cannot rename %s: %s\n", file->temp_path, strerror(errno));
    return -1;
}

static void free_output(struct output_file *file)
{
    free(file->final_path);
    free(file->temp_path);
    file->final_path = file->temp_path = NULL;
}

/* Opens `name` (stdout with -o -) and its writer: open(), or the CSV
 * writer of section s when s is given. */
static int open_writer(struct convert *cv, const char *name,
                       struct fc_writer *(*open)(FILE *, bool), const struct fc_section *s)
{
    FILE *out = stdout;
    struct output_file *file = &cv->files[cv->nwriters];
    if (!cv->to_stdout && !(out = create_output(cv, file, name)))
        return -1;
    struct fc_writer *w = s ? fc_section_csv_writer_open(out, !cv->to_stdout, s)
                            : open(out, !cv->to_stdout);
    if (!w) {
        if (out != stdout)
            fclose(out);
        return -1;
    }
    cv->writers[cv->nwriters++] = w;
    return 0;
}

static int open_outputs(struct convert *cv)
{
    if (!cv->to_stdout && make_dirs(cv->opt.output) != 0) {
        fprintf(stderr, "flowcase: error: cannot create directory %s: %s\n", cv->opt.output,
                strerror(errno));
        return -1;
    }
    if ((cv->formats & FC_FORMAT_JSONL) &&
        open_writer(cv, "flows.jsonl", fc_jsonl_writer_open, NULL))
        return -1;
    if ((cv->formats & FC_FORMAT_CSV) && open_writer(cv, "flows.csv", fc_csv_writer_open, NULL))
        return -1;
    /* CSV has no nested values: each section (the HTTP transactions, ...)
     * gets its own file (not with -o -, which streams one table). */
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        if ((cv->formats & FC_FORMAT_CSV) && !cv->to_stdout && cv->opt.l7 &&
            open_writer(cv, fc_sections[s]->csv_name, NULL, fc_sections[s]))
            return -1;
    }
    if ((cv->formats & FC_FORMAT_IPFIX) &&
        open_writer(cv, "flows.ipfix", fc_ipfix_writer_open, NULL))
        return -1;
    if (cv->opt.index && !cv->to_stdout) {
        FILE *f = create_output(cv, &cv->index_file, "flows.index");
        if (!f || !(cv->index = fc_index_writer_open(f))) {
            if (f)
                fclose(f);
            return -1;
        }
    }
    return 0;
}

/* The index's capture table: each capture stream by its provenance index,
 * named by its input and its place among that input's captures. */
static struct fc_index_capture *index_captures(struct fc_case *k, uint32_t *n)
{
    const struct fc_capture_table *t = fc_case_captures(k);
    struct fc_index_capture *out = calloc(t->n + 1, sizeof *out);
    for (uint32_t c = 0; out && c < t->n; c++) {
        const struct fc_capture_info *ci = t->items[c];
        size_t input, position;
        fc_case_capture_place(k, c, &input, &position);
        out[c] = (struct fc_index_capture){ fc_case_input(k, input)->path, (uint32_t)position,
                                            ci->packets, ci->contexts, ci->ncontexts,
                                            ci->contexts_overflow };
    }
    *n = (uint32_t)t->n;
    return out;
}

/* Completes flows.index, after every record was written. */
static int close_index(struct convert *cv, bool complete)
{
    if (!cv->index) {
        free_output(&cv->index_file);
        return 0;
    }
    uint32_t n = 0;
    struct fc_index_capture *captures = index_captures(cv->inputs, &n);
    int rc = captures ? fc_index_writer_close(cv->index, captures, n) : -1;
    cv->index = NULL;
    free(captures);
    if (rc != 0)
        fprintf(stderr, "flowcase: error: cannot write %s: %s\n", cv->index_file.final_path,
                strerror(errno));
    if (rc == 0 && complete)
        rc = finish_output(&cv->index_file);
    cv->index_written = rc == 0 && complete;
    free_output(&cv->index_file);
    return rc;
}

/* Closes every writer; renames complete outputs to their final names. */
static int close_outputs(struct convert *cv, bool complete)
{
    int rc = 0;
    for (unsigned i = 0; i < cv->nwriters; i++) {
        struct output_file *file = &cv->files[i];
        if (cv->writers[i]->ops->close(cv->writers[i]) != 0) {
            fprintf(stderr, "flowcase: error: cannot write %s: %s\n",
                    file->final_path ? file->final_path : "standard output", strerror(errno));
            rc = -1;
        }
        if (file->temp_path && complete && rc == 0 && finish_output(file) != 0)
            rc = -1;
        free_output(file);
    }
    if (close_index(cv, complete && rc == 0) != 0)
        rc = -1;
    cv->nfiles = cv->nwriters;
    cv->nwriters = 0;
    return rc;
}

static int validate(struct convert *cv)
{
    char err[256];
    if (!cv->opt.output) {
        fprintf(stderr, "flowcase convert: no output: give -o DIR, or -o - for stdout\n");
        return -1;
    }
    if (cv->opt.ninputs == 0) {
        fprintf(stderr, "flowcase convert: no input files given\n");
        return -1;
    }
    cv->formats = fc_options_formats(&cv->opt, err, sizeof err);
    if (!cv->formats) {
        fprintf(stderr, "flowcase convert: --format: %s\n", err);
        return -1;
    }
    cv->to_stdout = strcmp(cv->opt.output, "-") == 0;
    if (cv->to_stdout && (cv->formats & (cv->formats - 1))) {
        fprintf(stderr, "flowcase convert: -o - streams one format: choose jsonl or csv\n");
        return -1;
    }
    if (cv->opt.dedup && cv->opt.dedup_window <= 0) {
        fprintf(stderr, "flowcase convert: --dedup-window must be longer than 0\n");
        return -1;
    }
    return fc_pipeline_setup(&cv->pipe, &cv->opt, "flowcase convert");
}

static void read_inputs(struct convert *cv)
{
    struct fc_packet p;
    while (!cv->write_failed && fc_case_next(cv->inputs, &p)) {
        fc_engine_packet(&cv->engine, &p);
        if (cv->engine.counters.v[FC_CNT_PKT_READ] % PROGRESS_EVERY == 0)
            fc_progress_update(&cv->progress, fc_case_position(cv->inputs),
                               cv->engine.counters.v[FC_CNT_PKT_READ]);
    }
}

static void report_filter_failures(const struct convert *cv)
{
    if (!cv->pipe.filter)
        return;
    uint32_t linktype;
    const char *msg;
    for (unsigned i = 0; (msg = fc_filter_failure(cv->pipe.filter, i, &linktype)); i++)
        fprintf(stderr,
                "flowcase: warning: --filter does not apply to link type %u (%s): its "
                "packets were skipped\n",
                linktype, msg);
}

/* Counters that tally work done rather than problems: the fragments
 * rebuilt, and the packets decapsulated per tunnel type (tunnel.<type>). */
static bool is_tally(const char *name)
{
    if (strncmp(name, "tunnel.", 7) == 0 && fc_tunnel_type_by_name(name + 7) >= 0)
        return true;
    static const char *const tallies[] = {
        "fragments.seen", "fragments.reassembled", "fragments.peak_bytes",
    };
    for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++) {
        if (strcmp(name, tallies[i]) == 0)
            return true;
    }
    return false;
}

/* Lists the non-zero decode.*, fragments.* and tunnel.* problem counters
 * on one line. */
static void print_problem_counters(const struct fc_counters *c)
{
    bool any = false;
    for (int i = 0; i < FC_CNT__COUNT; i++) {
        const char *name = fc_counter_name((enum fc_counter_id)i);
        if (c->v[i] == 0 || (strncmp(name, "decode.", 7) != 0 &&
                             strncmp(name, "fragments.", 10) != 0 &&
                             strncmp(name, "tunnel.", 7) != 0) ||
            is_tally(name))
            continue;
        fprintf(stderr, "%s %s %" PRIu64, any ? "," : "flowcase: decoding:", name, c->v[i]);
        any = true;
    }
    if (any)
        fputc('\n', stderr);
}

static void print_summary(const struct convert *cv, unsigned damaged)
{
    const uint64_t *v = cv->engine.counters.v;
    size_t n = fc_case_ninputs(cv->inputs);
    fprintf(stderr,
            "flowcase: %" PRIu64 " packets read from %zu input%s: %" PRIu64 " IP, %" PRIu64
            " without IP, %" PRIu64 " malformed, %" PRIu64 " filtered out\n",
            v[FC_CNT_PKT_READ], n, n == 1 ? "" : "s", v[FC_CNT_PKT_IP], v[FC_CNT_PKT_NOT_IP],
            v[FC_CNT_PKT_MALFORMED], v[FC_CNT_PKT_FILTERED_OUT] + v[FC_CNT_PKT_FILTER_NO_PROG]);
    fprintf(stderr,
            "flowcase: %" PRIu64 " flow records (tcp %" PRIu64 ", udp %" PRIu64 ", icmp %" PRIu64
            ", other %" PRIu64 "), %" PRIu64 " evicted early\n",
            v[FC_CNT_FLOWS], v[FC_CNT_FLOWS_TCP], v[FC_CNT_FLOWS_UDP],
            v[FC_CNT_FLOWS_ICMP] + v[FC_CNT_FLOWS_ICMP6],
            v[FC_CNT_FLOWS_SCTP] + v[FC_CNT_FLOWS_OTHER], v[FC_CNT_END_EVICTED]);
    print_problem_counters(&cv->engine.counters);
    if (damaged)
        fprintf(stderr, "flowcase: %u input%s damaged or unreadable: see the messages above%s\n",
                damaged, damaged == 1 ? "" : "s", cv->to_stdout ? "" : " and manifest.json");
}

static int write_stats(struct convert *cv)
{
    char *path = fc_path_join(cv->opt.output, "stats.json");
    int rc = path ? fc_stats_write(path, &cv->engine.counters) : -1;
    if (rc != 0)
        fprintf(stderr, "flowcase: error: cannot write %s\n", path ? path : "stats.json");
    free(path);
    return rc;
}

static int write_manifest(struct convert *cv, int status)
{
    const char *outputs[MAX_WRITERS + 2];
    size_t noutputs = 0;
    for (unsigned i = 0; i < cv->nfiles; i++)
        outputs[noutputs++] = cv->files[i].name;
    if (cv->index_written)
        outputs[noutputs++] = "flows.index";
    outputs[noutputs++] = "stats.json";
    size_t ninputs = fc_case_ninputs(cv->inputs);
    struct fc_input_info **inputs = calloc(ninputs + 1, sizeof *inputs);
    if (!inputs)
        return -1;
    for (size_t i = 0; i < ninputs; i++)
        inputs[i] = fc_case_input(cv->inputs, i);
    struct fc_manifest_run m = {
        .options = &cv->opt,
        .started = cv->started,
        .finished = fc_manifest_now(),
        .exit_status = status,
        .inputs = inputs,
        .ninputs = ninputs,
        .output_dir = cv->opt.output,
        .outputs = outputs,
        .noutputs = noutputs,
        .ua_regexes = cv->pipe.ua_path,
    };
    m.argv = fc_cmdline_argv(&m.argc);
    char err[512];
    int rc = fc_manifest_write(&m, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "flowcase: error: %s\n", err);
    free(inputs);
    return rc;
}

static unsigned count_damaged(struct fc_case *k)
{
    unsigned damaged = 0;
    for (size_t i = 0; i < fc_case_ninputs(k); i++)
        damaged += fc_input_damaged(fc_case_input(k, i));
    return damaged;
}

static int run(struct convert *cv)
{
    struct fc_engine_config ec;
    fc_pipeline_engine_config(&cv->pipe, &cv->opt, &ec);
    ec.flows.packet_lists = cv->opt.index && !cv->to_stdout;
    ec.flows.spill = spill;
    cv->started = fc_manifest_now();
    cv->diag = (struct fc_diag){
        .out = stderr,
        .max_print = 20,
        .print_from = cv->opt.quiet ? FC_DIAG_WARNING : FC_DIAG_NOTICE,
    };
    cv->inputs = fc_case_open(cv->opt.inputs, cv->opt.ninputs, &cv->diag);
    if (!cv->inputs || fc_engine_init(&cv->engine, &ec, sink, cv) != 0) {
        fprintf(stderr, "flowcase: error: out of memory\n");
        return FC_EXIT_FAILURE;
    }
    if (open_outputs(cv) != 0) {
        close_outputs(cv, false);
        return FC_EXIT_FAILURE;
    }
    fc_progress_start(&cv->progress, !cv->opt.quiet && isatty(STDERR_FILENO),
                      fc_case_total_bytes(cv->inputs));
    read_inputs(cv);
    fc_engine_finish(&cv->engine);
    if (cv->pipe.ua)
        fc_ua_db_stats(cv->pipe.ua, &cv->engine.counters.v[FC_CNT_UA_ANALYSED],
                       &cv->engine.counters.v[FC_CNT_UA_CACHE_HITS]);
    fc_case_finish(cv->inputs);
    fc_progress_end(&cv->progress);

    bool complete = !cv->write_failed;
    int rc = close_outputs(cv, complete);
    if (!cv->to_stdout && rc == 0 && complete)
        rc = write_stats(cv);
    unsigned damaged = count_damaged(cv->inputs);
    int status = rc != 0 || !complete ? FC_EXIT_FAILURE
                 : damaged           ? FC_EXIT_DAMAGED
                                     : FC_EXIT_OK;
    if (!cv->to_stdout && status != FC_EXIT_FAILURE && write_manifest(cv, status) != 0)
        status = FC_EXIT_FAILURE;
    report_filter_failures(cv);
    if (!cv->opt.quiet)
        print_summary(cv, damaged);
    return status;
}

int fc_cmd_convert(int argc, char **argv)
{
    struct convert cv = { 0 };
    int status;
    switch (fc_cli_parse_convert(argc, argv, &cv.opt)) {
    case FC_CLI_HELP:
        fc_cli_convert_usage(stdout);
        status = FC_EXIT_OK;
        break;
    case FC_CLI_PRINT_CONFIG:
        status = fc_config_print(stdout, &cv.opt) == 0 ? FC_EXIT_OK : FC_EXIT_FAILURE;
        break;
    case FC_CLI_ERROR:
        fprintf(stderr, "try 'flowcase convert --help'\n");
        status = FC_EXIT_USAGE;
        break;
    case FC_CLI_RUN:
    default:
        status = validate(&cv) == 0 ? run(&cv) : FC_EXIT_USAGE;
        break;
    }
    fc_engine_destroy(&cv.engine);
    fc_pipeline_free(&cv.pipe);
    fc_case_free(cv.inputs);
    fc_options_free(&cv.opt);
    return status;
}
