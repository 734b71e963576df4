/* The extractor's spool: see extract-spool.h. */
#include "cmd/extract-spool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "formats/path.h"

struct spooled {
    uint64_t at; /* of its bytes (data, then comment) in the file */
    fc_time ts;
    uint64_t ts_units;
    uint32_t capture;
    uint32_t iface; /* in the interface table */
    uint32_t caplen;
    uint32_t wirelen;
    uint32_t comment_len;
};

struct iface_entry {
    uint32_t capture;
    uint32_t section;
    uint32_t id;
    struct fc_out_interface out;
};

struct fc_spool {
    int fd;
    uint64_t size;
    struct spooled *items;
    uint64_t n;
    uint64_t cap;
    struct iface_entry *ifaces;
    uint32_t nifaces;
    uint32_t last_iface; /* a packet's interface is most often the one before's */
};

struct fc_spool *fc_spool_open(const char *dir, char *err, size_t errlen)
{
    struct fc_spool *sp = calloc(1, sizeof *sp);
    char *tmpl = fc_path_join(dir, ".flowcase-extract-XXXXXX");
    if (sp && tmpl && (sp->fd = mkstemp(tmpl)) >= 0) {
        unlink(tmpl); /* gone when closed, whatever happens */
        free(tmpl);
        return sp;
    }
    snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
    free(tmpl);
    free(sp);
    return NULL;
}

void fc_spool_free(struct fc_spool *sp)
{
    if (!sp)
        return;
    close(sp->fd);
    for (uint32_t i = 0; i < sp->nifaces; i++)
        free((char *)sp->ifaces[i].out.description);
    free(sp->ifaces);
    free(sp->items);
    free(sp);
}

uint64_t fc_spool_packets(const struct fc_spool *sp)
{
    return sp->n;
}

static bool write_all(int fd, const void *buf, size_t n, uint64_t at)
{
    for (size_t done = 0; done < n;) {
        ssize_t put = pwrite(fd, (const uint8_t *)buf + done, n - done, (off_t)(at + done));
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        done += (size_t)put;
    }
    return true;
}

static bool read_all(int fd, void *buf, size_t n, uint64_t at)
{
    for (size_t done = 0; done < n;) {
        ssize_t got = pread(fd, (uint8_t *)buf + done, n - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EIO;
            return false;
        }
        done += (size_t)got;
    }
    return true;
}

/* The interface table entry of (capture, section, id), added if new. */
static int find_iface(struct fc_spool *sp, uint32_t capture, const struct fc_capture_iface *in,
                      uint32_t id, const char *describe, uint32_t *out)
{
    for (uint32_t k = 0; k < sp->nifaces; k++) {
        uint32_t i = (sp->last_iface + k) % sp->nifaces;
        const struct iface_entry *e = &sp->ifaces[i];
        if (e->capture == capture && e->section == in->section && e->id == id) {
            *out = sp->last_iface = i;
            return 0;
        }
    }
    struct iface_entry *grown = realloc(sp->ifaces, (sp->nifaces + 1) * sizeof *grown);
    if (!grown)
        return -1;
    sp->ifaces = grown;
    struct iface_entry *e = &sp->ifaces[sp->nifaces];
    *e = (struct iface_entry){ capture, in->section, id,
                               { .linktype = in->linktype,
                                 .snaplen = in->snaplen,
                                 .tsresol = in->tsresol,
                                 .tsoffset = in->tsoffset,
                                 .description = describe ? strdup(describe) : NULL } };
    *out = sp->last_iface = sp->nifaces++;
    return 0;
}

int fc_spool_add(struct fc_spool *sp, uint32_t capture, const struct fc_capture_iface *iface,
                 uint32_t id, const char *describe, const struct fc_packet *p,
                 uint64_t ts_units, const char *comment)
{
    if (sp->n == sp->cap) {
        uint64_t cap = sp->cap ? 2 * sp->cap : 256;
        struct spooled *grown = realloc(sp->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        sp->items = grown;
        sp->cap = cap;
    }
    struct spooled *s = &sp->items[sp->n];
    size_t clen = comment ? strlen(comment) : 0;
    *s = (struct spooled){ .at = sp->size, .ts = p->ts, .ts_units = ts_units,
                           .capture = capture, .caplen = p->caplen, .wirelen = p->wirelen,
                           .comment_len = (uint32_t)clen };
    if (find_iface(sp, capture, iface, id, describe, &s->iface) != 0 ||
        !write_all(sp->fd, p->data, p->caplen, sp->size) ||
        !write_all(sp->fd, comment ? comment : "", clen, sp->size + p->caplen))
        return -1;
    sp->size += p->caplen + clen;
    sp->n++;
    return 0;
}

/* ---- Writing in time order: a k-way merge of the capture streams ---- */

struct run {
    uint64_t next; /* its next item */
    uint64_t end;
};

static bool before(const struct fc_spool *sp, const struct run *a, const struct run *b)
{
    const struct spooled *x = &sp->items[a->next], *y = &sp->items[b->next];
    return x->ts != y->ts ? x->ts < y->ts : x->capture < y->capture;
}

static void sift_down(const struct fc_spool *sp, struct run *heap, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && before(sp, &heap[l], &heap[m]))
            m = l;
        if (r < n && before(sp, &heap[r], &heap[m]))
            m = r;
        if (m == i)
            return;
        struct run t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
}

/* The runs of items of one capture stream, as a heap by their heads. */
static struct run *make_runs(const struct fc_spool *sp, size_t *nruns)
{
    size_t n = 0;
    for (uint64_t i = 0; i < sp->n; i++)
        n += i == 0 || sp->items[i].capture != sp->items[i - 1].capture;
    struct run *heap = calloc(n + 1, sizeof *heap);
    size_t k = 0;
    for (uint64_t i = 0; heap && i < sp->n; i++) {
        if (i == 0 || sp->items[i].capture != sp->items[i - 1].capture)
            heap[k++].next = i;
        heap[k - 1].end = i + 1;
    }
    for (size_t i = n / 2; heap && i-- > 0;)
        sift_down(sp, heap, n, i);
    *nruns = n;
    return heap;
}

static int write_one(struct fc_spool *sp, struct fc_out_capture *w, const struct spooled *s,
                     uint8_t *buf)
{
    if (!read_all(sp->fd, buf, (size_t)s->caplen + s->comment_len, s->at))
        return -1;
    buf[s->caplen + s->comment_len] = '\0';
    struct fc_out_packet op = { .interface = s->iface,
                                .ts_units = s->ts_units,
                                .caplen = s->caplen,
                                .wirelen = s->wirelen,
                                .data = buf,
                                .comment = s->comment_len ? (char *)buf + s->caplen : NULL };
    return fc_out_capture_write(w, &op);
}

int fc_spool_write(struct fc_spool *sp, FILE *out, bool pcapng, enum fc_out_format *format)
{
    struct fc_out_interface *ifs = calloc(sp->nifaces + 1, sizeof *ifs);
    bool comments = false;
    uint32_t longest = 0;
    for (uint64_t i = 0; i < sp->n; i++) {
        comments |= sp->items[i].comment_len > 0;
        if (sp->items[i].caplen + sp->items[i].comment_len > longest)
            longest = sp->items[i].caplen + sp->items[i].comment_len;
    }
    for (uint32_t i = 0; ifs && i < sp->nifaces; i++)
        ifs[i] = sp->ifaces[i].out;
    size_t nruns = 0;
    struct run *heap = make_runs(sp, &nruns);
    uint8_t *buf = malloc((size_t)longest + 1);
    *format = pcapng ? FC_OUT_PCAPNG : fc_out_capture_choose(ifs, sp->nifaces, comments);
    struct fc_out_capture *w =
        ifs && heap && buf ? fc_out_capture_open(out, *format, ifs, sp->nifaces) : NULL;
    int rc = w ? 0 : -1;
    while (rc == 0 && nruns > 0) {
        rc = write_one(sp, w, &sp->items[heap[0].next], buf);
        if (++heap[0].next == heap[0].end)
            heap[0] = heap[--nruns];
        sift_down(sp, heap, nruns, 0);
    }
    if (w && fc_out_capture_close(w) != 0)
        rc = -1;
    free(buf);
    free(heap);
    free(ifs);
    return rc;
}
