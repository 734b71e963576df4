/*
 * flowcase read: IPFIX files back into JSON lines or CSV.
 *
 * Records flowcase wrote become flow records again, field for field as
 * `convert` writes them (flows.jsonl / flows.csv). Records of any other
 * exporter are written by element name (records.jsonl / records.csv; the
 * CSV columns are every element met, in order of appearance, found in a
 * first pass). With -o - the data records go to stdout and options
 * records (file metadata) are left out, so that the stream is only
 * records: `read flows.ipfix > flows.jsonl` gives convert's flows.jsonl.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "formats/csv.h"
#include "formats/ipfix-values.h"
#include "formats/path.h"
#include "formats/writer.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

struct read_run {
    bool csv;
    bool to_stdout;
    const char *dir;
    bool columns_pass;   /* CSV: first pass, collecting the other exporters' columns */
    json_t *columns;     /* names, in order of appearance */
    struct fc_writer *flows;
    struct fc_writer *sections[FC_SECTION_COUNT]; /* CSV to a directory: http.csv, ... */
    FILE *records;
    bool failed;
    uint64_t nflows;
    uint64_t nrecords;
    uint64_t options_left_out; /* -o -: options records not written */
    /* The flow record being rebuilt; pending while its continuation
     * records are still to come. */
    struct fc_row row;
    char text[FC_IPFIX_ROW_TEXT];
    struct fc_ipfix_lists lists;
    bool pending;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: flowcase read [--format jsonl|csv] [-o DIR|-] FILE.ipfix...\n\n"
                 "Reads IPFIX files (RFC 7011/5655): flowcase's own records become flow\n"
                 "records again (flows.jsonl or flows.csv, as convert writes them); records of\n"
                 "other exporters are written by element name (records.jsonl or records.csv).\n"
                 "Default: JSON lines on stdout, data records only (options records, the\n"
                 "files' metadata, are written with -o DIR).\n\n"
                 "exit status: 0 success; 1 an output could not be written; 2 usage error;\n"
                 "3 a file is damaged or unreadable (everything readable was written).\n");
}

static FILE *open_output(struct read_run *rr, const char *name)
{
    if (rr->to_stdout)
        return stdout;
    char *path = fc_path_join(rr->dir, name);
    FILE *f = path ? fopen(path, "wb") : NULL;
    if (!f)
        fprintf(stderr, "flowcase read: cannot create %s: %s\n", path ? path : name,
                strerror(errno));
    free(path);
    return f;
}

static void note_columns(struct read_run *rr, json_t *obj)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        size_t i;
        json_t *have;
        bool known = false;
        json_array_foreach(rr->columns, i, have) known |= strcmp(json_string_value(have), key) == 0;
        if (!known)
            json_array_append_new(rr->columns, json_string(key));
    }
}

static void put_csv_cell(FILE *out, json_t *v)
{
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v)) {
        fc_csv_put_text(out, json_string_value(v));
        return;
    }
    char *text = json_dumps(v, JSON_FLAGS | JSON_ENCODE_ANY);
    if (text)
        fc_csv_put_text(out, text);
    free(text);
}

static void write_foreign(struct read_run *rr, json_t *obj)
{
    if (!rr->records && !(rr->records = open_output(rr, rr->csv ? "records.csv" : "records.jsonl"))) {
        rr->failed = true;
        return;
    }
    if (!rr->csv) {
        if (json_dumpf(obj, rr->records, JSON_FLAGS) != 0 || fputc('\n', rr->records) == EOF)
            rr->failed = true;
        return;
    }
    size_t i;
    json_t *name;
    if (rr->nrecords == 0) {
        json_array_foreach(rr->columns, i, name)
        {
            if (i > 0)
                fputc(',', rr->records);
            fc_csv_put_text(rr->records, json_string_value(name));
        }
        fputs("\r\n", rr->records);
    }
    json_array_foreach(rr->columns, i, name)
    {
        if (i > 0)
            fputc(',', rr->records);
        put_csv_cell(rr->records, json_object_get(obj, json_string_value(name)));
    }
    fputs("\r\n", rr->records);
}

static int open_flows(struct read_run *rr)
{
    FILE *f = open_output(rr, rr->csv ? "flows.csv" : "flows.jsonl");
    rr->flows = f ? (rr->csv ? fc_csv_writer_open : fc_jsonl_writer_open)(f, f != stdout) : NULL;
    for (int s = 0; rr->flows && rr->csv && !rr->to_stdout && s < FC_SECTION_COUNT; s++) {
        FILE *out = open_output(rr, fc_sections[s]->csv_name); /* as convert writes them */
        rr->sections[s] = out ? fc_section_csv_writer_open(out, true, fc_sections[s]) : NULL;
        rr->failed |= !rr->sections[s];
    }
    rr->failed |= !rr->flows;
    return rr->flows ? 0 : -1;
}

static void write_row(struct read_run *rr)
{
    rr->pending = false;
    if (rr->flows->ops->write(rr->flows, &rr->row) != 0)
        rr->failed = true;
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        if (rr->sections[s] && rr->sections[s]->ops->write(rr->sections[s], &rr->row) != 0)
            rr->failed = true;
    }
    rr->nflows++;
}

/* Writes the pending flow record, saying how many items of each list it
 * lost. Reported through r, or once the file is read (r NULL) to log
 * under path. */
static void flush_pending(struct read_run *rr, const struct fc_ipfix_reader *r,
                          struct fc_diag *diag, struct fc_diag_log *log, const char *path)
{
    if (!rr->pending)
        return;
    static const char fmt[] = "flow %s record %llu: %llu of its %llu %s are missing "
                              "(continuation records lost); written without them";
    const char *id = rr->row.v[FC_F_get_flow_id].s;
    unsigned long long seq = rr->row.v[FC_F_get_seq].u;
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        const struct fc_ipfix_items *l = &rr->lists.s[s];
        if (l->n >= l->expected)
            continue;
        unsigned long long lost = l->expected - l->n, all = l->expected;
        const char *what = fc_sections[s]->items_name;
        if (r)
            fc_ipfix_reader_problem(r, FC_DIAG_WARNING, fmt, id, seq, lost, all, what);
        else
            fc_diag_report(diag, log, path, NULL, FC_DIAG_WARNING, FC_DIAG_NO_PACKET, 0, fmt, id,
                           seq, lost, all, what);
    }
    write_row(rr);
}

static void on_flow_record(struct read_run *rr, const struct fc_ipfix_reader *r,
                           const struct fc_ipfix_data *d)
{
    if (fc_ipfix_is_continuation(d)) {
        if (!rr->pending || !fc_ipfix_continue(r, d, &rr->row, &rr->lists)) {
            fc_ipfix_reader_problem(r, FC_DIAG_WARNING,
                                    "continuation record that does not follow its flow record: "
                                    "skipped");
            return;
        }
    } else {
        flush_pending(rr, r, NULL, NULL, NULL);
        fc_ipfix_to_row(r, d, &rr->row, rr->text, &rr->lists);
    }
    rr->pending = true;
    if (fc_ipfix_lists_complete(&rr->lists))
        write_row(rr);
}

static void on_record(void *arg, const struct fc_ipfix_reader *r, const struct fc_ipfix_data *d)
{
    struct read_run *rr = arg;
    if (rr->failed)
        return;
    if (rr->to_stdout && d->t->scope_count > 0) {
        rr->options_left_out += !rr->columns_pass;
        return;
    }
    bool flow = fc_ipfix_is_flowcase(d);
    if (rr->to_stdout && rr->csv && !rr->columns_pass && (flow ? rr->nrecords : rr->nflows)) {
        fprintf(stderr, "flowcase read: flowcase flows and other exporters' records cannot share "
                        "one CSV stream; use -o DIR\n");
        rr->failed = true;
        return;
    }
    if (flow) {
        if (rr->columns_pass)
            return;
        if (!rr->flows && open_flows(rr) != 0)
            return;
        on_flow_record(rr, r, d);
        return;
    }
    json_t *obj = fc_ipfix_record_json(r, d);
    if (!obj) {
        rr->failed = true;
        return;
    }
    if (rr->columns_pass)
        note_columns(rr, obj);
    else
        write_foreign(rr, obj);
    rr->nrecords += !rr->columns_pass;
    json_decref(obj);
}

/* Reads every file once (twice for CSV of other exporters' records). */
static unsigned read_all(struct read_run *rr, char **files, int n, struct fc_diag *diag)
{
    unsigned damaged = 0;
    if (rr->csv) {
        struct fc_diag quiet = { 0 };
        rr->columns_pass = true;
        for (int i = 0; i < n; i++) {
            struct fc_diag_log log = { 0 };
            fc_ipfix_read_file(files[i], &quiet, &log, on_record, rr, NULL);
            fc_diag_log_free(&log);
        }
        rr->columns_pass = false;
    }
    for (int i = 0; i < n; i++) {
        struct fc_diag_log log = { 0 };
        bool flowcase = false;
        fc_ipfix_read_file(files[i], diag, &log, on_record, rr, &flowcase);
        flush_pending(rr, NULL, diag, &log, files[i]);
        /* A flowcase file without flows still gives its (empty) flows file. */
        if (flowcase && !rr->flows && !rr->failed)
            open_flows(rr);
        damaged += fc_diag_log_damaged(&log);
        fc_diag_log_free(&log);
    }
    return damaged;
}

static int parse(int argc, char **argv, struct read_run *rr)
{
    static const struct option longs[] = {
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    rr->dir = "-";
    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:o:h", longs, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return FC_EXIT_OK;
        }
        if (c == 'o') {
            rr->dir = optarg;
        } else if (c == 'f' && (strcmp(optarg, "csv") == 0 || strcmp(optarg, "jsonl") == 0)) {
            rr->csv = strcmp(optarg, "csv") == 0;
        } else {
            if (c == 'f')
                fprintf(stderr, "flowcase read: --format: '%s' is not jsonl or csv\n", optarg);
            usage(stderr);
            return FC_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "flowcase read: no IPFIX file given\n");
        usage(stderr);
        return FC_EXIT_USAGE;
    }
    rr->to_stdout = strcmp(rr->dir, "-") == 0;
    if (!rr->to_stdout && mkdir(rr->dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "flowcase read: cannot create %s: %s\n", rr->dir, strerror(errno));
        return FC_EXIT_FAILURE;
    }
    return -1;
}

int fc_cmd_read(int argc, char **argv)
{
    struct read_run *rr = calloc(1, sizeof *rr);
    if (!rr)
        return FC_EXIT_FAILURE;
    int status = parse(argc, argv, rr);
    if (status >= 0) {
        free(rr);
        return status;
    }
    rr->columns = json_array();
    struct fc_diag diag = { .out = stderr, .max_print = 20, .print_from = FC_DIAG_NOTICE };
    unsigned damaged = read_all(rr, argv + optind, argc - optind, &diag);
    if (rr->options_left_out)
        fprintf(stderr, "flowcase read: %llu options records (file metadata) not written to "
                        "stdout; -o DIR writes them to records.%s\n",
                (unsigned long long)rr->options_left_out, rr->csv ? "csv" : "jsonl");
    int rc = rr->flows ? rr->flows->ops->close(rr->flows) : 0;
    for (int s = 0; s < FC_SECTION_COUNT; s++) {
        if (rr->sections[s] && rr->sections[s]->ops->close(rr->sections[s]) != 0)
            rc = -1;
    }
    fc_ipfix_lists_free(&rr->lists);
    if (rr->records && rr->records != stdout && fclose(rr->records) != 0)
        rc = -1;
    if (rr->records == stdout && fflush(stdout) != 0)
        rc = -1;
    status = rc != 0 || rr->failed ? FC_EXIT_FAILURE : damaged ? FC_EXIT_DAMAGED : FC_EXIT_OK;
    json_decref(rr->columns);
    free(rr);
    return status;
}
