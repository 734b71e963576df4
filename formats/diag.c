/* Evidence diagnostics: see diag.h. */
#include "formats/diag.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void fc_diag_report(struct fc_diag *d, struct fc_input_info *in, enum fc_diag_level level,
                    uint64_t packet, uint64_t offset, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    unsigned seen = in->warnings + in->errors;
    if (level == FC_DIAG_ERROR)
        in->errors++;
    else
        in->warnings++;
    if (in->nmessages < FC_DIAG_KEEP) {
        struct fc_diag_message *m = &in->messages[in->nmessages];
        m->level = level;
        m->packet = packet;
        m->offset = offset;
        m->text = strdup(text);
        if (m->text)
            in->nmessages++;
    }
    if (!d->out || seen > d->max_print)
        return;
    const char *what = level == FC_DIAG_ERROR ? "error" : "warning";
    if (seen == d->max_print) {
        fprintf(d->out, "flowcase: %s: %s: further problems in this file are only counted\n",
                what, in->path);
    } else if (packet != FC_DIAG_NO_PACKET) {
        fprintf(d->out, "flowcase: %s: %s: packet %" PRIu64 " at byte offset %" PRIu64 ": %s\n",
                what, in->path, packet, offset, text);
    } else {
        fprintf(d->out, "flowcase: %s: %s: at byte offset %" PRIu64 ": %s\n", what, in->path,
                offset, text);
    }
}

void fc_input_info_note_linktype(struct fc_input_info *in, uint32_t linktype)
{
    for (unsigned i = 0; i < in->nlinktypes; i++) {
        if (in->linktypes[i] == linktype)
            return;
    }
    if (in->nlinktypes < sizeof in->linktypes / sizeof in->linktypes[0])
        in->linktypes[in->nlinktypes++] = linktype;
}

void fc_input_info_free(struct fc_input_info *in)
{
    for (unsigned i = 0; i < in->nmessages; i++)
        free(in->messages[i].text);
    free(in->path);
    memset(in, 0, sizeof *in);
}
