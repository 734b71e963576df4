/*
 * The YAML configuration file (--config) and --print-config. The file is
 * one mapping whose keys are the option names of formats/options.c:
 *
 *   output: case-42/flows
 *   format: jsonl,csv
 *   idle_timeout: 120s
 *   inputs: [tap1.pcap, tap2.pcapng]
 */
#ifndef FC_CONFIG_YAML_H
#define FC_CONFIG_YAML_H

#include <stdio.h>

#include "formats/options.h"

/* Applies the file's settings to o. On error returns -1 with a message
 * naming the file, the line and the key. */
int fc_config_load(const char *path, struct fc_options *o, char *err, size_t errlen);

/* Writes the effective configuration as YAML (a valid --config file). */
int fc_config_print(FILE *out, const struct fc_options *o);

#endif
