/* HTTP transactions as JSON: see http-json.h. */
#include "formats/http-json.h"

#include <string.h>

#include "core/flow.h"
#include "core/timefmt.h"
#include "formats/json-text.h"

static json_t *text(const char *s)
{
    return s ? fc_json_text(s, strlen(s)) : json_null();
}

static json_t *length(int64_t n)
{
    return n >= 0 ? json_integer(n) : json_null();
}

static json_t *instant(fc_time t)
{
    if (t == FC_TIME_UNKNOWN)
        return json_null();
    char buf[FC_TIME_STR];
    fc_format_time(t, buf);
    return json_string(buf);
}

/* Seconds from a to b, exact to the nanosecond (15 significant digits). */
static json_t *between(fc_time a, fc_time b)
{
    if (a == FC_TIME_UNKNOWN || b == FC_TIME_UNKNOWN || b < a)
        return json_null();
    return json_real((double)(b - a) / 1e9);
}

static json_t *one(const struct fc_http_tx *tx)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    bool req = tx->has_request, resp = tx->has_response;
    json_object_set_new(o, "method", text(fc_http_text(tx, FC_HTTP_METHOD)));
    json_object_set_new(o, "host", text(fc_http_text(tx, FC_HTTP_HOST)));
    json_object_set_new(o, "uri", text(fc_http_text(tx, FC_HTTP_URI)));
    json_object_set_new(o, "version", text(fc_http_text(tx, FC_HTTP_VERSION)));
    json_object_set_new(o, "user_agent", text(fc_http_text(tx, FC_HTTP_USER_AGENT)));
    json_object_set_new(o, "referrer", text(fc_http_text(tx, FC_HTTP_REFERRER)));
    json_object_set_new(o, "x_forwarded_for", text(fc_http_text(tx, FC_HTTP_X_FORWARDED_FOR)));
    json_object_set_new(o, "request_content_type", text(fc_http_text(tx, FC_HTTP_REQUEST_CONTENT_TYPE)));
    json_object_set_new(o, "request_content_length", length(tx->request_content_length));
    json_object_set_new(o, "request_body_len", req ? json_integer((json_int_t)tx->request_body_len)
                                                   : json_null());
    json_object_set_new(o, "status", resp ? json_integer(tx->status) : json_null());
    json_object_set_new(o, "reason", text(fc_http_text(tx, FC_HTTP_REASON)));
    json_object_set_new(o, "response_version", text(fc_http_text(tx, FC_HTTP_RESPONSE_VERSION)));
    json_object_set_new(o, "info_status", tx->info_status ? json_integer(tx->info_status)
                                                          : json_null());
    json_object_set_new(o, "server", text(fc_http_text(tx, FC_HTTP_SERVER)));
    json_object_set_new(o, "location", text(fc_http_text(tx, FC_HTTP_LOCATION)));
    json_object_set_new(o, "response_content_type",
                        text(fc_http_text(tx, FC_HTTP_RESPONSE_CONTENT_TYPE)));
    json_object_set_new(o, "response_content_length", length(tx->response_content_length));
    json_object_set_new(o, "response_body_len",
                        resp ? json_integer((json_int_t)tx->response_body_len) : json_null());
    json_object_set_new(o, "request_time", instant(tx->request_ts));
    json_object_set_new(o, "response_time", instant(tx->response_ts));
    json_object_set_new(o, "srt", between(tx->request_end_ts, tx->response_ts));
    json_object_set_new(o, "truncated", json_boolean(tx->truncated));
    json_object_set_new(o, "gap", json_boolean(tx->gap));
    return o;
}

json_t *fc_http_json(const struct fc_http_tx *tx, uint32_t count)
{
    json_t *a = json_array();
    for (uint32_t i = 0; a && i < count; i++) {
        json_t *o = one(&tx[i]);
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}
