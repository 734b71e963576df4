/* The case reader: input expansion, probing and the time-ordered merge. */
#include "formats/case-reader.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/evidence-file.h"
#include "formats/in-source.h"
#include "formats/path.h"

/* A packet that goes back in time by more than this within one stream is
 * reported; smaller steps back happen when a capturing host merges queues
 * or interfaces, and are only counted. */
#define BACKWARD_REPORT_NS FC_NS_PER_SEC

struct open_input {
    struct fc_source *src;
    struct fc_capture *cap;
    struct fc_capture_info *ci;
    struct fc_packet pending; /* the stream's next packet */
    fc_time last_ts;          /* the stream's previous packet time */
    bool has_last;
    size_t rank; /* place in the time order of the inputs, for ties */
    size_t input;
};

struct fc_case {
    struct fc_diag *diag;
    struct fc_input_info *inputs;
    size_t ninputs;
    size_t *order;      /* input indexes by (first packet time, path) */
    fc_time *first_ts;  /* probed first packet time, INT64_MAX when none */
    size_t next_open;   /* next place in `order` to open */
    struct open_input **heap;
    size_t nheap;
    struct open_input *returned; /* its pending packet was handed out last */
    /* The next file in time order, opened ahead so that its first blocks
     * are read and hashed before the merge needs them. */
    struct fc_evidence_file *prefetch;
    size_t prefetch_rank;
    struct fc_capture_table captures;
    size_t captures_cap;
    uint64_t total_bytes;
    uint64_t done_bytes;
};

/* ---- expansion ----------------------------------------------------- */

static int add_input(struct fc_case *k, const char *path, bool named)
{
    struct fc_input_info *grown = realloc(k->inputs, (k->ninputs + 1) * sizeof *grown);
    if (!grown)
        return -1;
    k->inputs = grown;
    struct fc_input_info *in = &k->inputs[k->ninputs];
    memset(in, 0, sizeof *in);
    if (!(in->path = strdup(path)))
        return -1;
    in->named = named;
    k->ninputs++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files under dir, in name order, recursively. Symbolic
 * links to directories are not followed (they could loop). */
static int walk(struct fc_case *k, const char *dir, unsigned depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (add_input(k, dir, true) != 0)
            return -1;
        struct fc_input_info *in = &k->inputs[k->ninputs - 1];
        fc_diag_report(k->diag, &in->log, dir, NULL, FC_DIAG_ERROR, FC_DIAG_NO_PACKET, 0,
                       "cannot read directory: %s", strerror(errno));
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char *path = rc == 0 ? fc_path_join(dir, names[i]) : NULL;
        if (path) {
            struct stat st, lst;
            if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(path, &st) == 0 &&
                S_ISDIR(st.st_mode)) {
                /* not followed */
            } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                rc = depth < 64 ? walk(k, path, depth + 1) : 0;
            } else if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) {
                rc = add_input(k, path, false);
            }
        } else if (rc == 0) {
            rc = -1;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int expand(struct fc_case *k, char *const *paths, size_t npaths)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        int rc = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode) ? walk(k, paths[i], 0)
                                                                 : add_input(k, paths[i], true);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* ---- probing and order ---------------------------------------------- */

static const struct fc_case *sort_case; /* qsort has no context argument */

static int compare_order(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    fc_time ti = sort_case->first_ts[i], tj = sort_case->first_ts[j];
    if (ti != tj)
        return ti < tj ? -1 : 1;
    int c = strcmp(sort_case->inputs[i].path, sort_case->inputs[j].path);
    return c ? c : (i > j) - (i < j);
}

struct fc_case *fc_case_open(char *const *paths, size_t npaths, struct fc_diag *diag)
{
    struct fc_case *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->diag = diag;
    if (expand(k, paths, npaths) != 0)
        goto fail;
    k->order = calloc(k->ninputs + 1, sizeof *k->order);
    k->first_ts = calloc(k->ninputs + 1, sizeof *k->first_ts);
    k->heap = calloc(k->ninputs + 1, sizeof *k->heap);
    if (!k->order || !k->first_ts || !k->heap)
        goto fail;
    for (size_t i = 0; i < k->ninputs; i++) {
        struct stat st;
        if (stat(k->inputs[i].path, &st) == 0) {
            k->total_bytes += (uint64_t)st.st_size;
            k->inputs[i].mtime = fc_stat_mtime(&st);
            k->inputs[i].has_mtime = true;
        }
        k->first_ts[i] = fc_source_first_time(&k->inputs[i]);
        k->order[i] = i;
    }
    sort_case = k;
    qsort(k->order, k->ninputs, sizeof *k->order, compare_order);
    sort_case = NULL;
    return k;
fail:
    fc_case_free(k);
    return NULL;
}

/* ---- the merge ------------------------------------------------------- */

static bool before(const struct open_input *a, const struct open_input *b)
{
    if (a->pending.ts != b->pending.ts)
        return a->pending.ts < b->pending.ts;
    if (a->rank != b->rank)
        return a->rank < b->rank;
    return a->pending.where.input < b->pending.where.input;
}

static void heap_push(struct fc_case *k, struct open_input *o)
{
    size_t i = k->nheap++;
    k->heap[i] = o;
    while (i > 0 && before(k->heap[i], k->heap[(i - 1) / 2])) {
        struct open_input *t = k->heap[i];
        k->heap[i] = k->heap[(i - 1) / 2];
        k->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static struct open_input *heap_pop(struct fc_case *k)
{
    struct open_input *top = k->heap[0];
    k->heap[0] = k->heap[--k->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < k->nheap && before(k->heap[l], k->heap[m]))
            m = l;
        if (r < k->nheap && before(k->heap[r], k->heap[m]))
            m = r;
        if (m == i)
            break;
        struct open_input *t = k->heap[i];
        k->heap[i] = k->heap[m];
        k->heap[m] = t;
        i = m;
    }
    return top;
}

static int register_capture(struct fc_case *k, struct fc_capture_info *ci)
{
    if (k->captures.n == k->captures_cap) {
        size_t cap = k->captures_cap ? k->captures_cap * 2 : 16;
        struct fc_capture_info **grown = realloc(k->captures.items, cap * sizeof *grown);
        if (!grown)
            return -1;
        k->captures.items = grown;
        k->captures_cap = cap;
    }
    k->captures.items[k->captures.n++] = ci;
    return 0;
}

/* Notes a packet older than the one before it in its stream. */
static void check_order(struct fc_case *k, struct open_input *o)
{
    const struct fc_packet *p = &o->pending;
    if (o->has_last && p->ts < o->last_ts) {
        o->ci->out_of_order++;
        if (o->last_ts - p->ts > BACKWARD_REPORT_NS)
            fc_capture_info_report(k->diag, o->ci, FC_DIAG_NOTICE, p->where.number,
                                   p->where.offset,
                                   "time goes back by %.6f s to the packet before",
                                   (double)(o->last_ts - p->ts) / 1e9);
    }
    o->last_ts = p->ts;
    o->has_last = true;
}

/* Moves o to its next packet, opening the next capture stream of its file
 * when one ends. Returns false when the file has no more packets. */
static bool advance(struct fc_case *k, struct open_input *o)
{
    while (o->cap) {
        if (fc_capture_next(o->cap, &o->pending)) {
            check_order(k, o);
            return true;
        }
        fc_source_end_capture(o->src, o->cap);
        o->cap = NULL;
        o->has_last = false;
        uint32_t index = (uint32_t)k->captures.n;
        struct fc_capture *c = fc_source_next(o->src, index);
        if (c) {
            struct fc_input_info *in = &k->inputs[o->input];
            o->ci = in->captures[in->ncaptures - 1];
            if (register_capture(k, o->ci) != 0) {
                fc_source_end_capture(o->src, c);
                return false;
            }
            o->cap = c;
        }
    }
    return false;
}

static void close_input(struct fc_case *k, struct open_input *o)
{
    fc_source_close(o->src);
    k->done_bytes += k->inputs[o->input].size;
    free(o);
}

/* The evidence file prefetched for place `rank` of the order, if any. */
static struct fc_evidence_file *take_prefetch(struct fc_case *k, size_t rank)
{
    struct fc_evidence_file *f = NULL;
    if (k->prefetch && k->prefetch_rank == rank) {
        f = k->prefetch;
        k->prefetch = NULL;
    }
    return f;
}

/* Starts reading the file at place `rank` ahead of its turn. */
static void prefetch(struct fc_case *k, size_t rank)
{
    if (k->prefetch || rank >= k->ninputs || k->first_ts[k->order[rank]] == INT64_MAX)
        return;
    const char *path = k->inputs[k->order[rank]].path;
    if (fc_source_needs_seeking(path))
        return;
    k->prefetch = fc_evidence_open(path); /* a failure is reported when its turn comes */
    k->prefetch_rank = rank;
}

/* Opens the input at place `rank` of the order and loads its first packet. */
static void open_input(struct fc_case *k, size_t rank)
{
    size_t i = k->order[rank];
    struct fc_evidence_file *ahead = take_prefetch(k, rank);
    struct open_input *o = calloc(1, sizeof *o);
    struct fc_source *src =
        o ? fc_source_open(&k->inputs[i], FC_SOURCE_READ, k->diag, ahead) : NULL;
    prefetch(k, rank + 1);
    if (!src) {
        free(o);
        return;
    }
    o->src = src;
    o->rank = rank;
    o->input = i;
    uint32_t index = (uint32_t)k->captures.n;
    o->cap = fc_source_next(src, index);
    if (o->cap) {
        struct fc_input_info *in = &k->inputs[i];
        o->ci = in->captures[in->ncaptures - 1];
        if (register_capture(k, o->ci) != 0) {
            fc_source_end_capture(src, o->cap);
            o->cap = NULL;
        }
    }
    if (advance(k, o))
        heap_push(k, o);
    else
        close_input(k, o);
}

bool fc_case_next(struct fc_case *k, struct fc_packet *p)
{
    if (k->returned) {
        struct open_input *o = k->returned;
        k->returned = NULL;
        if (advance(k, o))
            heap_push(k, o);
        else
            close_input(k, o);
    }
    /* Open every file whose first packet is due before the earliest
     * pending one; files without packets are opened (and their problems
     * reported) once the others are done. */
    while (k->next_open < k->ninputs &&
           (k->nheap == 0 || k->first_ts[k->order[k->next_open]] <= k->heap[0]->pending.ts))
        open_input(k, k->next_open++);
    if (k->nheap == 0)
        return false;
    struct open_input *o = heap_pop(k);
    *p = o->pending;
    k->returned = o;
    return true;
}

size_t fc_case_ninputs(const struct fc_case *k)
{
    return k->ninputs;
}

struct fc_input_info *fc_case_input(struct fc_case *k, size_t i)
{
    return &k->inputs[i];
}

void fc_case_capture_place(struct fc_case *k, uint32_t c, size_t *input, size_t *position)
{
    const struct fc_capture_info *ci = k->captures.items[c];
    *input = (size_t)(ci->input - k->inputs);
    for (*position = 0; ci->input->captures[*position] != ci; (*position)++)
        ;
}

const struct fc_capture_table *fc_case_captures(const struct fc_case *k)
{
    return &k->captures;
}

uint64_t fc_case_total_bytes(const struct fc_case *k)
{
    return k->total_bytes;
}

uint64_t fc_case_position(const struct fc_case *k)
{
    uint64_t pos = k->done_bytes;
    for (size_t i = 0; i < k->nheap; i++)
        pos += fc_source_position(k->heap[i]->src);
    if (k->returned)
        pos += fc_source_position(k->returned->src);
    return pos;
}

void fc_case_finish(struct fc_case *k)
{
    if (k->returned) {
        heap_push(k, k->returned);
        k->returned = NULL;
    }
    while (k->nheap > 0) {
        struct open_input *o = heap_pop(k);
        if (o->cap)
            fc_source_end_capture(o->src, o->cap);
        close_input(k, o);
    }
    /* Inputs never opened (the run stopped early) are still hashed and
     * described, so the manifest covers every file. */
    while (k->next_open < k->ninputs) {
        size_t rank = k->next_open++;
        struct fc_source *src = fc_source_open(&k->inputs[k->order[rank]], FC_SOURCE_READ,
                                               k->diag, take_prefetch(k, rank));
        fc_source_close(src);
    }
}

void fc_case_free(struct fc_case *k)
{
    if (!k)
        return;
    fc_evidence_close(k->prefetch, NULL);
    for (size_t i = 0; i < k->ninputs; i++)
        fc_input_info_free(&k->inputs[i]);
    free(k->inputs);
    free(k->order);
    free(k->first_ts);
    free(k->heap);
    free(k->captures.items);
    free(k);
}
