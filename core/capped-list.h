/*
 * Lists of a fixed capacity inside parsed messages: values past the cap
 * are counted in `dropped`, never written out of bounds.
 */
#ifndef FC_CORE_CAPPED_LIST_H
#define FC_CORE_CAPPED_LIST_H

#include <stdint.h>

/* A list of values in wire order. */
#define FC_CAPPED_LIST(type, cap) \
    struct {                      \
        uint16_t n;               \
        uint32_t dropped;         \
        type v[cap];              \
    }

#define FC_LIST_CAP(l) (sizeof(l).v / sizeof(l).v[0])

/* Appends x, or counts it dropped when the list is full. Evaluates x once
 * either way: x is often a read that must advance. */
#define FC_LIST_PUSH(l, x)            \
    do {                              \
        if ((l).n < FC_LIST_CAP(l)) { \
            (l).v[(l).n++] = (x);     \
        } else {                      \
            (void)(x);                \
            (l).dropped++;            \
        }                             \
    } while (0)

#endif
