/* Typed field values: see value.h. */
#include "formats/value.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "core/timefmt.h"

/* nfdump's fixed-width notation: one column per flag, '.' when unset. */
static const char tcp_letters[] = "CEUAPRSF"; /* CWR ECE URG ACK PSH RST SYN FIN */

const char *fc_value_text(const struct fc_value *v, char buf[FC_VALUE_TEXT])
{
    switch (v->kind) {
    case FC_VALUE_STRING:
        return v->s;
    case FC_VALUE_TIME:
        fc_format_time(v->ns, buf);
        return buf;
    case FC_VALUE_IPV4:
    case FC_VALUE_IPV6:
        return inet_ntop(v->kind == FC_VALUE_IPV4 ? AF_INET : AF_INET6, v->bytes, buf,
                         FC_VALUE_TEXT);
    case FC_VALUE_MAC:
        snprintf(buf, FC_VALUE_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", v->bytes[0], v->bytes[1],
                 v->bytes[2], v->bytes[3], v->bytes[4], v->bytes[5]);
        return buf;
    case FC_VALUE_TCP_FLAGS:
        for (int i = 0; i < 8; i++)
            buf[i] = v->u & (0x80u >> i) ? tcp_letters[i] : '.';
        buf[8] = '\0';
        return buf;
    default:
        return NULL;
    }
}
