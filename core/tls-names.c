/* TLS names: see tls-names.h. */
#include "core/tls-names.h"

#include <stdio.h>
#include <string.h>

static const struct {
    uint16_t number;
    const char *name;
} suites[] = {
#define FC_TLS_CIPHER(number, name) { number, name },
#include "core/tls-ciphers.def"
#undef FC_TLS_CIPHER
};

void fc_tls_version_name(uint16_t version, char out[FC_TLS_NAME_MAX])
{
    static const struct {
        uint16_t number;
        const char *name;
    } versions[] = {
        { 0x0300, "SSL 3.0" },  { 0x0301, "TLS 1.0" },  { 0x0302, "TLS 1.1" },
        { 0x0303, "TLS 1.2" },  { 0x0304, "TLS 1.3" },  { 0xfeff, "DTLS 1.0" },
        { 0xfefd, "DTLS 1.2" }, { 0xfefc, "DTLS 1.3" },
    };
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        if (versions[i].number == version) {
            snprintf(out, FC_TLS_NAME_MAX, "%s", versions[i].name);
            return;
        }
    }
    snprintf(out, FC_TLS_NAME_MAX, "0x%04x", version);
}

/* The table is in order of number (the generator writes it so). */
void fc_tls_cipher_name(uint16_t suite, char out[FC_TLS_NAME_MAX])
{
    size_t lo = 0, hi = sizeof suites / sizeof suites[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (suites[mid].number == suite) {
            snprintf(out, FC_TLS_NAME_MAX, "%s", suites[mid].name);
            return;
        }
        if (suites[mid].number < suite)
            lo = mid + 1;
        else
            hi = mid;
    }
    snprintf(out, FC_TLS_NAME_MAX, "0x%04x", suite);
}
