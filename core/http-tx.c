/* HTTP transactions: see http-tx.h. */
#include "core/http-tx.h"

#include <stdlib.h>
#include <string.h>

bool fc_http_tx_put_text(struct fc_http_tx *tx, enum fc_http_text which, const void *p,
                         size_t len)
{
    if (len > UINT32_MAX - 1 - tx->arena_len)
        return false;
    uint32_t need = tx->arena_len + (uint32_t)len + 1;
    if (need > tx->arena_cap) {
        uint32_t cap = tx->arena_cap ? tx->arena_cap : 256;
        while (cap < need)
            cap = cap > UINT32_MAX / 2 ? need : cap * 2;
        char *a = realloc(tx->arena, cap);
        if (!a)
            return false;
        tx->arena = a;
        tx->arena_cap = cap;
    }
    memcpy(tx->arena + tx->arena_len, p, len);
    tx->arena[tx->arena_len + len] = '\0';
    tx->text[which] = tx->arena_len + 1;
    tx->arena_len = need;
    return true;
}
