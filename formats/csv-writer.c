/*
 * CSV per RFC 4180: a header row of the field names (groups flattened
 * with dots, "tcp.src_mss"), CRLF line ends, and a field quoted when it
 * holds a comma, a double quote, CR or LF, with quotes doubled. A value
 * that does not apply is an empty field. Numbers are written as in the
 * JSON lines, so both formats read alike.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "formats/csv.h"
#include "formats/section.h"
#include "formats/writer.h"

void fc_csv_put_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void fc_csv_put_value(FILE *out, const struct fc_value *v)
{
    char buf[FC_VALUE_TEXT];
    switch (v->kind) {
    case FC_VALUE_NULL:
        break;
    case FC_VALUE_UINT:
        fprintf(out, "%" PRIu64, v->u);
        break;
    case FC_VALUE_BOOL:
        fputs(v->b ? "true" : "false", out);
        break;
    case FC_VALUE_SECONDS:
        fc_format_seconds(v->ns, buf, sizeof buf);
        fputs(buf, out);
        break;
    default:
        fc_csv_put_text(out, fc_value_text(v, buf));
        break;
    }
}

static int csv_write(struct fc_writer *w, const struct fc_row *row)
{
    for (size_t i = 0; i < FC_FIELD_COUNT; i++) {
        if (fc_field_section((enum fc_field_id)i))
            continue;
        if (i > 0)
            fputc(',', w->out);
        fc_csv_put_value(w->out, &row->v[i]);
    }
    fputs("\r\n", w->out);
    return ferror(w->out) ? -1 : 0;
}

static const struct fc_writer_ops csv_ops = {
    .write = csv_write,
    .close = fc_writer_release,
};

struct fc_writer *fc_csv_writer_open(FILE *out, bool owns_out)
{
    struct fc_writer *w = fc_writer_new(&csv_ops, out, owns_out, sizeof(struct fc_writer));
    if (!w)
        return NULL;
    char column[64];
    for (size_t i = 0; i < FC_FIELD_COUNT; i++) {
        if (fc_field_section((enum fc_field_id)i))
            continue;
        fc_field_column(&fc_fields[i], column, sizeof column);
        if (i > 0)
            fputc(',', out);
        fc_csv_put_text(out, column);
    }
    fputs("\r\n", out);
    return w;
}
