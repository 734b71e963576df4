/* The flow index: see flow-index.h. */
#include "formats/flow-index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/decode.h"

#define VERSION 1u
#define HEADER_SIZE 16u
#define TRAILER_SIZE 36u
#define PART_HEAD 17u      /* kind, previous, entries, bytes */
#define TABLE_ENTRY 20u    /* flow_id, offset */
#define CAPTURE_HEAD 22u /* after the path */
#define MAX_PATH_LEN 65535u
#define KIND_PART 1
#define KIND_RECORD 2
#define MAX_PARTS_BYTES (UINT64_C(1) << 40) /* a list beyond 1 TiB is damage */

static const char header_magic[8] = "FCINDEX1";
static const char trailer_magic[8] = "FCINDEXT";

/* ---- Little-endian fields ---- */

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

bool fc_index_id_parse(const char *text, uint8_t id[FC_INDEX_ID_LEN])
{
    if (strlen(text) != 2 * FC_INDEX_ID_LEN)
        return false;
    for (unsigned i = 0; i < 2 * FC_INDEX_ID_LEN; i++) {
        char c = text[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return false;
        if (i % 2 == 0)
            id[i / 2] = (uint8_t)(v << 4);
        else
            id[i / 2] |= (uint8_t)v;
    }
    return true;
}

void fc_index_flow_from_record(const struct fc_flow_record *r, struct fc_index_flow *out)
{
    memset(out, 0, sizeof *out);
    fc_index_id_parse(r->flow_id, out->id);
    out->packets = r->dir[0].packets + r->dir[1].packets;
    out->first_ts = r->first_ts;
    out->last_ts = r->last_ts;
    memcpy(out->src, fc_record_src_addr(r), 16);
    memcpy(out->dst, fc_record_dst_addr(r), 16);
    out->sport = fc_record_src_port(r);
    out->dport = fc_record_dst_port(r);
    out->ip_version = r->key.ip_version;
    out->proto = r->key.proto;
    out->incomplete = r->packets && (r->packets->failed || r->packets->total != out->packets);
    memcpy(out->community_id, r->community_id, sizeof r->community_id);
}

static void encode_entry(const struct fc_index_flow *f, uint8_t b[FC_INDEX_FLOW_SIZE])
{
    memset(b, 0, FC_INDEX_FLOW_SIZE);
    memcpy(b, f->id, FC_INDEX_ID_LEN);
    put_le(b + 12, f->packets, 8);
    put_le(b + 20, (uint64_t)f->first_ts, 8);
    put_le(b + 28, (uint64_t)f->last_ts, 8);
    memcpy(b + 36, f->src, 16);
    memcpy(b + 52, f->dst, 16);
    put_le(b + 68, f->sport, 2);
    put_le(b + 70, f->dport, 2);
    b[72] = f->ip_version;
    b[73] = f->proto;
    b[74] = f->incomplete ? 1 : 0;
    memcpy(b + 76, f->community_id, strnlen(f->community_id, 32));
}

static void decode_entry(const uint8_t b[FC_INDEX_FLOW_SIZE], struct fc_index_flow *f)
{
    memset(f, 0, sizeof *f);
    memcpy(f->id, b, FC_INDEX_ID_LEN);
    f->packets = get_le(b + 12, 8);
    f->first_ts = (fc_time)get_le(b + 20, 8);
    f->last_ts = (fc_time)get_le(b + 28, 8);
    memcpy(f->src, b + 36, 16);
    memcpy(f->dst, b + 52, 16);
    f->sport = (uint16_t)get_le(b + 68, 2);
    f->dport = (uint16_t)get_le(b + 70, 2);
    f->ip_version = b[72];
    f->proto = b[73];
    f->incomplete = b[74] & 1;
    memcpy(f->community_id, b + 76, 32);
    f->community_id[32] = '\0';
}

/* ---- Writing ---- */

struct table_entry {
    uint8_t id[FC_INDEX_ID_LEN];
    uint64_t offset;
};

struct fc_index_writer {
    FILE *f;
    uint64_t pos;
    bool failed;
    struct table_entry *table;
    uint64_t n;
    uint64_t cap;
};

static void put(struct fc_index_writer *w, const void *b, size_t n)
{
    if (n && fwrite(b, 1, n, w->f) != n)
        w->failed = true;
    w->pos += n;
}

struct fc_index_writer *fc_index_writer_open(FILE *f)
{
    struct fc_index_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->f = f;
    uint8_t h[HEADER_SIZE] = { 0 };
    memcpy(h, header_magic, 8);
    put_le(h + 8, VERSION, 4);
    put(w, h, sizeof h);
    return w;
}

/* Writes the list's bytes as a part of the given kind (the entry, when a
 * record's, goes first); returns the part's offset. */
static uint64_t write_part(struct fc_index_writer *w, int kind, const uint8_t *entry,
                           const struct fc_packet_list *l)
{
    uint64_t at = w->pos;
    uint8_t k = (uint8_t)kind;
    put(w, &k, 1);
    if (entry)
        put(w, entry, FC_INDEX_FLOW_SIZE);
    uint8_t h[PART_HEAD - 1];
    put_le(h, l->chain, 8);
    put_le(h + 8, l->count, 4);
    put_le(h + 12, l->len, 4);
    put(w, h, sizeof h);
    put(w, l->buf, l->len);
    return at;
}

void fc_index_spill(struct fc_index_writer *w, struct fc_packet_list *l)
{
    l->chain = write_part(w, KIND_PART, NULL, l);
    fc_packet_list_reset(l, false);
}

void fc_index_add(struct fc_index_writer *w, const struct fc_flow_record *r)
{
    if (w->n == w->cap) {
        uint64_t cap = w->cap ? 2 * w->cap : 1024;
        struct table_entry *grown = realloc(w->table, cap * sizeof *grown);
        if (!grown) {
            w->failed = true;
            errno = ENOMEM;
            return;
        }
        w->table = grown;
        w->cap = cap;
    }
    struct fc_index_flow f;
    fc_index_flow_from_record(r, &f);
    uint8_t entry[FC_INDEX_FLOW_SIZE];
    encode_entry(&f, entry);
    static const struct fc_packet_list none;
    struct table_entry *t = &w->table[w->n++];
    memcpy(t->id, f.id, FC_INDEX_ID_LEN);
    t->offset = write_part(w, KIND_RECORD, entry, r->packets ? r->packets : &none);
}

static int by_id(const void *a, const void *b)
{
    const struct table_entry *x = a, *y = b;
    int c = memcmp(x->id, y->id, FC_INDEX_ID_LEN);
    return c ? c : (x->offset > y->offset) - (x->offset < y->offset);
}

int fc_index_writer_close(struct fc_index_writer *w, const struct fc_index_capture *captures,
                          uint32_t ncaptures)
{
    if (w->n) /* a run without records has no table (qsort wants a non-NULL base) */
        qsort(w->table, w->n, sizeof *w->table, by_id);
    uint64_t flows_at = w->pos;
    for (uint64_t i = 0; i < w->n; i++) {
        uint8_t b[TABLE_ENTRY];
        memcpy(b, w->table[i].id, FC_INDEX_ID_LEN);
        put_le(b + 12, w->table[i].offset, 8);
        put(w, b, sizeof b);
    }
    uint64_t captures_at = w->pos;
    for (uint32_t i = 0; i < ncaptures; i++) {
        const struct fc_index_capture *c = &captures[i];
        size_t len = strlen(c->path);
        uint8_t b[2 + CAPTURE_HEAD] = { 0 };
        if (len > MAX_PATH_LEN) {
            w->failed = true;
            errno = ENAMETOOLONG;
            len = 0;
        }
        put_le(b, len, 2);
        put(w, b, 2);
        put(w, c->path, len);
        put_le(b, c->capture, 4);
        put_le(b + 4, c->packets, 8);
        put_le(b + 12, c->ncontexts, 4);
        b[16] = c->contexts_overflow;
        put(w, b, CAPTURE_HEAD);
        for (uint32_t j = 0; j < c->ncontexts; j++) {
            uint8_t o[8];
            put_le(o, c->contexts[j], 8);
            put(w, o, 8);
        }
    }
    uint8_t t[TRAILER_SIZE];
    put_le(t, flows_at, 8);
    put_le(t + 8, w->n, 8);
    put_le(t + 16, captures_at, 8);
    put_le(t + 24, ncaptures, 4);
    memcpy(t + 28, trailer_magic, 8);
    put(w, t, sizeof t);
    int saved = errno;
    int rc = w->failed || fflush(w->f) != 0 ? -1 : 0;
    if (fclose(w->f) != 0)
        rc = -1;
    else if (rc != 0)
        errno = saved;
    free(w->table);
    free(w);
    return rc;
}

/* ---- Reading ---- */

struct fc_index {
    int fd;
    uint64_t size;
    uint64_t flows_at;
    uint64_t nflows;
    struct fc_index_capture *captures;
    uint32_t ncaptures;
};

static bool read_at(const struct fc_index *x, void *buf, size_t n, uint64_t at)
{
    if (at > x->size || n > x->size - at)
        return false;
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(x->fd, (uint8_t *)buf + done, n - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        done += (size_t)got;
    }
    return true;
}

static bool read_captures(struct fc_index *x, uint64_t at, char *err, size_t errlen)
{
    x->captures = calloc(x->ncaptures + 1, sizeof *x->captures);
    if (!x->captures) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (uint32_t i = 0; i < x->ncaptures; i++) {
        uint8_t b[CAPTURE_HEAD];
        struct fc_index_capture *c = &x->captures[i];
        if (!read_at(x, b, 2, at))
            goto damaged;
        size_t len = (size_t)get_le(b, 2);
        char *path = malloc(len + 1);
        c->path = path;
        if (!path || !read_at(x, path, len, at + 2) || !read_at(x, b, CAPTURE_HEAD, at + 2 + len))
            goto damaged;
        path[len] = '\0';
        c->capture = (uint32_t)get_le(b, 4);
        c->packets = get_le(b + 4, 8);
        c->ncontexts = (uint32_t)get_le(b + 12, 4);
        c->contexts_overflow = b[16] & 1;
        at += 2 + len + CAPTURE_HEAD;
        if (c->ncontexts > FC_MAX_CONTEXTS || (uint64_t)c->ncontexts * 8 > x->size - at)
            goto damaged;
        c->contexts = calloc(c->ncontexts + 1, sizeof *c->contexts);
        uint8_t o[8];
        for (uint32_t j = 0; c->contexts && j < c->ncontexts; j++, at += 8) {
            if (!read_at(x, o, 8, at))
                goto damaged;
            c->contexts[j] = get_le(o, 8);
        }
        if (!c->contexts) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
    }
    return true;
damaged:
    snprintf(err, errlen, "capture table damaged");
    return false;
}

struct fc_index *fc_index_open(const char *path, char *err, size_t errlen)
{
    struct fc_index *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->fd = open(path, O_RDONLY | O_CLOEXEC);
    off_t end = x->fd >= 0 ? lseek(x->fd, 0, SEEK_END) : -1;
    if (end < 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        fc_index_close(x);
        return NULL;
    }
    x->size = (uint64_t)end;
    uint8_t h[HEADER_SIZE], t[TRAILER_SIZE];
    if (!read_at(x, h, sizeof h, 0) || memcmp(h, header_magic, 8) != 0 ||
        !read_at(x, t, sizeof t, x->size - TRAILER_SIZE) ||
        memcmp(t + 28, trailer_magic, 8) != 0) {
        snprintf(err, errlen, "%s is not a complete flowcase index", path);
        fc_index_close(x);
        return NULL;
    }
    if (get_le(h + 8, 4) != VERSION) {
        snprintf(err, errlen, "%s: index version %u, this flowcase reads version %u", path,
                 (unsigned)get_le(h + 8, 4), VERSION);
        fc_index_close(x);
        return NULL;
    }
    x->flows_at = get_le(t, 8);
    x->nflows = get_le(t + 8, 8);
    uint64_t captures_at = get_le(t + 16, 8);
    x->ncaptures = (uint32_t)get_le(t + 24, 4);
    char why[128];
    if (x->flows_at > captures_at || x->nflows > (captures_at - x->flows_at) / TABLE_ENTRY ||
        captures_at > x->size - TRAILER_SIZE ||
        x->ncaptures > (x->size - TRAILER_SIZE - captures_at) / (2 + CAPTURE_HEAD) ||
        !read_captures(x, captures_at, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path,
                 x->captures ? why : "tables out of bounds: the index is damaged");
        fc_index_close(x);
        return NULL;
    }
    return x;
}

void fc_index_close(struct fc_index *x)
{
    if (!x)
        return;
    for (uint32_t i = 0; x->captures && i < x->ncaptures; i++) {
        free(x->captures[i].contexts);
        free((char *)x->captures[i].path);
    }
    free(x->captures);
    if (x->fd >= 0)
        close(x->fd);
    free(x);
}

uint64_t fc_index_nflows(const struct fc_index *x)
{
    return x->nflows;
}

uint32_t fc_index_ncaptures(const struct fc_index *x)
{
    return x->ncaptures;
}

const struct fc_index_capture *fc_index_capture(const struct fc_index *x, uint32_t i)
{
    return i < x->ncaptures ? &x->captures[i] : NULL;
}

static bool table_at(struct fc_index *x, uint64_t i, uint8_t b[TABLE_ENTRY])
{
    return read_at(x, b, TABLE_ENTRY, x->flows_at + i * TABLE_ENTRY);
}

/* Reads the record part's entry at `offset`. */
static int read_entry(struct fc_index *x, uint64_t offset, struct fc_index_flow *out, char *err,
                      size_t errlen)
{
    uint8_t b[1 + FC_INDEX_FLOW_SIZE];
    if (!read_at(x, b, sizeof b, offset) || b[0] != KIND_RECORD) {
        snprintf(err, errlen, "index damaged: no record at offset %llu",
                 (unsigned long long)offset);
        return -1;
    }
    decode_entry(b + 1, out);
    out->offset = offset;
    return 0;
}

int fc_index_flow_at(struct fc_index *x, uint64_t i, struct fc_index_flow *out, char *err,
                     size_t errlen)
{
    uint8_t b[TABLE_ENTRY];
    if (i >= x->nflows)
        return 1;
    if (!table_at(x, i, b)) {
        snprintf(err, errlen, "index damaged: flows table cut short");
        return -1;
    }
    if (read_entry(x, get_le(b + 12, 8), out, err, errlen) != 0)
        return -1;
    if (memcmp(out->id, b, FC_INDEX_ID_LEN) != 0) {
        snprintf(err, errlen, "index damaged: flows table and record disagree");
        return -1;
    }
    return 0;
}

int fc_index_find(struct fc_index *x, const uint8_t id[FC_INDEX_ID_LEN],
                  struct fc_index_flow *out, char *err, size_t errlen)
{
    uint64_t lo = 0, hi = x->nflows;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        uint8_t b[TABLE_ENTRY];
        if (!table_at(x, mid, b)) {
            snprintf(err, errlen, "index damaged: flows table cut short");
            return -1;
        }
        if (memcmp(b, id, FC_INDEX_ID_LEN) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == x->nflows)
        return 1;
    int rc = fc_index_flow_at(x, lo, out, err, errlen);
    return rc != 0 ? rc : memcmp(out->id, id, FC_INDEX_ID_LEN) == 0 ? 0 : 1;
}

/* One part: where its entries are, and the part before it. */
struct part {
    uint64_t bytes_at;
    uint32_t entries;
    uint32_t len;
};

/* Follows the chain of parts back from the record's; returns them
 * oldest first in *parts. */
static int collect_parts(struct fc_index *x, const struct fc_index_flow *f, struct part **parts,
                         size_t *nparts, char *err, size_t errlen)
{
    size_t n = 0, cap = 0;
    struct part *list = NULL;
    uint64_t at = f->offset, total = 0;
    bool record = true;
    while (at != 0) {
        uint8_t h[PART_HEAD];
        uint64_t head_at = at + (record ? 1 + FC_INDEX_FLOW_SIZE : 1);
        uint8_t kind;
        if (!read_at(x, &kind, 1, at) || kind != (record ? KIND_RECORD : KIND_PART) ||
            !read_at(x, h + 1, PART_HEAD - 1, head_at) || get_le(h + 1, 8) >= at)
            goto damaged;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            struct part *grown = realloc(list, cap * sizeof *grown);
            if (!grown)
                goto damaged;
            list = grown;
        }
        list[n] = (struct part){ head_at + PART_HEAD - 1, (uint32_t)get_le(h + 9, 4),
                                 (uint32_t)get_le(h + 13, 4) };
        total += list[n].len;
        if (total > MAX_PARTS_BYTES || list[n].bytes_at + list[n].len > x->size)
            goto damaged;
        n++;
        at = get_le(h + 1, 8);
        record = false;
    }
    for (size_t i = 0; i < n / 2; i++) { /* oldest first */
        struct part t = list[i];
        list[i] = list[n - 1 - i];
        list[n - 1 - i] = t;
    }
    *parts = list;
    *nparts = n;
    return 0;
damaged:
    free(list);
    snprintf(err, errlen, "index damaged: the packet list of a flow cannot be followed");
    return -1;
}

struct fc_packet_entry *fc_index_packets(struct fc_index *x, const struct fc_index_flow *f,
                                         uint64_t *n, char *err, size_t errlen)
{
    struct part *parts;
    size_t nparts;
    if (collect_parts(x, f, &parts, &nparts, err, errlen) != 0)
        return NULL;
    uint64_t total = 0;
    for (size_t i = 0; i < nparts; i++)
        total += parts[i].entries;
    struct fc_packet_entry *out = total <= MAX_PARTS_BYTES ? calloc(total + 1, sizeof *out) : NULL;
    uint64_t got = 0;
    bool ok = out != NULL;
    for (size_t i = 0; ok && i < nparts; i++) {
        uint8_t *buf = malloc(parts[i].len + 1);
        ok = buf && read_at(x, buf, parts[i].len, parts[i].bytes_at);
        size_t pos = 0;
        struct fc_packet_entry last = { 0 };
        uint32_t k = 0;
        while (ok && k < parts[i].entries &&
               fc_packet_list_next(buf, parts[i].len, &pos, &last))
            out[got + k++] = last;
        ok = ok && k == parts[i].entries && pos == parts[i].len;
        got += k;
        free(buf);
    }
    free(parts);
    if (!ok) {
        free(out);
        snprintf(err, errlen, "index damaged: a flow's packet list does not decode");
        return NULL;
    }
    *n = got;
    return out;
}
