/*
 * The texts of one reported item (an HTTP transaction, a certificate) in
 * one growing buffer: each text is a NUL-terminated copy, found by its
 * offset + 1 (0 meaning absent), so an item holds one pointer and a few
 * 32-bit offsets instead of a fixed-size array per text.
 */
#ifndef FC_CORE_TEXT_ARENA_H
#define FC_CORE_TEXT_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fc_text_arena {
    char *p;
    uint32_t len;
    uint32_t cap;
};

/* Room for `more` further bytes without growing again (exactly that much
 * when the arena is empty); false when out of memory. */
bool fc_text_arena_reserve(struct fc_text_arena *a, size_t more);

/* Stores a copy of p[0..len) and sets *slot to its offset + 1 (an earlier
 * text of the slot stays in the buffer). False when out of memory. */
bool fc_text_arena_put(struct fc_text_arena *a, uint32_t *slot, const void *p, size_t len);

/* The text at slot, NULL when absent. */
static inline const char *fc_text_arena_get(const struct fc_text_arena *a, uint32_t slot)
{
    return slot ? a->p + slot - 1 : NULL;
}

#endif
