/* File paths. */
#ifndef FC_PATH_H
#define FC_PATH_H

#include <sys/stat.h>

#include "core/packet.h"

/* "dir/name" in fresh memory (no doubled slash), or NULL. */
char *fc_path_join(const char *dir, const char *name);

/* A file's modification time, to the nanosecond. */
fc_time fc_stat_mtime(const struct stat *st);

#endif
