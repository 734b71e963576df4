/* Reading chosen packets back: see packet-fetch.h. */
#include "formats/packet-fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/in-source.h"

/* A wanted packet is usually far from the one before: read little at a
 * time, so that a few scattered packets cost a few small reads. */
#define RANDOM_READ 16384u

struct fd_source {
    int fd;
    uint64_t pos;
};

static ssize_t fd_read(void *ctx, void *buf, size_t n)
{
    struct fd_source *f = ctx;
    if (n > RANDOM_READ)
        n = RANDOM_READ;
    for (;;) {
        ssize_t got = pread(f->fd, buf, n, (off_t)f->pos);
        if (got >= 0) {
            f->pos += (uint64_t)got;
            return got;
        }
        if (errno != EINTR)
            return -1;
    }
}

static int fd_seek(void *ctx, uint64_t offset)
{
    struct fd_source *f = ctx;
    f->pos = offset;
    return 0;
}

struct walk {
    struct fc_capture *c;
    const struct fc_fetch_capture *want;
    const char *name; /* path[:member], for messages */
    fc_fetch_packet fn;
    void *arg;
    char *err;
    size_t errlen;
};

static int deliver(struct walk *w, size_t which, const struct fc_packet *p)
{
    struct fc_capture_iface iface;
    if (!fc_capture_interface(w->c, p->interface, &iface)) {
        snprintf(w->err, w->errlen, "%s: the packet at byte %llu has no interface", w->name,
                 (unsigned long long)p->where.offset);
        return -1;
    }
    return w->fn(w->arg, w->want, which, p, &iface, fc_capture_ts_units(w->c));
}

static int missing(struct walk *w, uint64_t offset)
{
    snprintf(w->err, w->errlen,
             "%s: no packet record at byte %llu of the capture, where the index puts one: "
             "the input is not the one converted, or the index is not this conversion's",
             w->name, (unsigned long long)offset);
    return -1;
}

/* Visits the interface blocks and the wanted records in offset order. */
static int walk_by_offset(struct walk *w)
{
    const struct fc_fetch_capture *x = w->want;
    size_t ci = 0;
    for (size_t wi = 0; wi < x->noffsets; wi++) {
        struct fc_packet p;
        for (; ci < x->ncontexts && x->contexts[ci] < x->offsets[wi]; ci++) {
            if (fc_capture_read_at(w->c, x->contexts[ci], 0, &p) != 0) {
                snprintf(w->err, w->errlen,
                         "%s: no section or interface block at byte %llu, where the index "
                         "puts one: the input is not the one converted",
                         w->name, (unsigned long long)x->contexts[ci]);
                return -1;
            }
        }
        if (fc_capture_read_at(w->c, x->offsets[wi], x->numbers[wi], &p) != 1 ||
            p.where.offset != x->offsets[wi])
            return missing(w, x->offsets[wi]);
        if (deliver(w, wi, &p) != 0)
            return -1;
    }
    return 0;
}

/* The capture's interface blocks are not all known: read it through. */
static int walk_through(struct walk *w)
{
    const struct fc_fetch_capture *x = w->want;
    size_t wi = 0;
    struct fc_packet p;
    while (wi < x->noffsets && fc_capture_next(w->c, &p)) {
        if (p.where.offset < x->offsets[wi])
            continue;
        if (p.where.offset > x->offsets[wi])
            return missing(w, x->offsets[wi]);
        if (deliver(w, wi++, &p) != 0)
            return -1;
    }
    return wi == x->noffsets ? 0 : missing(w, x->offsets[wi]);
}

static int walk(struct walk *w)
{
    return w->want->contexts_complete ? walk_by_offset(w) : walk_through(w);
}

static int fetch_plain(const char *path, const struct fc_fetch_capture *want, struct walk *w,
                       struct fc_diag *diag)
{
    struct fd_source src = { open(path, O_RDONLY | O_CLOEXEC), 0 };
    if (src.fd < 0) {
        snprintf(w->err, w->errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct fc_input_info in = { .path = (char *)path };
    struct fc_capture_info ci = { .input = &in };
    w->c = fc_capture_open(fd_read, &src, &ci, want->index, FC_DIAG_ERROR, diag);
    int rc = -1;
    if (w->c) {
        fc_capture_set_seek(w->c, fd_seek);
        rc = walk(w);
    } else {
        snprintf(w->err, w->errlen, "%s: not a capture any more", path);
    }
    fc_capture_close(w->c);
    free(ci.contexts);
    fc_diag_log_free(&ci.log);
    close(src.fd);
    return rc;
}

static int fetch_members(const char *path, const struct fc_fetch_capture *captures, size_t n,
                         struct walk *w, struct fc_diag *diag)
{
    struct fc_input_info in = { .path = strdup(path) };
    struct fc_source *s = in.path ? fc_source_open(&in, FC_SOURCE_FETCH, diag, NULL) : NULL;
    size_t k = 0;
    int rc = 0;
    struct fc_capture *c;
    while (s && rc == 0 && k < n && (c = fc_source_next(s, captures[k].index))) {
        uint32_t position = (uint32_t)(in.ncaptures - 1);
        if (position == captures[k].position) {
            const char *member = in.captures[position]->member;
            char name[1024];
            snprintf(name, sizeof name, "%s%s%s", path, member ? ":" : "", member ? member : "");
            w->c = c;
            w->want = &captures[k++];
            w->name = name;
            rc = walk(w);
        }
        fc_source_end_capture(s, c);
    }
    if (rc == 0 && k < n)
        snprintf(w->err, w->errlen,
                 "%s: capture stream %u, which the index names, is not in the file",
                 path, captures[k].position + 1);
    fc_source_close(s);
    fc_input_info_free(&in);
    return rc == 0 && k == n ? 0 : -1;
}

int fc_fetch_file(const char *path, bool plain, const struct fc_fetch_capture *captures,
                  size_t ncaptures, fc_fetch_packet fn, void *arg, struct fc_diag *diag,
                  char *err, size_t errlen)
{
    struct walk w = { .name = path, .fn = fn, .arg = arg, .err = err, .errlen = errlen };
    if (!plain)
        return fetch_members(path, captures, ncaptures, &w, diag);
    if (ncaptures != 1 || captures[0].position != 0) {
        snprintf(err, errlen, "%s: the index names capture streams a plain file cannot hold",
                 path);
        return -1;
    }
    w.want = &captures[0];
    return fetch_plain(path, &captures[0], &w, diag);
}
