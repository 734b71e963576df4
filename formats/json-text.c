/* Lossless JSON strings: see json-text.h. */
#include "formats/json-text.h"

#include <stdio.h>
#include <stdlib.h>

json_t *fc_json_text(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j)
        return j; /* valid UTF-8 */
    char *buf = malloc(n * 4 + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7f && b != '\\')
            buf[o++] = (char)b;
        else
            o += (size_t)snprintf(buf + o, 5, "\\x%02x", b);
    }
    j = json_stringn(buf, o);
    free(buf);
    return j;
}
