/* The flowcase subcommands. */
#ifndef FC_COMMANDS_H
#define FC_COMMANDS_H

int fc_cmd_convert(int argc, char **argv);
int fc_cmd_read(int argc, char **argv);
int fc_cmd_ua(int argc, char **argv);
int fc_cmd_verify(int argc, char **argv);
int fc_cmd_extract(int argc, char **argv);

#endif
