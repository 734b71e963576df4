/* What every record writer shares. */
#include "formats/writer.h"

#include <stdlib.h>

int fc_writer_release(struct fc_writer *w)
{
    int rc = fflush(w->out) == 0 && !ferror(w->out) ? 0 : -1;
    if (w->owns_out && fclose(w->out) != 0)
        rc = -1;
    free(w);
    return rc;
}
