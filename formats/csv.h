/* CSV text cells (RFC 4180), shared by the CSV writers and their tests. */
#ifndef FC_CSV_H
#define FC_CSV_H

#include <stdio.h>

#include "formats/value.h"

/* Writes s as one field: quoted, with quotes doubled, when it holds a
 * comma, a double quote, CR or LF. */
void fc_csv_put_text(FILE *out, const char *s);

/* A value as a CSV field: empty for null, numbers as in the JSON lines. */
void fc_csv_put_value(FILE *out, const struct fc_value *v);

#endif
