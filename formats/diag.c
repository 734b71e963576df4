/* Evidence diagnostics: see diag.h. */
#include "formats/diag.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *level_name(enum fc_diag_level level)
{
    switch (level) {
    case FC_DIAG_NOTICE:
        return "notice";
    case FC_DIAG_WARNING:
        return "warning";
    case FC_DIAG_ERROR:
        break;
    }
    return "error";
}

void fc_diag_report(struct fc_diag *d, struct fc_diag_log *log, const char *path,
                    const char *member, enum fc_diag_level level, uint64_t packet,
                    uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fc_diag_vreport(d, log, path, member, level, packet, offset, fmt, ap);
    va_end(ap);
}

void fc_diag_vreport(struct fc_diag *d, struct fc_diag_log *log, const char *path,
                     const char *member, enum fc_diag_level level, uint64_t packet,
                     uint64_t offset, const char *fmt, va_list ap)
{
    char text[512];
    vsnprintf(text, sizeof text, fmt, ap);

    unsigned seen = log->notices + log->warnings + log->errors;
    if (level == FC_DIAG_ERROR)
        log->errors++;
    else if (level == FC_DIAG_WARNING)
        log->warnings++;
    else
        log->notices++;
    if (log->nmessages < FC_DIAG_KEEP) {
        struct fc_diag_message *m = &log->messages[log->nmessages];
        m->level = level;
        m->packet = packet;
        m->offset = offset;
        m->text = strdup(text);
        if (m->text)
            log->nmessages++;
    }
    if (!d->out || seen > d->max_print || level < d->print_from)
        return;
    char where[64] = "";
    if (packet != FC_DIAG_NO_PACKET)
        snprintf(where, sizeof where, "packet %" PRIu64 " at ", packet);
    fprintf(d->out, "flowcase: %s: %s%s%s%s: ", level_name(level), path, member ? " (member " : "",
            member ? member : "", member ? ")" : "");
    if (seen == d->max_print)
        fprintf(d->out, "further problems here are only counted (see stats.json)\n");
    else
        fprintf(d->out, "%sbyte offset %" PRIu64 ": %s\n", where, offset, text);
}

void fc_diag_log_free(struct fc_diag_log *log)
{
    for (unsigned i = 0; i < log->nmessages; i++)
        free(log->messages[i].text);
    memset(log, 0, sizeof *log);
}

struct fc_capture_info *fc_capture_info_new(struct fc_input_info *in, const char *member)
{
    struct fc_capture_info **grown =
        realloc(in->captures, (in->ncaptures + 1) * sizeof *in->captures);
    if (!grown)
        return NULL;
    in->captures = grown;
    struct fc_capture_info *ci = calloc(1, sizeof *ci);
    if (!ci)
        return NULL;
    ci->input = in;
    if (member && !(ci->member = strdup(member))) {
        free(ci);
        return NULL;
    }
    in->captures[in->ncaptures++] = ci;
    return ci;
}

void fc_capture_info_note_linktype(struct fc_capture_info *ci, uint32_t linktype)
{
    for (unsigned i = 0; i < ci->nlinktypes; i++) {
        if (ci->linktypes[i] == linktype)
            return;
    }
    if (ci->nlinktypes < sizeof ci->linktypes / sizeof ci->linktypes[0])
        ci->linktypes[ci->nlinktypes++] = linktype;
}

bool fc_input_damaged(const struct fc_input_info *in)
{
    if (fc_diag_log_damaged(&in->log))
        return true;
    for (size_t i = 0; i < in->ncaptures; i++) {
        if (fc_diag_log_damaged(&in->captures[i]->log))
            return true;
    }
    return false;
}

void fc_capture_info_note_context(struct fc_capture_info *ci, uint64_t offset)
{
    if (ci->contexts_overflow)
        return;
    uint32_t n = ci->ncontexts;
    if (n == FC_MAX_CONTEXTS) {
        ci->contexts_overflow = true;
        return;
    }
    if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4 ...: grow to the next power of two */
        uint64_t *grown = realloc(ci->contexts, (n ? 2 * n : 1) * sizeof *grown);
        if (!grown) {
            ci->contexts_overflow = true;
            return;
        }
        ci->contexts = grown;
    }
    ci->contexts[ci->ncontexts++] = offset;
}

void fc_input_info_free(struct fc_input_info *in)
{
    for (size_t i = 0; i < in->ncaptures; i++) {
        struct fc_capture_info *ci = in->captures[i];
        free(ci->contexts);
        fc_diag_log_free(&ci->log);
        free(ci->member);
        free(ci->compression);
        free(ci);
    }
    free(in->captures);
    fc_diag_log_free(&in->log);
    free(in->path);
    free(in->container);
    free(in->compression);
    memset(in, 0, sizeof *in);
}
