/* Flow and packet selection for extract: see extract-select.h. */
#include "cmd/extract-select.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"

void fc_selection_init(struct fc_selection *s)
{
    memset(s, 0, sizeof *s);
    s->from = INT64_MIN;
    s->to = INT64_MAX;
    s->first_packet = 1;
    s->last_packet = UINT64_MAX;
}

void fc_selection_free(struct fc_selection *s)
{
    free(s->ids);
    s->ids = NULL;
    s->nids = 0;
}

int fc_selection_add_id(struct fc_selection *s, const char *text, char *err, size_t errlen)
{
    uint8_t id[FC_INDEX_ID_LEN];
    if (!fc_index_id_parse(text, id)) {
        snprintf(err, errlen, "'%s' is not a flow_id (24 hexadecimal digits)", text);
        return -1;
    }
    if ((s->nids & (s->nids + 1)) == 0 || s->nids == 0) { /* grow at 0, 1, 3, 7 ... */
        void *grown = realloc(s->ids, (2 * s->nids + 2) * sizeof *s->ids);
        if (!grown) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        s->ids = grown;
    }
    memcpy(s->ids[s->nids++], id, FC_INDEX_ID_LEN);
    return 0;
}

int fc_selection_add_ids(struct fc_selection *s, FILE *f, const char *name, char *err,
                         size_t errlen)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        char *end = p + strcspn(p, " \t\r\n#");
        if (end == p)
            continue;
        *end = '\0';
        if (fc_selection_add_id(s, p, err, errlen) != 0) {
            size_t used = strlen(err);
            snprintf(err + used, errlen - used, " (%s, line %lu)", name, lineno);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        rc = -1;
    }
    free(line);
    return rc;
}

static bool parse_proto(const char *t, uint8_t *proto)
{
    static const struct {
        const char *name;
        uint8_t number;
    } names[] = { { "tcp", FC_PROTO_TCP },     { "udp", FC_PROTO_UDP },
                  { "icmp", FC_PROTO_ICMP },   { "icmp6", FC_PROTO_ICMP6 },
                  { "sctp", FC_PROTO_SCTP } };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(t, names[i].name) == 0) {
            *proto = names[i].number;
            return true;
        }
    }
    char *end;
    unsigned long v = strtoul(t, &end, 10);
    *proto = (uint8_t)v;
    return *t && !*end && v <= 255;
}

static bool parse_port(const char *t, uint16_t *port)
{
    char *end;
    unsigned long v = strtoul(t, &end, 10);
    *port = (uint16_t)v;
    return *t && !*end && v <= 65535;
}

static int parse_addr(const char *t, uint8_t out[16], uint8_t *version)
{
    memset(out, 0, 16);
    if (inet_pton(AF_INET, t, out) == 1)
        return *version = 4;
    if (inet_pton(AF_INET6, t, out) == 1)
        return *version = 6;
    return 0;
}

int fc_selection_set_tuple(struct fc_selection *s, const char *text, char *err, size_t errlen)
{
    char *copy = strdup(text);
    char *field[6] = { 0 };
    int n = 0;
    for (char *save = NULL, *t = copy ? strtok_r(copy, ",", &save) : NULL; t && n < 6;
         t = strtok_r(NULL, ",", &save))
        field[n++] = t;
    uint8_t v0 = 0, v1 = 0;
    bool ok = n == 5 && parse_proto(field[0], &s->proto) &&
              parse_addr(field[1], s->addr[0], &v0) && parse_port(field[2], &s->port[0]) &&
              parse_addr(field[3], s->addr[1], &v1) && parse_port(field[4], &s->port[1]) &&
              v0 == v1;
    free(copy);
    if (!ok) {
        snprintf(err, errlen,
                 "'%s' is not PROTO,ADDR,PORT,ADDR,PORT (two addresses of one IP version)",
                 text);
        return -1;
    }
    s->ip_version = v0;
    s->has_tuple = true;
    return 0;
}

int fc_selection_set_packets(struct fc_selection *s, const char *text, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long long a = strtoull(text, &end, 10), b = a;
    bool ok = end != text && errno == 0 && a >= 1;
    if (ok && *end == '-') {
        const char *rest = end + 1;
        b = *rest ? strtoull(rest, &end, 10) : UINT64_MAX;
        if (!*rest)
            end = (char *)rest;
        ok = errno == 0 && b >= a;
    }
    if (!ok || *end) {
        snprintf(err, errlen, "'%s' is not N, N-M or N- (packets counted from 1)", text);
        return -1;
    }
    s->first_packet = a;
    s->last_packet = b;
    return 0;
}

int fc_selection_set_direction(struct fc_selection *s, const char *text, char *err,
                               size_t errlen)
{
    if (strcmp(text, "both") == 0)
        s->direction = FC_DIRECTION_BOTH;
    else if (strcmp(text, "src") == 0)
        s->direction = FC_DIRECTION_SRC;
    else if (strcmp(text, "dst") == 0)
        s->direction = FC_DIRECTION_DST;
    else {
        snprintf(err, errlen, "'%s' is not src, dst or both", text);
        return -1;
    }
    return 0;
}

static bool tuple_matches(const struct fc_selection *s, const struct fc_index_flow *f)
{
    if (f->proto != s->proto || f->ip_version != s->ip_version)
        return false;
    for (int o = 0; o < 2; o++) { /* either orientation */
        if (memcmp(f->src, s->addr[o], 16) == 0 && memcmp(f->dst, s->addr[!o], 16) == 0 &&
            f->sport == s->port[o] && f->dport == s->port[!o])
            return true;
    }
    return false;
}

bool fc_selection_matches(const struct fc_selection *s, const struct fc_index_flow *f)
{
    if (f->last_ts < s->from || f->first_ts > s->to)
        return false;
    if (s->community_id && strcmp(s->community_id, f->community_id) != 0)
        return false;
    if (s->has_tuple && !tuple_matches(s, f))
        return false;
    return s->community_id || s->has_tuple;
}

uint64_t fc_selection_packets(const struct fc_selection *s, struct fc_packet_entry *e,
                              uint64_t n)
{
    uint64_t kept = 0, seen = 0;
    for (uint64_t i = 0; i < n; i++) {
        bool wanted_dir = s->direction == FC_DIRECTION_BOTH ||
                          (s->direction == FC_DIRECTION_SRC) == (e[i].dir == 0);
        if (!wanted_dir)
            continue;
        seen++;
        if (seen >= s->first_packet && seen <= s->last_packet)
            e[kept++] = e[i];
    }
    return kept;
}
