/* HTTP transaction fields: from a transaction to typed values. */
#include "formats/http-fields.h"

#include <string.h>

#include "core/flow.h"

#define GROUP_NONE NULL
#define GROUP_UA "ua"
const struct fc_http_field fc_http_fields[FC_HTTP_FIELD_COUNT] = {
#define FC_HTTP_FIELD(name, group, getter) { name, GROUP_##group },
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
};

#define GETTER(fn) static void fn(const struct fc_http_tx *tx, struct fc_value *v)

static void set_text(struct fc_value *v, const struct fc_http_tx *tx, enum fc_http_text which)
{
    const char *s = fc_http_text(tx, which);
    if (s) {
        v->kind = FC_VALUE_STRING;
        v->s = s;
    }
}

static void set_count(struct fc_value *v, bool present, uint64_t n)
{
    if (present) {
        v->kind = FC_VALUE_UINT;
        v->u = n;
    }
}

static void set_time(struct fc_value *v, fc_time t)
{
    if (t != FC_TIME_UNKNOWN) {
        v->kind = FC_VALUE_TIME;
        v->ns = t;
    }
}

static void set_bool(struct fc_value *v, bool b)
{
    v->kind = FC_VALUE_BOOL;
    v->b = b;
}

GETTER(get_method) { set_text(v, tx, FC_HTTP_METHOD); }
GETTER(get_host) { set_text(v, tx, FC_HTTP_HOST); }
GETTER(get_uri) { set_text(v, tx, FC_HTTP_URI); }
GETTER(get_version) { set_text(v, tx, FC_HTTP_VERSION); }
GETTER(get_user_agent) { set_text(v, tx, FC_HTTP_USER_AGENT); }
GETTER(get_ua_browser) { set_text(v, tx, FC_HTTP_UA_BROWSER); }
GETTER(get_ua_browser_version) { set_text(v, tx, FC_HTTP_UA_BROWSER_VERSION); }
GETTER(get_ua_os) { set_text(v, tx, FC_HTTP_UA_OS); }
GETTER(get_ua_os_version) { set_text(v, tx, FC_HTTP_UA_OS_VERSION); }
GETTER(get_ua_device) { set_text(v, tx, FC_HTTP_UA_DEVICE); }
GETTER(get_referrer) { set_text(v, tx, FC_HTTP_REFERRER); }
GETTER(get_x_forwarded_for) { set_text(v, tx, FC_HTTP_X_FORWARDED_FOR); }
GETTER(get_request_content_type) { set_text(v, tx, FC_HTTP_REQUEST_CONTENT_TYPE); }
GETTER(get_request_content_length)
{
    set_count(v, tx->request_content_length >= 0, (uint64_t)tx->request_content_length);
}
GETTER(get_request_body_len) { set_count(v, tx->has_request, tx->request_body_len); }
GETTER(get_status) { set_count(v, tx->has_response, tx->status); }
GETTER(get_reason) { set_text(v, tx, FC_HTTP_REASON); }
GETTER(get_response_version) { set_text(v, tx, FC_HTTP_RESPONSE_VERSION); }
GETTER(get_info_status) { set_count(v, tx->info_status != 0, tx->info_status); }
GETTER(get_server) { set_text(v, tx, FC_HTTP_SERVER); }
GETTER(get_location) { set_text(v, tx, FC_HTTP_LOCATION); }
GETTER(get_response_content_type) { set_text(v, tx, FC_HTTP_RESPONSE_CONTENT_TYPE); }
GETTER(get_response_content_length)
{
    set_count(v, tx->response_content_length >= 0, (uint64_t)tx->response_content_length);
}
GETTER(get_response_body_len) { set_count(v, tx->has_response, tx->response_body_len); }
GETTER(get_request_time) { set_time(v, tx->request_ts); }
GETTER(get_response_time) { set_time(v, tx->response_ts); }
GETTER(get_srt)
{
    /* From the packet that completed the request to the one that started
     * the response: the server's time to answer. */
    if (tx->request_end_ts != FC_TIME_UNKNOWN && tx->response_ts != FC_TIME_UNKNOWN &&
        tx->response_ts >= tx->request_end_ts) {
        v->kind = FC_VALUE_SECONDS;
        v->ns = tx->response_ts - tx->request_end_ts;
    }
}
GETTER(get_truncated) { set_bool(v, tx->truncated); }
GETTER(get_gap) { set_bool(v, tx->gap); }

void fc_http_tx_values(const struct fc_http_tx *tx, struct fc_value v[FC_HTTP_FIELD_COUNT])
{
    memset(v, 0, FC_HTTP_FIELD_COUNT * sizeof *v);
#define FC_HTTP_FIELD(name, group, getter) getter(tx, &v[FC_HF_##getter]);
#include "formats/http-fields.def"
#undef FC_HTTP_FIELD
}
