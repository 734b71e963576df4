/*
 * A section's CSV file (http.csv, ...): one row per item, keyed by the
 * record's flow_id and seq, then its place in the record's list (0-based),
 * then the section's fields (a group's as "group.name"); the same CSV
 * conventions as flows.csv.
 */
#include "formats/csv.h"
#include "formats/section.h"
#include "formats/writer.h"

struct section_csv_writer {
    struct fc_writer base;
    const struct fc_section *section;
};

static int section_csv_write(struct fc_writer *base, const struct fc_row *row)
{
    const struct fc_section *s = ((struct section_csv_writer *)base)->section;
    const struct fc_value *list = NULL;
    for (int i = 0; i < FC_FIELD_COUNT && !list; i++) {
        if (row->v[i].kind == FC_VALUE_ITEMS && row->v[i].section == s->id)
            list = &row->v[i];
    }
    struct fc_value v[FC_SECTION_MAX_FIELDS];
    for (uint64_t i = 0; list && i < list->u; i++) {
        fc_csv_put_value(base->out, &row->v[FC_F_get_flow_id]);
        fputc(',', base->out);
        fc_csv_put_value(base->out, &row->v[FC_F_get_seq]);
        fprintf(base->out, ",%llu", (unsigned long long)i);
        fc_section_values(s, (const char *)list->items + i * s->item_size, v);
        for (unsigned f = 0; f < s->nfields; f++) {
            fputc(',', base->out);
            fc_csv_put_value(base->out, &v[f]);
        }
        fputs("\r\n", base->out);
    }
    return ferror(base->out) ? -1 : 0;
}

static const struct fc_writer_ops section_csv_ops = {
    .write = section_csv_write,
    .close = fc_writer_release,
};

struct fc_writer *fc_section_csv_writer_open(FILE *out, bool owns_out,
                                             const struct fc_section *s)
{
    struct section_csv_writer *w = (struct section_csv_writer *)fc_writer_new(
        &section_csv_ops, out, owns_out, sizeof(struct section_csv_writer));
    if (!w)
        return NULL;
    w->section = s;
    fputs("flow_id,seq,index", out);
    for (unsigned f = 0; f < s->nfields; f++) {
        fputc(',', out);
        if (s->fields[f].group)
            fprintf(out, "%s.", s->fields[f].group);
        fc_csv_put_text(out, s->fields[f].name);
    }
    fputs("\r\n", out);
    return &w->base;
}
