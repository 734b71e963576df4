/* The command line as typed: see cmdline.h. */
#include "cmd/cmdline.h"

#include <stdlib.h>
#include <string.h>

static int saved_argc;
static char **saved_argv;

/* A copy of the pointer array: GNU getopt reorders argv as it parses. */
void fc_cmdline_set(int argc, char **argv)
{
    static char **copy;
    free(copy);
    copy = malloc((size_t)(argc + 1) * sizeof *copy);
    if (copy)
        memcpy(copy, argv, (size_t)(argc + 1) * sizeof *copy);
    saved_argc = argc;
    saved_argv = copy ? copy : argv;
}

char **fc_cmdline_argv(int *argc)
{
    *argc = saved_argc;
    return saved_argv;
}
