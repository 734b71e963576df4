/* Names of TLS protocol versions and cipher suites, as the records write them. */
#ifndef FC_CORE_TLS_NAMES_H
#define FC_CORE_TLS_NAMES_H

#include <stdint.h>

#define FC_TLS_NAME_MAX 64 /* the longest cipher suite name has 52 characters */

/* "SSL 3.0", "TLS 1.0" ... "TLS 1.3", "DTLS 1.2"; other numbers as
 * "0x7f1c". */
void fc_tls_version_name(uint16_t version, char out[FC_TLS_NAME_MAX]);

/* The IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256"), or its
 * number ("0x1234") when unregistered. */
void fc_tls_cipher_name(uint16_t suite, char out[FC_TLS_NAME_MAX]);

#endif
