/* Per-item text buffers: see text-arena.h. */
#include "core/text-arena.h"

#include <stdlib.h>
#include <string.h>

/* Grows to hold `more` further bytes: a first buffer of `first` bytes at
 * least, then doubling. */
static bool grow(struct fc_text_arena *a, size_t more, uint32_t first)
{
    if (more > UINT32_MAX - a->len)
        return false;
    uint32_t need = a->len + (uint32_t)more;
    if (need <= a->cap)
        return true;
    uint32_t cap = a->cap ? a->cap : first > need ? first : need;
    while (cap < need)
        cap = cap > UINT32_MAX / 2 ? need : cap * 2;
    char *p = realloc(a->p, cap);
    if (!p)
        return false;
    a->p = p;
    a->cap = cap;
    return true;
}

bool fc_text_arena_reserve(struct fc_text_arena *a, size_t more)
{
    return grow(a, more, 0);
}

bool fc_text_arena_put(struct fc_text_arena *a, uint32_t *slot, const void *p, size_t len)
{
    if (len > UINT32_MAX - 1 || !grow(a, len + 1, 256))
        return false;
    memcpy(a->p + a->len, p, len);
    a->p[a->len + len] = '\0';
    *slot = a->len + 1;
    a->len += (uint32_t)len + 1;
    return true;
}
