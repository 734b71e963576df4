/*
 * Reading a conversion's manifest.json back (verify, extract): where each
 * input is now, and whether a file is still the one the manifest names.
 */
#ifndef FC_CASE_MANIFEST_H
#define FC_CASE_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Loads DIR/manifest.json; NULL with a message in err when it is missing
 * or is not a flowcase manifest (with inputs and outputs). */
json_t *fc_case_manifest_load(const char *dir, char *err, size_t errlen);

/* Where an input is now: its absolute path at conversion, else its path
 * as given, from the conversion's working directory, else from here. */
char *fc_case_manifest_locate(json_t *manifest, json_t *input);

/* The index of the input whose path (as named) is `path`, or -1. */
long fc_case_manifest_input_by_path(json_t *manifest, const char *path);

/* The outputs entry named `name`, or NULL. */
json_t *fc_case_manifest_output(json_t *manifest, const char *name);

enum fc_file_check {
    FC_CHECK_SIZE_MTIME, /* size and modification time, as recorded */
    FC_CHECK_SHA256,     /* size and the full SHA-256 */
};

/* Checks that `path` is the file `entry` describes. Returns true when it
 * is; otherwise false with what differs in err. FC_CHECK_SIZE_MTIME
 * compares the modification time only when the entry records one. */
bool fc_case_manifest_check(const char *path, json_t *entry, enum fc_file_check how, char *err,
                            size_t errlen);

#endif
