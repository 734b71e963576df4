/*
 * Line protocols that can turn into TLS mid-stream (STARTTLS): SMTP (RFC
 * 3207), IMAP and POP3 (RFC 2595), FTP (RFC 4217, AUTH TLS), IRC (IRCv3
 * tls extension). The protocol is recognised by the first line of either
 * side and becomes the flow's `app`; its lines are read until the client
 * asks for TLS and the server agrees. From then on each side's bytes are
 * TLS: they go to the TLS dissector (core/dissect-tls.c, used through its
 * fc_dissector table), which fills the record's `tls` and `certificates`
 * as for TLS from the first byte.
 *
 * The client asks in its own direction and may send its ClientHello only
 * after the server's go-ahead, so the client's bytes after the command line
 * are TLS; the server's after its positive reply. A refused STARTTLS
 * leaves the client speaking text to the TLS reader, which gives up on it
 * (l7.tls.lost).
 */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/dissect.h"

extern const struct fc_dissector fc_dissector_tls;

enum proto { UNKNOWN_220, SMTP, FTP, IMAP, POP3, IRC };

static const char *const app_names[] = {
    [UNKNOWN_220] = "smtp", /* a 220 greeting nobody answered yet: SMTP is likelier */
    [SMTP] = "smtp", [FTP] = "ftp", [IMAP] = "imap", [POP3] = "pop3", [IRC] = "irc",
};

#define LINE_MAX_LEN 512 /* RFC 5321 4.5.3.1.4 and RFC 2812 2.3 allow 512 */

struct side {
    char line[LINE_MAX_LEN];
    uint16_t len;
    bool long_line; /* the line went past the buffer: its rest is skipped */
    bool tls;       /* the side's bytes are TLS from now on */
};

struct starttls_state {
    int proto; /* enum proto; -1 before a line told */
    struct side side[2];
    char tag[32];   /* IMAP: the tag of the client's STARTTLS */
    bool asked;     /* the client asked for TLS */
    void *tls;      /* the TLS dissector's state, once a side is TLS */
    bool tls_failed;
};

/* ------------------------------------------------------------------ probe */

static bool starts_ci(struct fc_span s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (s.len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s.p[i];
        if (c >= 'a' && c <= 'z')
            c = (uint8_t)(c - 32);
        if (c != (uint8_t)prefix[i])
            return false;
    }
    return true;
}

static unsigned spaces(struct fc_span s)
{
    unsigned n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += s.p[i] == ' ';
    return n;
}

/* The line after an IMAP tag ("a001 STARTTLS" -> "STARTTLS"), or an empty
 * span when the line has no tag-like first word. */
static struct fc_span after_tag(struct fc_span line)
{
    struct fc_span rest = line;
    struct fc_span tag = fc_span_split(&rest, ' ');
    if (tag.len == 0 || tag.len >= 32 || rest.len == 0)
        return (struct fc_span){ line.p, 0 };
    for (size_t i = 0; i < tag.len; i++) {
        if (tag.p[i] <= ' ' || tag.p[i] > '~' || tag.p[i] == '*' || tag.p[i] == '+')
            return (struct fc_span){ line.p, 0 };
    }
    return rest;
}

/* What a server's first line says. */
static int server_opener(struct fc_span l)
{
    if (l.len >= 4 && memcmp(l.p, "220", 3) == 0 && (l.p[3] == ' ' || l.p[3] == '-'))
        return UNKNOWN_220;
    if (starts_ci(l, "* OK"))
        return IMAP;
    if (starts_ci(l, "+OK"))
        return POP3;
    if (l.len > 1 && l.p[0] == ':' && spaces(l) >= 2)
        return IRC;
    return -1;
}

/* What a client's line says (its first, or one after a 220 greeting). */
static int client_opener(struct fc_span l)
{
    if (starts_ci(l, "EHLO ") || starts_ci(l, "HELO ") || starts_ci(l, "MAIL FROM:"))
        return SMTP;
    if (starts_ci(l, "AUTH TLS") || starts_ci(l, "AUTH SSL") || starts_ci(l, "FEAT") ||
        starts_ci(l, "SYST"))
        return FTP;
    if (starts_ci(l, "NICK ") || starts_ci(l, "CAP LS") || (l.len == 8 && starts_ci(l, "STARTTLS")))
        return IRC;
    if (starts_ci(l, "USER "))
        return spaces(l) >= 3 ? IRC : FTP; /* IRC's USER has four parameters */
    if ((l.len == 4 && starts_ci(l, "STLS")) || (l.len == 4 && starts_ci(l, "CAPA")))
        return POP3;
    struct fc_span cmd = after_tag(l);
    if (starts_ci(cmd, "CAPABILITY") || starts_ci(cmd, "STARTTLS") || starts_ci(cmd, "LOGIN "))
        return IMAP;
    return -1;
}

static bool printable_line(const uint8_t *p, size_t len, struct fc_span *line)
{
    struct fc_cursor c = fc_cursor_make(p, len);
    if (!fc_cursor_line(&c, line))
        return false;
    for (size_t i = 0; i < line->len; i++) {
        if (line->p[i] < 0x20 || line->p[i] > 0x7e)
            return false;
    }
    return true;
}

static enum fc_probe starttls_probe(const struct fc_probe_ctx *pc, const uint8_t *p, size_t len)
{
    struct fc_span line;
    if (!printable_line(p, len, &line)) {
        bool text = true;
        for (size_t i = 0; i < len && text; i++)
            text = p[i] >= 0x20 && p[i] <= 0x7e;
        return text && len < LINE_MAX_LEN ? FC_PROBE_MORE : FC_PROBE_NO;
    }
    int proto = pc->dir == 0 ? client_opener(line) : server_opener(line);
    return proto >= 0 ? FC_PROBE_YES : FC_PROBE_NO;
}

/* ------------------------------------------------------------------ lines */

static void starttls_init(void *state)
{
    ((struct starttls_state *)state)->proto = -1;
}

/* The client's line: the protocol it reveals, and its STARTTLS. */
static void client_line(struct starttls_state *st, struct fc_span l)
{
    int proto = client_opener(l);
    if (proto >= 0 && (st->proto < 0 || (st->proto == UNKNOWN_220 && (proto == SMTP || proto == FTP))))
        st->proto = proto;
    if (st->proto == UNKNOWN_220 && l.len == 8 && starts_ci(l, "STARTTLS"))
        st->proto = SMTP;
    bool ask = false;
    switch (st->proto) {
    case SMTP:
    case IRC: ask = l.len == 8 && starts_ci(l, "STARTTLS"); break;
    case FTP: ask = starts_ci(l, "AUTH TLS") || starts_ci(l, "AUTH SSL"); break;
    case POP3: ask = l.len == 4 && starts_ci(l, "STLS"); break;
    case IMAP: {
        struct fc_span cmd = after_tag(l);
        ask = cmd.len == 8 && starts_ci(cmd, "STARTTLS");
        if (ask) {
            size_t n = (size_t)(cmd.p - l.p) - 1;
            memcpy(st->tag, l.p, n);
            st->tag[n] = '\0';
        }
        break;
    }
    default: break;
    }
    st->asked |= ask;
}

/* The server's line: its go-ahead after the client asked. */
static bool server_agrees(const struct starttls_state *st, struct fc_span l)
{
    switch (st->proto) {
    case SMTP:
    case UNKNOWN_220: return l.len >= 4 && memcmp(l.p, "220 ", 4) == 0;
    case FTP: return l.len >= 4 && memcmp(l.p, "234 ", 4) == 0;
    case POP3: return starts_ci(l, "+OK");
    case IMAP: {
        size_t n = strlen(st->tag);
        return l.len > n + 3 && memcmp(l.p, st->tag, n) == 0 && starts_ci(
            (struct fc_span){ l.p + n, l.len - n }, " OK");
    }
    case IRC: { /* RPL_STARTTLS: ":server 670 nick :STARTTLS successful" */
        struct fc_span rest = l;
        fc_span_split(&rest, ' ');
        return rest.len >= 4 && memcmp(rest.p, "670 ", 4) == 0;
    }
    }
    return false;
}

static void server_line(struct starttls_state *st, struct fc_span l)
{
    if (st->proto < 0)
        st->proto = server_opener(l);
}

/* A complete line of direction dir; true when the direction turns TLS
 * after it. */
static bool line(struct starttls_state *st, unsigned dir, struct fc_span l)
{
    if (dir == 0) {
        client_line(st, l);
        return st->asked;
    }
    if (st->asked && server_agrees(st, l))
        return true;
    server_line(st, l);
    return false;
}

/* ------------------------------------------------------------------- TLS */

static void to_tls(struct starttls_state *st, const struct fc_l7_ctx *ctx, unsigned dir,
                   const uint8_t *p, size_t len)
{
    if (!st->tls && !st->tls_failed) {
        if ((st->tls = calloc(1, fc_dissector_tls.state_size)))
            fc_dissector_tls.init(st->tls);
        st->tls_failed = !st->tls;
    }
    if (st->tls && len)
        fc_dissector_tls.data(st->tls, ctx, dir, p, len);
}

static void starttls_data(void *state, const struct fc_l7_ctx *ctx, unsigned dir,
                          const uint8_t *p, size_t len)
{
    struct starttls_state *st = state;
    struct side *s = &st->side[dir];
    while (len && !s->tls) {
        const uint8_t *lf = memchr(p, '\n', len);
        size_t take = lf ? (size_t)(lf - p) + 1 : len;
        size_t room = sizeof s->line - s->len;
        size_t keep = take < room ? take : room;
        memcpy(s->line + s->len, p, keep);
        s->len = (uint16_t)(s->len + keep);
        s->long_line |= keep < take;
        p += take;
        len -= take;
        if (!lf)
            break;
        struct fc_span l = { (const uint8_t *)s->line, s->len - 1 };
        if (l.len && l.p[l.len - 1] == '\r')
            l.len--;
        if (!s->long_line && line(st, dir, l)) {
            s->tls = true;
            to_tls(st, ctx, dir, NULL, 0);
        }
        s->len = 0;
        s->long_line = false;
    }
    if (s->tls)
        to_tls(st, ctx, dir, p, len);
}

static void starttls_gap(void *state, const struct fc_l7_ctx *ctx, unsigned dir, uint64_t len)
{
    struct starttls_state *st = state;
    if (st->side[dir].tls && st->tls)
        fc_dissector_tls.gap(st->tls, ctx, dir, len);
    else
        st->side[dir].len = 0; /* the line is lost; the next one is read */
}

/* Done once both sides are TLS and the TLS reader is. */
static bool starttls_finished(void *state)
{
    struct starttls_state *st = state;
    return st->side[0].tls && st->side[1].tls && st->tls && fc_dissector_tls.finished(st->tls);
}

static void starttls_emit(void *state, const struct fc_l7_ctx *ctx, struct fc_flow_record *r,
                          bool last)
{
    struct starttls_state *st = state;
    if (st->tls && st->side[1].tls) /* the server agreed */
        fc_dissector_tls.emit(st->tls, ctx, r, last);
    r->app = st->proto >= 0 ? app_names[st->proto] : NULL;
}

static void starttls_exported(void *state)
{
    struct starttls_state *st = state;
    if (st->tls)
        fc_dissector_tls.exported(st->tls);
}

static void starttls_release(void *state)
{
    struct starttls_state *st = state;
    if (st->tls) {
        fc_dissector_tls.release(st->tls);
        free(st->tls);
    }
}

const struct fc_dissector fc_dissector_starttls = {
    .name = NULL, /* set by emit: the protocol recognised */
    .proto = FC_PROTO_TCP,
    .probe = starttls_probe,
    .state_size = sizeof(struct starttls_state),
    .init = starttls_init,
    .data = starttls_data,
    .gap = starttls_gap,
    .finished = starttls_finished,
    .emit = starttls_emit,
    .exported = starttls_exported,
    .release = starttls_release,
};
