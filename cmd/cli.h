/* Command-line parsing for the subcommands, driven by the options table. */
#ifndef FC_CLI_H
#define FC_CLI_H

#include <stdio.h>

#include "formats/options.h"

enum fc_exit {
    FC_EXIT_OK = 0,
    FC_EXIT_FAILURE = 1, /* the run could not complete: outputs unwritable, out of memory */
    FC_EXIT_USAGE = 2,   /* bad command line, configuration or filter: nothing was read */
    FC_EXIT_DAMAGED = 3, /* some input was unreadable or damaged; all that was readable is in the outputs */
};

enum fc_cli_action {
    FC_CLI_RUN,
    FC_CLI_PRINT_CONFIG,
    FC_CLI_HELP,
    FC_CLI_ERROR,
};

/* Fills o from defaults, --config FILE and the flags, in that order. */
enum fc_cli_action fc_cli_parse_convert(int argc, char **argv, struct fc_options *o);

void fc_cli_convert_usage(FILE *out);

#endif
