/* ICMP and ICMPv6 names: see icmp-names.h. From the IANA "ICMP Type
 * Numbers" and "ICMPv6 Parameters" registries (deprecated types left
 * out). */
#include "core/icmp-names.h"

#include <stddef.h>

static const char *const v4_types[] = {
    [0] = "echo-reply", [3] = "destination-unreachable", [4] = "source-quench",
    [5] = "redirect", [8] = "echo-request", [9] = "router-advertisement",
    [10] = "router-solicitation", [11] = "time-exceeded", [12] = "parameter-problem",
    [13] = "timestamp-request", [14] = "timestamp-reply", [15] = "information-request",
    [16] = "information-reply", [17] = "address-mask-request", [18] = "address-mask-reply",
    [30] = "traceroute", [40] = "photuris", [42] = "extended-echo-request",
    [43] = "extended-echo-reply",
};

static const char *const v4_unreachable[] = {
    "net-unreachable", "host-unreachable", "protocol-unreachable", "port-unreachable",
    "fragmentation-needed", "source-route-failed", "net-unknown", "host-unknown",
    "host-isolated", "net-prohibited", "host-prohibited", "net-tos-unreachable",
    "host-tos-unreachable", "communication-prohibited", "host-precedence-violation",
    "precedence-cutoff",
};
static const char *const v4_redirect[] = { "redirect-net", "redirect-host",
                                           "redirect-tos-net", "redirect-tos-host" };
static const char *const v4_time_exceeded[] = { "ttl-exceeded", "reassembly-time-exceeded" };
static const char *const v4_parameter[] = { "pointer-indicates-error", "missing-option",
                                            "bad-length" };

static const char *const v6_types[] = {
    [1] = "destination-unreachable", [2] = "packet-too-big", [3] = "time-exceeded",
    [4] = "parameter-problem", [128] = "echo-request", [129] = "echo-reply",
    [130] = "multicast-listener-query", [131] = "multicast-listener-report",
    [132] = "multicast-listener-done", [133] = "router-solicitation",
    [134] = "router-advertisement", [135] = "neighbor-solicitation",
    [136] = "neighbor-advertisement", [137] = "redirect", [138] = "router-renumbering",
    [139] = "node-information-query", [140] = "node-information-response",
    [141] = "inverse-neighbor-discovery-solicitation",
    [142] = "inverse-neighbor-discovery-advertisement", [143] = "multicast-listener-report-v2",
    [144] = "home-agent-address-discovery-request",
    [145] = "home-agent-address-discovery-reply", [146] = "mobile-prefix-solicitation",
    [147] = "mobile-prefix-advertisement", [148] = "certification-path-solicitation",
    [149] = "certification-path-advertisement", [151] = "multicast-router-advertisement",
    [152] = "multicast-router-solicitation", [153] = "multicast-router-termination",
    [155] = "rpl-control", [160] = "extended-echo-request", [161] = "extended-echo-reply",
};

static const char *const v6_unreachable[] = {
    "no-route", "administratively-prohibited", "beyond-scope-of-source-address",
    "address-unreachable", "port-unreachable", "source-address-failed-policy",
    "reject-route", "error-in-source-routing-header", "headers-too-long",
};
static const char *const v6_time_exceeded[] = { "hop-limit-exceeded",
                                                "fragment-reassembly-time-exceeded" };
static const char *const v6_parameter[] = {
    "erroneous-header-field", "unrecognized-next-header", "unrecognized-ipv6-option",
    "incomplete-header-chain", "sr-upper-layer-header-error",
    "unrecognized-next-header-by-intermediate-node", "extension-header-too-big",
    "extension-header-chain-too-long", "too-many-extension-headers",
    "too-many-options-in-extension-header", "option-too-big",
};

#define NAMED(table, i) ((size_t)(i) < sizeof table / sizeof table[0] ? table[i] : NULL)

const char *fc_icmp_type_name(bool v6, uint8_t type)
{
    return v6 ? NAMED(v6_types, type) : NAMED(v4_types, type);
}

const char *fc_icmp_code_name(bool v6, uint8_t type, uint8_t code)
{
    if (v6) {
        switch (type) {
        case 1: return NAMED(v6_unreachable, code);
        case 3: return NAMED(v6_time_exceeded, code);
        case 4: return NAMED(v6_parameter, code);
        default: return NULL;
        }
    }
    switch (type) {
    case 3: return NAMED(v4_unreachable, code);
    case 5: return NAMED(v4_redirect, code);
    case 11: return NAMED(v4_time_exceeded, code);
    case 12: return NAMED(v4_parameter, code);
    default: return NULL;
    }
}

bool fc_icmp_is_error(bool v6, uint8_t type)
{
    if (v6)
        return type >= 1 && type <= 4;
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}
