/* DNS mnemonics: see dns-names.h. From the IANA "Domain Name System (DNS)
 * Parameters" registry (resource record types, RCODEs). */
#include "core/dns-names.h"

#include <stdio.h>

static const char *const types[] = {
    [1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME", [6] = "SOA", [7] = "MB",
    [8] = "MG", [9] = "MR", [10] = "NULL", [11] = "WKS", [12] = "PTR", [13] = "HINFO",
    [14] = "MINFO", [15] = "MX", [16] = "TXT", [17] = "RP", [18] = "AFSDB", [19] = "X25",
    [20] = "ISDN", [21] = "RT", [22] = "NSAP", [23] = "NSAP-PTR", [24] = "SIG", [25] = "KEY",
    [26] = "PX", [27] = "GPOS", [28] = "AAAA", [29] = "LOC", [30] = "NXT", [31] = "EID",
    [32] = "NIMLOC", [33] = "SRV", [34] = "ATMA", [35] = "NAPTR", [36] = "KX", [37] = "CERT",
    [38] = "A6", [39] = "DNAME", [40] = "SINK", [41] = "OPT", [42] = "APL", [43] = "DS",
    [44] = "SSHFP", [45] = "IPSECKEY", [46] = "RRSIG", [47] = "NSEC", [48] = "DNSKEY",
    [49] = "DHCID", [50] = "NSEC3", [51] = "NSEC3PARAM", [52] = "TLSA", [53] = "SMIMEA",
    [55] = "HIP", [56] = "NINFO", [57] = "RKEY", [58] = "TALINK", [59] = "CDS",
    [60] = "CDNSKEY", [61] = "OPENPGPKEY", [62] = "CSYNC", [63] = "ZONEMD", [64] = "SVCB",
    [65] = "HTTPS", [99] = "SPF", [100] = "UINFO", [101] = "UID", [102] = "GID",
    [103] = "UNSPEC", [104] = "NID", [105] = "L32", [106] = "L64", [107] = "LP",
    [108] = "EUI48", [109] = "EUI64", [249] = "TKEY", [250] = "TSIG", [251] = "IXFR",
    [252] = "AXFR", [253] = "MAILB", [254] = "MAILA",
    [255] = "ANY", /* IANA writes "*"; dig, Wireshark and RFC 8482 "ANY" */
};

static const char *const high_types[] = {
    [256 - 256] = "URI", [257 - 256] = "CAA", [258 - 256] = "AVC", [259 - 256] = "DOA",
    [260 - 256] = "AMTRELAY", [261 - 256] = "RESINFO",
};

const char *fc_dns_type_name(uint16_t type, char buf[FC_DNS_TYPE_NAME_MAX])
{
    const char *name = NULL;
    if (type < sizeof types / sizeof types[0])
        name = types[type];
    else if (type >= 256 && type - 256u < sizeof high_types / sizeof high_types[0])
        name = high_types[type - 256];
    else if (type == 32768)
        name = "TA";
    else if (type == 32769)
        name = "DLV";
    if (name)
        return name;
    snprintf(buf, FC_DNS_TYPE_NAME_MAX, "TYPE%u", (unsigned)type);
    return buf;
}

static const char *const rcodes[] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED", "YXDOMAIN",
    "YXRRSET", "NXRRSET", "NOTAUTH",  "NOTZONE",  "DSOTYPENI", NULL,     NULL,
    NULL,      NULL,      "BADVERS",  "BADKEY",   "BADTIME",  "BADMODE", "BADNAME",
    "BADALG",  "BADTRUNC", "BADCOOKIE",
};

const char *fc_dns_rcode_name(uint16_t rcode, char buf[FC_DNS_RCODE_NAME_MAX])
{
    if (rcode < sizeof rcodes / sizeof rcodes[0] && rcodes[rcode])
        return rcodes[rcode];
    snprintf(buf, FC_DNS_RCODE_NAME_MAX, "RCODE%u", (unsigned)rcode);
    return buf;
}
