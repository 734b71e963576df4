/* The command line as typed, kept by main() for the evidence manifest. */
#ifndef FC_CMDLINE_H
#define FC_CMDLINE_H

void fc_cmdline_set(int argc, char **argv);
char **fc_cmdline_argv(int *argc);

#endif
