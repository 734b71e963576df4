/* JSON strings from bytes that may not be UTF-8. */
#ifndef FC_JSON_TEXT_H
#define FC_JSON_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* A JSON string holding `s` losslessly: valid UTF-8 as it is; otherwise
 * every byte outside printable ASCII, and the backslash, written as the
 * four characters \xHH (Zeek's log escaping), so the bytes can be
 * recovered exactly. NULL only when out of memory. */
json_t *fc_json_text(const char *s, size_t n);

#endif
