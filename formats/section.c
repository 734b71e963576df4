/* The sections of the flow record: see section.h. */
#include "formats/section.h"

#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "core/text-arena.h"

#include "formats/certificate-fields.h"
#include "formats/dhcp-fields.h"
#include "formats/dns-fields.h"
#include "formats/dns-record-fields.h"
#include "formats/http-fields.h"
#include "formats/icmp-fields.h"
#include "formats/icmp-quoted-fields.h"
#include "formats/quic-fields.h"
#include "formats/smb-fields.h"
#include "formats/sip-fields.h"
#include "formats/tunnel-fields.h"
#include "formats/ssh-fields.h"
#include "formats/tls-fields.h"

const struct fc_section *const fc_sections[FC_SECTION_COUNT] = {
    [FC_SECTION_HTTP] = &fc_section_http,
    [FC_SECTION_TLS] = &fc_section_tls,
    [FC_SECTION_CERTIFICATES] = &fc_section_certificates,
    [FC_SECTION_SSH] = &fc_section_ssh,
    [FC_SECTION_DNS] = &fc_section_dns,
    [FC_SECTION_DNS_RECORDS] = &fc_section_dns_records,
    [FC_SECTION_ICMP] = &fc_section_icmp,
    [FC_SECTION_ICMP_QUOTED] = &fc_section_icmp_quoted,
    [FC_SECTION_DHCP] = &fc_section_dhcp,
    [FC_SECTION_QUIC] = &fc_section_quic,
    [FC_SECTION_SMB] = &fc_section_smb,
    [FC_SECTION_SIP] = &fc_section_sip,
    [FC_SECTION_TUNNEL] = &fc_section_tunnel,
};

const struct fc_section *fc_field_section(enum fc_field_id f)
{
    return f >= FC_FIRST_SECTION_FIELD ? fc_sections[f - FC_FIRST_SECTION_FIELD] : NULL;
}

enum fc_field_id fc_section_field(const struct fc_section *s)
{
    return (enum fc_field_id)(FC_FIRST_SECTION_FIELD + s->id);
}

void fc_arena_item_values(const struct fc_arena_source *src, unsigned n, const void *item,
                          const struct fc_text_arena *arena, const uint32_t *slots,
                          struct fc_value *v)
{
    memset(v, 0, n * sizeof *v);
    for (unsigned f = 0; f < n; f++) {
        if (src[f].text < 0) {
            src[f].get(item, &v[f]);
            continue;
        }
        const char *s = fc_text_arena_get(arena, slots[src[f].text]);
        if (s) {
            v[f].kind = FC_VALUE_STRING;
            v[f].s = s;
        }
    }
}

bool fc_arena_item_from_values(const struct fc_arena_source *src, unsigned n, void *item,
                               struct fc_text_arena *arena, uint32_t *slots,
                               const struct fc_value *v)
{
    for (unsigned f = 0; f < n; f++) {
        if (src[f].text < 0)
            src[f].set(item, &v[f]);
        else if (v[f].kind == FC_VALUE_STRING &&
                 !fc_text_arena_put(arena, &slots[src[f].text], v[f].s, strlen(v[f].s)))
            return false;
    }
    return true;
}

void fc_fixed_item_values(const struct fc_fixed_source *src, unsigned n, const void *item,
                          struct fc_value *v)
{
    memset(v, 0, n * sizeof *v);
    for (unsigned f = 0; f < n; f++) {
        if (!src[f].size) {
            src[f].get(item, &v[f]);
            continue;
        }
        const char *s = (const char *)item + src[f].offset;
        if (s[0]) {
            v[f].kind = FC_VALUE_STRING;
            v[f].s = s;
        }
    }
}

void fc_fixed_item_from_values(const struct fc_fixed_source *src, unsigned n, void *item,
                               const struct fc_value *v)
{
    for (unsigned f = 0; f < n; f++) {
        if (!src[f].size)
            src[f].set(item, &v[f]);
        else if (v[f].kind == FC_VALUE_STRING)
            snprintf((char *)item + src[f].offset, src[f].size, "%s", v[f].s);
    }
}

void fc_section_values(const struct fc_section *s, const void *item, struct fc_value *v)
{
    const char *base = item;
    if (s->fixed)
        fc_fixed_item_values(s->fixed, s->nfields, item, v);
    else if (s->arena)
        fc_arena_item_values(s->arena, s->nfields, item,
                             (const struct fc_text_arena *)(base + s->arena_at),
                             (const uint32_t *)(base + s->slots_at), v);
    else
        s->values(item, v);
}

bool fc_section_from_values(const struct fc_section *s, void *item, const struct fc_value *v)
{
    char *base = item;
    if (s->fixed) {
        fc_fixed_item_from_values(s->fixed, s->nfields, item, v);
        return true;
    }
    if (!s->arena) {
        bool ok = s->from_values(item, v);
        if (!ok && s->free_item)
            s->free_item(item);
        return ok;
    }
    struct fc_text_arena *arena = (struct fc_text_arena *)(base + s->arena_at);
    if (fc_arena_item_from_values(s->arena, s->nfields, item, arena,
                                  (uint32_t *)(base + s->slots_at), v))
        return true;
    free(arena->p);
    *arena = (struct fc_text_arena){ 0 };
    return false;
}

void fc_section_free_item(const struct fc_section *s, void *item)
{
    if (s->arena) {
        struct fc_text_arena *arena = (struct fc_text_arena *)((char *)item + s->arena_at);
        free(arena->p);
        *arena = (struct fc_text_arena){ 0 };
    } else if (s->free_item) {
        s->free_item(item);
    }
}
