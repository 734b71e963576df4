/* HTTP transactions: see http-tx.h. */
#include "core/http-tx.h"

bool fc_http_tx_put_text(struct fc_http_tx *tx, enum fc_http_text which, const void *p,
                         size_t len)
{
    return fc_text_arena_put(&tx->arena, &tx->text[which], p, len);
}
