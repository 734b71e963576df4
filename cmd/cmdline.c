/* The command line as typed: see cmdline.h. */
#include "cmd/cmdline.h"

static int saved_argc;
static char **saved_argv;

void fc_cmdline_set(int argc, char **argv)
{
    saved_argc = argc;
    saved_argv = argv;
}

char **fc_cmdline_argv(int *argc)
{
    *argc = saved_argc;
    return saved_argv;
}
