/* What every record writer shares. */
#include "formats/writer.h"

#include <stdlib.h>

struct fc_writer *fc_writer_new(const struct fc_writer_ops *ops, FILE *out, bool owns_out,
                                size_t size)
{
    struct fc_writer *w = calloc(1, size);
    if (!w)
        return NULL;
    w->ops = ops;
    w->out = out;
    w->owns_out = owns_out;
    return w;
}

int fc_writer_release(struct fc_writer *w)
{
    int rc = fflush(w->out) == 0 && !ferror(w->out) ? 0 : -1;
    if (w->owns_out && fclose(w->out) != 0)
        rc = -1;
    free(w);
    return rc;
}
