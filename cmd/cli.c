/*
 * Command-line parsing: getopt_long over options generated from the
 * options table, so every option has the same name on the command line
 * (with dashes) and in the YAML file (with underscores).
 */
#include "cmd/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/config-yaml.h"

enum {
    LONG_CONFIG = 256,
    LONG_PRINT_CONFIG,
    LONG_HELP,
    LONG_NEGATED = 512, /* + index: --no-NAME for a boolean option */
    LONG_TABLE = 1024,  /* + index: an option of the table */
};

#define MAX_LONG_OPTIONS 64

static char long_names[MAX_LONG_OPTIONS][40];

/* Builds the getopt tables from fc_options_table. */
static void build_options(struct option *longs, char *shorts)
{
    size_t n = 0, s = 0;
    for (size_t i = 0; i < fc_options_count; i++) {
        const struct fc_option *opt = &fc_options_table[i];
        if (opt->kind == FC_OPT_INPUTS)
            continue;
        char *name = long_names[n];
        snprintf(name, sizeof long_names[n], "%s", opt->name);
        for (char *c = name; *c; c++)
            *c = *c == '_' ? '-' : *c;
        int has_arg = opt->kind == FC_OPT_BOOL ? no_argument : required_argument;
        longs[n++] = (struct option){ name, has_arg, NULL, LONG_TABLE + (int)i };
        if (opt->kind == FC_OPT_BOOL) {
            memcpy(long_names[n], "no-", 3);
            memcpy(long_names[n] + 3, name, sizeof long_names[n] - 3);
            long_names[n][sizeof long_names[n] - 1] = '\0';
            longs[n] = (struct option){ long_names[n], no_argument, NULL, LONG_NEGATED + (int)i };
            n++;
        }
        if (opt->short_name) {
            shorts[s++] = opt->short_name;
            if (has_arg == required_argument)
                shorts[s++] = ':';
        }
    }
    longs[n++] = (struct option){ "config", required_argument, NULL, LONG_CONFIG };
    longs[n++] = (struct option){ "print-config", no_argument, NULL, LONG_PRINT_CONFIG };
    longs[n++] = (struct option){ "help", no_argument, NULL, LONG_HELP };
    longs[n] = (struct option){ 0 };
    shorts[s++] = 'h';
    shorts[s] = '\0';
}

/* Where build_options() put the option's flag name. */
static size_t flag_index(const struct fc_option *opt)
{
    size_t n = 0;
    for (size_t i = 0; i < fc_options_count && &fc_options_table[i] != opt; i++) {
        if (fc_options_table[i].kind != FC_OPT_INPUTS)
            n += fc_options_table[i].kind == FC_OPT_BOOL ? 2 : 1;
    }
    return n;
}

static const struct fc_option *by_short(char c)
{
    for (size_t i = 0; i < fc_options_count; i++) {
        if (fc_options_table[i].short_name == c)
            return &fc_options_table[i];
    }
    return NULL;
}

/* One getopt pass. The first pass only looks for --config and --help, the
 * second applies the flags over the configuration file's values. */
static enum fc_cli_action pass(int argc, char **argv, struct fc_options *o, bool apply,
                               const char **config, bool *print_config)
{
    struct option longs[MAX_LONG_OPTIONS];
    char shorts[32];
    build_options(longs, shorts);
    optind = 0; /* GNU getopt: restart scanning */
    opterr = apply;
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const struct fc_option *opt = NULL;
        const char *value = optarg;
        if (c == LONG_CONFIG) {
            *config = optarg;
            continue;
        }
        if (c == LONG_PRINT_CONFIG) {
            *print_config = true;
            continue;
        }
        if (c == 'h' || c == LONG_HELP)
            return FC_CLI_HELP;
        if (c == '?')
            return apply ? FC_CLI_ERROR : FC_CLI_RUN;
        if (c >= LONG_TABLE) {
            opt = &fc_options_table[c - LONG_TABLE];
            if (opt->kind == FC_OPT_BOOL)
                value = "true";
        } else if (c >= LONG_NEGATED) {
            opt = &fc_options_table[c - LONG_NEGATED];
            value = "false";
        } else {
            opt = by_short((char)c);
            if (opt && opt->kind == FC_OPT_BOOL)
                value = "true";
        }
        if (!apply || !opt)
            continue;
        char err[256];
        if (fc_option_set(opt, o, value, err, sizeof err) != 0) {
            fprintf(stderr, "flowcase convert: --%s: %s\n", long_names[flag_index(opt)], err);
            return FC_CLI_ERROR;
        }
    }
    return FC_CLI_RUN;
}

enum fc_cli_action fc_cli_parse_convert(int argc, char **argv, struct fc_options *o)
{
    fc_options_defaults(o);
    const char *config = NULL;
    bool print_config = false;
    enum fc_cli_action a = pass(argc, argv, o, false, &config, &print_config);
    if (a == FC_CLI_HELP)
        return a;
    if (config) {
        char err[512];
        if (fc_config_load(config, o, err, sizeof err) != 0) {
            fprintf(stderr, "flowcase convert: --config: %s\n", err);
            return FC_CLI_ERROR;
        }
    }
    a = pass(argc, argv, o, true, &config, &print_config);
    if (a != FC_CLI_RUN)
        return a;
    if (optind < argc) {
        while (o->ninputs) /* inputs named on the command line replace the file's */
            free(o->inputs[--o->ninputs]);
        for (int i = optind; i < argc; i++) {
            if (fc_options_add_input(o, argv[i]) != 0) {
                fprintf(stderr, "flowcase convert: out of memory\n");
                return FC_CLI_ERROR;
            }
        }
    }
    return print_config ? FC_CLI_PRINT_CONFIG : FC_CLI_RUN;
}

void fc_cli_convert_usage(FILE *out)
{
    fprintf(out, "usage: flowcase convert [OPTIONS] -o DIR|- INPUT...\n\n"
                 "Reads a case: pcap and pcapng captures, compressed or in tar, zip, 7z or cpio\n"
                 "archives, and directories of them (recognised by content), merged into one\n"
                 "stream in packet-time order, and writes one record per bidirectional flow,\n"
                 "stats.json and the evidence manifest manifest.json.\n\noptions:\n");
    for (size_t i = 0; i < fc_options_count; i++) {
        const struct fc_option *opt = &fc_options_table[i];
        if (opt->kind == FC_OPT_INPUTS)
            continue;
        char flag[64];
        int n = opt->short_name ? snprintf(flag, sizeof flag, "-%c, --", opt->short_name)
                                : snprintf(flag, sizeof flag, "    --");
        for (const char *c = opt->name; *c && n < (int)sizeof flag - 1; c++)
            flag[n++] = *c == '_' ? '-' : *c;
        flag[n] = '\0';
        if (opt->arg)
            snprintf(flag + n, sizeof flag - (size_t)n, " %s", opt->arg);
        fprintf(out, "  %-28s %s\n", flag, opt->help);
    }
    fprintf(out, "  %-28s %s\n", "    --config FILE",
            "read options from a YAML file; flags given here override it");
    fprintf(out, "  %-28s %s\n", "    --print-config",
            "print the effective configuration as YAML and exit");
    fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
    fprintf(out, "\nexit status: 0 success; 1 the run failed (outputs could not be written);\n"
                 "2 usage, configuration or filter error; 3 some input was damaged or unreadable\n"
                 "(everything readable was converted; see stats.json).\n");
}
