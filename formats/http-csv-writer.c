/*
 * http.csv: one row per HTTP transaction, keyed by the record's flow_id and
 * seq, then its place in the record's `http` array (0-based), then the
 * fields of http-fields.def; the same CSV conventions as flows.csv.
 */
#include "formats/csv.h"
#include "formats/http-fields.h"
#include "formats/writer.h"

static int http_csv_write(struct fc_writer *w, const struct fc_row *row)
{
    const struct fc_value *http = &row->v[FC_F_get_http];
    if (http->kind != FC_VALUE_HTTP)
        return 0;
    struct fc_value v[FC_HTTP_FIELD_COUNT];
    for (uint64_t i = 0; i < http->u; i++) {
        fc_csv_put_value(w->out, &row->v[FC_F_get_flow_id]);
        fputc(',', w->out);
        fc_csv_put_value(w->out, &row->v[FC_F_get_seq]);
        fprintf(w->out, ",%llu", (unsigned long long)i);
        fc_http_tx_values(&http->http[i], v);
        for (size_t f = 0; f < FC_HTTP_FIELD_COUNT; f++) {
            fputc(',', w->out);
            fc_csv_put_value(w->out, &v[f]);
        }
        fputs("\r\n", w->out);
    }
    return ferror(w->out) ? -1 : 0;
}

static const struct fc_writer_ops http_csv_ops = {
    .write = http_csv_write,
    .close = fc_writer_release,
};

struct fc_writer *fc_http_csv_writer_open(FILE *out, bool owns_out)
{
    struct fc_writer *w = fc_writer_new(&http_csv_ops, out, owns_out, sizeof(struct fc_writer));
    if (!w)
        return NULL;
    fputs("flow_id,seq,index", out);
    for (size_t f = 0; f < FC_HTTP_FIELD_COUNT; f++) {
        fputc(',', out);
        if (fc_http_fields[f].group)
            fprintf(out, "%s.", fc_http_fields[f].group);
        fc_csv_put_text(out, fc_http_fields[f].name);
    }
    fputs("\r\n", out);
    return w;
}
