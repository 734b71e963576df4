/* File paths. */
#ifndef FC_PATH_H
#define FC_PATH_H

/* "dir/name" in fresh memory (no doubled slash), or NULL. */
char *fc_path_join(const char *dir, const char *name);

#endif
