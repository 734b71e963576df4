/*
 * uap-core's regexes.yaml (https://github.com/ua-parser/uap-core, Debian
 * package uap-core): the three ordered lists of user-agent, OS and device
 * patterns with their replacements, read with libyaml.
 */
#ifndef FC_FORMATS_UAP_YAML_H
#define FC_FORMATS_UAP_YAML_H

#include <stddef.h>

#include "core/useragent.h"

#define FC_UAP_DEFAULT_REGEXES "/usr/share/uap-core/regexes.yaml"

/* Reads `path`; on failure returns -1 with a message naming the file and
 * line in err. */
int fc_uap_load(const char *path, struct fc_ua_rules *rules, char *err, size_t errlen);

#endif
