/*
 * The evidence manifest (manifest.json): what a run read and wrote, with
 * hashes, so that a record can be traced to its evidence and a result
 * checked years later (`flowcase verify`). It is the one output that holds
 * wall-clock times; everything else a run writes is byte-identical between
 * runs.
 */
#ifndef FC_MANIFEST_H
#define FC_MANIFEST_H

#include <jansson.h>

#include "formats/diag.h"
#include "formats/options.h"

struct fc_manifest_output {
    const char *name; /* relative to the output directory */
};

struct fc_manifest_run {
    char **argv; /* the command line as typed */
    int argc;
    const struct fc_options *options;
    fc_time started; /* wall clock, ns since the epoch */
    fc_time finished;
    int exit_status;
    struct fc_input_info *const *inputs;
    size_t ninputs;
    const char *output_dir;
    const char *const *outputs; /* file names in output_dir, hashed when written */
    size_t noutputs;
    const char *ua_regexes; /* the user-agent patterns used, hashed; NULL: none */
};

/* One evidence file and its capture streams, as both the manifest and the
 * summaries describe them. */
json_t *fc_manifest_input_json(const struct fc_input_info *in);

/* Hashes the outputs and writes output_dir/manifest.json (through a
 * temporary name). Returns 0, or -1 with a message in err. */
int fc_manifest_write(const struct fc_manifest_run *run, char *err, size_t errlen);

/* Wall-clock time now, for the manifest. */
fc_time fc_manifest_now(void);

#endif
