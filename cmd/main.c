/* flowcase: packet-capture evidence to flow records. Subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "version.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "convert", fc_cmd_convert, "read captures and write bidirectional flow records" },
    { "extract", fc_cmd_extract, "write the packets of chosen flows, as the evidence holds them" },
    { "read", fc_cmd_read, "read IPFIX files into JSON lines or CSV" },
    { "ua", fc_cmd_ua, "tell the browser, OS and device that User-Agent strings name" },
    { "verify", fc_cmd_verify, "check the inputs and outputs of a conversion against its manifest" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: flowcase COMMAND [OPTIONS]\n"
                 "       flowcase --version | --help\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'flowcase COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    fc_cmdline_set(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return FC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("flowcase %s\n", FC_VERSION);
        return FC_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return FC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "flowcase: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return FC_EXIT_USAGE;
}
