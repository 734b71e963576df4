/* File paths: see path.h. */
#include "formats/path.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *fc_path_join(const char *dir, const char *name)
{
    size_t len = strlen(dir);
    bool slash = len > 0 && dir[len - 1] == '/';
    size_t n = len + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", dir, slash ? "" : "/", name);
    return p;
}

fc_time fc_stat_mtime(const struct stat *st)
{
    return (fc_time)st->st_mtim.tv_sec * FC_NS_PER_SEC + st->st_mtim.tv_nsec;
}
