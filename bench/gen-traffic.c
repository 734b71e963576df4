// SPDX-License-Identifier: BSD-3-Clause
/*
 * gen-traffic.c - deterministic generator of realistic mixed traffic for the
 * flowcase benchmark.  Writes a classic pcap file (microsecond timestamps,
 * little endian, LINKTYPE_ETHERNET).
 *
 * The same arguments always give a byte-identical file: all randomness comes
 * from a seeded xoshiro256** generator and only integer arithmetic is used.
 *
 * Model: K flows are "alive" at any moment (--flows-alive).  Every alive flow
 * has the time of its next packet in a min-heap; the earliest one emits its
 * packet and reschedules itself.  A finished flow is replaced at once by a new
 * one, so memory is bounded by K whatever the size of the output.  Timings come
 * from the flow's own RTT, server think time, client think time and idle time,
 * so packet times increase monotonically and a flow looks like a real one.
 * The model first runs --warmup seconds of packet time without writing, so the
 * capture starts in steady state.  With the defaults the traffic averages
 * about 0.6 MB/s of packet time (roughly 28 minutes per GB).
 *
 * Traffic mix (share of started flows): HTTP/1.1 over TCP 80, TLS 1.3-like over
 * TCP 443 (ClientHello with SNI, ServerHello, then opaque application data),
 * refused or filtered TCP connection attempts, DNS over UDP 53 (A/AAAA, CNAME,
 * NXDOMAIN), NTP, other UDP between high ports, ICMP/ICMPv6 echo.  About 20 %
 * of flows use IPv6 and about 10 % of clients sit on an 802.1Q VLAN.  TCP has a
 * full handshake (MSS, WS, SACK-permitted), delayed ACKs, congestion-window
 * bursts, occasional retransmissions, and ends with FIN, RST or nothing.
 * IPv4 header, TCP, UDP and ICMP checksums are all valid.
 *
 * --vxlan wraps every frame in VXLAN (RFC 7348) as an overlay network would:
 * outer Ethernet + IPv4 (valid checksum, DF) + UDP 4789 (checksum 0, which
 * RFC 7348 section 5 allows) + the VXLAN header (flags 0x08, VNI 1000 + the
 * flow's index modulo 4) around the unchanged original frame.  The outer
 * addresses are 2 of 4 VTEPs (192.0.2.1-4): the client's VTEP is chosen by a
 * hash of the client address, the server's by one of the server address
 * (never the client's), and the UDP source port is a hash of the inner
 * 5-tuple in 49152-65535, as section 5 recommends for ECMP entropy.  The
 * inner flows are exactly those of the same run without --vxlan.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPOCH_BASE 1700000000u /* 2023-11-14 22:13:20 UTC */
#define OUTBUF_SIZE (4u << 20)
#define MAX_RECORD 2048u /* pcap record header + largest frame (+ VXLAN), rounded up */
#define VXLAN_OUTER 50u  /* outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
#define VXLAN_PORT 4789u
#define VXLAN_VTEPS 4u
#define RPOOL_SIZE (1u << 20) /* random bytes (power of two) */
#define TPOOL_SIZE (1u << 18) /* HTML-like text (power of two) */
#define POOL_SLACK 4096u
#define TLS_RMAX 16401u /* TLS 1.3 max ciphertext of a full 16 KiB record */
#define DONE UINT64_MAX

enum { C = 0, S = 1 }; /* direction: client to server, server to client */
enum { K_HTTP, K_TLS, K_TCPREJ, K_DNS, K_NTP, K_UDP, K_ICMP, K_COUNT };
static const char *const KIND_NAME[K_COUNT] = {"http", "tls",  "tcp-refused", "dns",
                                               "ntp",  "udp",  "icmp"};
/* per-mille shares of started flows, in K_* order */
static const uint16_t KIND_SHARE[K_COUNT] = {150, 260, 20, 330, 30, 110, 100};

enum { M_HTTP_REQ, M_HTTP_RESP, M_TLS_CH, M_TLS_SH, M_TLS_CFIN, M_TLS_APP, M_TLS_ALERT };
enum { P_SYN, P_SYNACK, P_HSACK, P_DATA, P_RACK, P_TAILACK, P_CLOSE, P_FIN2, P_FIN3 };
enum { CL_CFIN, CL_SFIN, CL_CRST, CL_SRST, CL_NONE };
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };
enum { ST_TEXT, ST_BIN, ST_304, ST_404 };

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64 for seeding, xoshiro256** for the stream.               */

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return res;
}

/* uniform in [0, n) (multiply-shift; the tiny bias is irrelevant here) */
static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* uniform in [lo, hi] */
static inline uint32_t rng_range(rng_t *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* true with probability pm/1000 */
static inline bool rng_pm(rng_t *r, uint32_t pm) { return rng_below(r, 1000) < pm; }

/* skewed towards lo: lo + (hi-lo) * u^2 */
static uint32_t rng_skew(rng_t *r, uint32_t lo, uint32_t hi)
{
    uint64_t u = rng_below(r, 65536);
    return lo + (uint32_t)(((uint64_t)(hi - lo) * ((u * u) >> 16)) >> 16);
}

/* approximately exponential with the given mean, integer arithmetic only:
 * -log2(U) = leading zeros + -log2(mantissa), the latter approximated
 * linearly; the result is scaled by ln 2 (45426/65536). */
static uint64_t rng_exp(rng_t *r, uint64_t mean)
{
    uint64_t x = rng_next(r) | 1;
    unsigned k = 0;
    while (!(x >> 63)) {
        x <<= 1;
        k++;
    }
    uint64_t frac = (0 - x) >> 31; /* (2 - 2m) in 32.32 fixed point, m in [.5,1) */
    uint64_t l2 = ((uint64_t)k << 32) + frac;
    return (((l2 >> 16) * mean) >> 16) * 45426 >> 16;
}

/* ------------------------------------------------------------------------ */
/* Byte stores (network order unless noted).                                */

static inline void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline void put16le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* growing byte builder over a caller-provided buffer */
typedef struct {
    uint8_t *p;
    size_t n;
} bb_t;

static void bb_u8(bb_t *b, uint32_t v) { b->p[b->n++] = (uint8_t)v; }
static void bb_u16(bb_t *b, uint32_t v)
{
    put16(b->p + b->n, v);
    b->n += 2;
}
static void bb_u32(bb_t *b, uint32_t v)
{
    put32(b->p + b->n, v);
    b->n += 4;
}
static void bb_mem(bb_t *b, const void *src, size_t n)
{
    memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void bb_str(bb_t *b, const char *s) { bb_mem(b, s, strlen(s)); }
static void bb_uint(bb_t *b, uint64_t v)
{
    char tmp[24];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        bb_u8(b, (uint8_t)tmp[--i]);
}
static void bb_rand(bb_t *b, rng_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bb_u8(b, (uint32_t)rng_next(r));
}
/* reserve a length field of w bytes, patch it later with bb_patch */
static size_t bb_mark(bb_t *b, size_t w)
{
    size_t m = b->n;
    b->n += w;
    return m;
}
static void bb_patch(bb_t *b, size_t m, size_t w)
{
    size_t len = b->n - m - w;
    for (size_t i = 0; i < w; i++)
        b->p[m + i] = (uint8_t)(len >> (8 * (w - 1 - i)));
}

/* ------------------------------------------------------------------------ */
/* Internet checksum.                                                       */

static uint64_t csum_add(uint64_t acc, const uint8_t *p, size_t n)
{
    while (n >= 8) {
        acc += ((uint32_t)p[0] << 8 | p[1]) + ((uint32_t)p[2] << 8 | p[3]) +
               ((uint32_t)p[4] << 8 | p[5]) + ((uint32_t)p[6] << 8 | p[7]);
        p += 8;
        n -= 8;
    }
    while (n >= 2) {
        acc += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        n -= 2;
    }
    if (n)
        acc += (uint32_t)p[0] << 8;
    return acc;
}

static uint16_t csum_fold(uint64_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* ------------------------------------------------------------------------ */
/* Names and words.                                                         */

static const char *const WORDS[] = {
    "alpha",  "amber",  "apex",   "arc",     "atlas",  "aurora", "beacon", "blue",   "bolt",
    "bright", "cedar",  "cloud",  "cobalt",  "coral",  "crest",  "delta",  "echo",   "ember",
    "falcon", "fern",   "flux",   "forge",   "frost",  "galaxy", "granite", "harbor", "hazel",
    "helix",  "indigo", "iris",   "jade",    "juniper", "kite",  "lumen",  "lunar",  "maple",
    "meadow", "nova",   "oak",    "onyx",    "orbit",  "pine",   "pixel",  "prism",  "quartz",
    "raven",  "river",  "sage",   "signal",  "slate",  "solar",  "spark",  "summit", "tango",
    "terra",  "tide",   "umber",  "vector",  "willow", "zephyr"};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])
static const char *const HPREFIX[] = {"www", "api", "cdn", "static", "img", "login",
                                      "mail", "m", "edge", "assets", "news", "shop"};
static const char *const TLDS[] = {"com", "net", "org", "io", "de", "co.uk", "fr", "info", "app", "dev"};
static const char *const UAS[] = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "curl/7.88.1",
    "Debian APT-HTTP/1.3 (2.6.1)",
    "python-requests/2.28.1"};
static const char *const PATHS[] = {"/", "/index.html", "/api/v1/items/", "/static/js/app.",
                                    "/static/css/site.", "/images/photo", "/news/", "/search?q=",
                                    "/debian/pool/main/", "/favicon.ico"};
static const char *const SERVERS[] = {"nginx/1.22.1", "Apache/2.4.57 (Debian)", "cloudflare",
                                      "Microsoft-IIS/10.0", "gws"};
static const char *const CTYPES[] = {"text/html; charset=utf-8", "application/octet-stream"};

#define COUNT(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

/* host name into bb as text */
static void host_name(bb_t *b, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed ^ UINT64_C(0x486f73744e616d65));
    bb_str(b, HPREFIX[rng_below(&r, COUNT(HPREFIX))]);
    bb_u8(b, '.');
    bb_str(b, WORDS[rng_below(&r, NWORDS)]);
    if (rng_pm(&r, 500))
        bb_str(b, WORDS[rng_below(&r, NWORDS)]);
    if (rng_pm(&r, 300))
        bb_uint(b, rng_below(&r, 100));
    bb_u8(b, '.');
    bb_str(b, TLDS[rng_below(&r, COUNT(TLDS))]);
}

/* text host name -> DNS wire labels */
static void dns_name(bb_t *b, const uint8_t *name, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && name[j] != '.')
            j++;
        bb_u8(b, (uint32_t)(j - i));
        bb_mem(b, name + i, j - i);
        i = j + 1;
    }
    bb_u8(b, 0);
}

/* ------------------------------------------------------------------------ */
/* Hosts and flows.                                                         */

typedef struct {
    uint8_t ip4[4], ip6[16], mac[6];
    uint8_t ttl, resolver;
    uint16_t vlan, next_port;
} client_t;

typedef struct {
    uint8_t ip4[4], ip6[16];
    uint8_t ttl;
} server_t;

typedef struct {
    uint64_t seed;  /* per-flow content seed */
    uint64_t index; /* order of creation; --vxlan: VNI 1000 + index % 4 */
    uint64_t mseed; /* per-message content seed */
    uint64_t pend;  /* deferred delay (µs) */
    uint64_t t0;    /* NTP: client transmit time */
    uint32_t seq[2];
    uint32_t rtt;
    uint32_t flowlabel;
    uint32_t mlen, moff, mhdr, mbody, mfirst;
    uint16_t cport, sport, vlan, mss;
    uint16_t ipid[2], win[2];
    uint16_t count, aux, aux2, cwnd, burst, midx;
    uint8_t kind, v6, phase, mtype, mdir, mstat, unacked, rtx, close, alert, ackdir, closing, persist;
    uint8_t ttl[2];
    uint8_t cmac[6];
    uint8_t cip[16], sip[16]; /* IPv4 addresses use the first 4 bytes */
} flow_t;

typedef struct {
    uint64_t t;
    uint32_t slot;
} hent_t;

typedef struct {
    rng_t rng;
    FILE *fp;
    uint8_t *out;
    size_t olen, cur_len; /* cur_len: length of the record being built */
    uint64_t pkts, bytes, limit_pkts, limit_bytes;
    uint64_t now, last_ts;
    uint64_t started[K_COUNT];
    int only_kind; /* --only: every flow of this kind; -1 for the mix */
    uint8_t *rpool, *tpool;
    client_t *clients;
    server_t *servers;
    uint32_t nclients, nservers;
    flow_t *flows;
    hent_t *heap;
    uint32_t nflows;
    uint64_t hkey; /* header cache: mseed of the cached header */
    uint32_t hlen;
    uint8_t hbuf[2048];
    uint8_t scratch[2048];
    uint64_t emitted; /* packets produced, written or not */
    uint64_t nstarted; /* flows created, warm-up included: the next flow's index */
    bool vxlan;       /* --vxlan: every frame wrapped in VXLAN */
    bool discard;     /* warm-up: run the flows but write nothing */
    bool write_error;
} gen_t;

static const uint8_t RESOLV4[4][4] = {{10, 0, 0, 53}, {1, 1, 1, 1}, {8, 8, 8, 8}, {9, 9, 9, 9}};
static const uint8_t RESOLV6[4][16] = {
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53},
    {0x26, 0x06, 0x47, 0, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11},
    {0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88},
    {0x26, 0x20, 0x00, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe}};
static const uint8_t SRV6_PREFIX[5][4] = {
    {0x2a, 0x00, 0x14, 0x50}, {0x26, 0x06, 0x47, 0x00}, {0x2a, 0x03, 0x28, 0x80},
    {0x26, 0x20, 0x01, 0xec}, {0x2a, 0x04, 0x4e, 0x42}};
static const uint8_t OUIS[6][3] = {{0x3c, 0x22, 0xfb}, {0x00, 0x1b, 0x21}, {0xf8, 0x75, 0xa4},
                                   {0xdc, 0xa6, 0x32}, {0x00, 0x50, 0x56}, {0xa4, 0x83, 0xe7}};
static const uint16_t VLANS[4] = {10, 20, 100, 200};

static void make_hosts(gen_t *g)
{
    rng_t *r = &g->rng;
    for (uint32_t i = 0; i < g->nclients; i++) {
        client_t *c = &g->clients[i];
        uint32_t subnet = i / 250;
        c->ip4[0] = 10;
        c->ip4[1] = (uint8_t)(16 + subnet / 256);
        c->ip4[2] = (uint8_t)subnet;
        c->ip4[3] = (uint8_t)(2 + i % 250);
        static const uint8_t p6[6] = {0x20, 0x01, 0x0d, 0xb8, 0x10, 0x00};
        memcpy(c->ip6, p6, 6);
        put16(c->ip6 + 6, subnet);
        for (int k = 8; k < 16; k++)
            c->ip6[k] = (uint8_t)rng_next(r);
        memcpy(c->mac, OUIS[rng_below(r, COUNT(OUIS))], 3);
        for (int k = 3; k < 6; k++)
            c->mac[k] = (uint8_t)rng_next(r);
        c->ttl = rng_pm(r, 350) ? 128 : 64;
        c->vlan = rng_pm(r, 100) ? VLANS[rng_below(r, 4)] : 0;
        c->resolver = (uint8_t)rng_below(r, 4);
        c->next_port = (uint16_t)rng_range(r, 32768, 60999);
    }
    for (uint32_t i = 0; i < g->nservers; i++) {
        server_t *s = &g->servers[i];
        for (;;) {
            uint32_t a = (uint32_t)rng_next(r);
            uint32_t o = a >> 24;
            if (o == 0 || o == 10 || o == 100 || o == 127 || o == 169 || o == 172 || o == 192 ||
                o == 198 || o == 203 || o >= 224 || (a & 0xff) == 0 || (a & 0xff) == 255)
                continue;
            put32(s->ip4, a);
            break;
        }
        memcpy(s->ip6, SRV6_PREFIX[rng_below(r, 5)], 4);
        for (int k = 4; k < 16; k++)
            s->ip6[k] = (uint8_t)rng_next(r);
        static const uint8_t ttls[3] = {64, 128, 255};
        s->ttl = (uint8_t)(ttls[rng_below(r, 3)] - rng_range(r, 6, 20));
    }
}

/* Zipf-ish popularity: low indexes are much more popular */
static uint32_t pick_server(gen_t *g)
{
    uint64_t u = rng_below(&g->rng, 65536);
    uint64_t v = (((u * u) >> 16) * u) >> 16;
    return (uint32_t)((v * g->nservers) >> 16);
}

/* ------------------------------------------------------------------------ */
/* Output.                                                                  */

static void flush_out(gen_t *g)
{
    if (g->olen && !g->write_error && fwrite(g->out, 1, g->olen, g->fp) != g->olen)
        g->write_error = true;
    g->olen = 0;
}

/* FNV-1a, for the VXLAN hashes */
static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

/* The VXLAN encapsulation of an inner frame of flen bytes sent in direction
 * dir: 50 bytes at p.  The VTEPs and the source port depend on the flow
 * alone, so both directions of a flow use the same tunnel. */
static void vxlan_outer(const flow_t *f, int dir, uint8_t *p, uint32_t flen)
{
    size_t alen = f->v6 ? 16 : 4;
    uint32_t hc = fnv1a(2166136261u, f->cip, alen), hs = fnv1a(2166136261u, f->sip, alen);
    uint32_t vtep[2];
    vtep[C] = hc % VXLAN_VTEPS;
    vtep[S] = (vtep[C] + 1 + hs % (VXLAN_VTEPS - 1)) % VXLAN_VTEPS;
    uint8_t proto = f->kind <= K_TCPREJ ? 6 : f->kind != K_ICMP ? 17 : f->v6 ? 58 : 1;
    uint8_t rest[5] = {(uint8_t)(f->cport >> 8), (uint8_t)f->cport, (uint8_t)(f->sport >> 8),
                       (uint8_t)f->sport, proto};
    uint32_t h5 = fnv1a(fnv1a(hc, f->sip, alen), rest, sizeof rest);
    int from = dir, to = !dir;
    /* outer Ethernet: locally administered VTEP MACs 02:56:54:45:50:0N */
    static const uint8_t vmac[5] = {0x02, 0x56, 0x54, 0x45, 0x50};
    memcpy(p, vmac, 5);
    p[5] = (uint8_t)(1 + vtep[to]);
    memcpy(p + 6, vmac, 5);
    p[11] = (uint8_t)(1 + vtep[from]);
    put16(p + 12, 0x0800);
    uint8_t *ip = p + 14;
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, 20 + 8 + 8 + flen);
    put16(ip + 4, 0); /* atomic datagram (DF set): RFC 6864 lets the id be 0 */
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 17;
    ip[10] = ip[11] = 0;
    static const uint8_t net[3] = {192, 0, 2};
    memcpy(ip + 12, net, 3);
    ip[15] = (uint8_t)(1 + vtep[from]);
    memcpy(ip + 16, net, 3);
    ip[19] = (uint8_t)(1 + vtep[to]);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    uint8_t *u = ip + 20;
    put16(u, 49152 + h5 % 16384);
    put16(u + 2, VXLAN_PORT);
    put16(u + 4, 8 + 8 + flen);
    put16(u + 6, 0);
    uint8_t *v = u + 8;
    put32(v, 0x08000000u); /* I flag: the VNI is valid */
    put32(v + 4, (uint32_t)(1000 + f->index % 4) << 8);
}

/* Start a record; writes pcap record header, the VXLAN encapsulation if asked,
 * Ethernet (+802.1Q) and IP header.  Returns where the l4len bytes of the L4
 * segment go. */
static uint8_t *frame_begin(gen_t *g, flow_t *f, int dir, uint8_t proto, uint32_t l4len)
{
    if (OUTBUF_SIZE - g->olen < MAX_RECORD)
        flush_out(g);
    uint8_t *rec = g->out + g->olen;
    uint32_t l2 = f->vlan ? 18 : 14, l3 = f->v6 ? 40 : 20;
    uint32_t flen = l2 + l3 + l4len;
    uint32_t wire = flen + (g->vxlan ? VXLAN_OUTER : 0);
    uint64_t ts = g->now;
    put32le(rec, EPOCH_BASE + (uint32_t)(ts / 1000000));
    put32le(rec + 4, (uint32_t)(ts % 1000000));
    put32le(rec + 8, wire);
    put32le(rec + 12, wire);
    g->cur_len = 16 + wire;

    uint8_t *p = rec + 16;
    if (g->vxlan) {
        vxlan_outer(f, dir, p, flen);
        p += VXLAN_OUTER;
    }
    uint8_t gw[6] = {0x00, 0x1a, 0xa1, (uint8_t)(f->vlan >> 8), (uint8_t)f->vlan, 0x01};
    memcpy(p, dir == C ? gw : f->cmac, 6);
    memcpy(p + 6, dir == C ? f->cmac : gw, 6);
    p += 12;
    if (f->vlan) {
        put16(p, 0x8100);
        put16(p + 2, f->vlan);
        p += 4;
    }
    put16(p, f->v6 ? 0x86dd : 0x0800);
    p += 2;
    const uint8_t *src = dir == C ? f->cip : f->sip, *dst = dir == C ? f->sip : f->cip;
    if (f->v6) {
        put32(p, 0x60000000u | f->flowlabel);
        put16(p + 4, l4len);
        p[6] = proto;
        p[7] = f->ttl[dir];
        memcpy(p + 8, src, 16);
        memcpy(p + 24, dst, 16);
    } else {
        p[0] = 0x45;
        p[1] = 0;
        put16(p + 2, 20 + l4len);
        put16(p + 4, f->ipid[dir]++);
        put16(p + 6, proto == 6 ? 0x4000 : 0);
        p[8] = f->ttl[dir];
        p[9] = proto;
        p[10] = p[11] = 0;
        memcpy(p + 12, src, 4);
        memcpy(p + 16, dst, 4);
        put16(p + 10, csum_fold(csum_add(0, p, 20)));
    }
    return p + l3;
}

/* Finish the record: L4 checksum at l4 + csum_off. */
static void frame_end(gen_t *g, const flow_t *f, uint8_t proto, uint8_t *l4, uint32_t l4len,
                      uint32_t csum_off)
{
    uint64_t s = 0;
    if (proto != 1) { /* pseudo header; the sum does not depend on the direction */
        size_t alen = f->v6 ? 16 : 4;
        s = csum_add(s, f->cip, alen);
        s = csum_add(s, f->sip, alen);
        s += proto + (uint64_t)l4len;
    }
    s = csum_add(s, l4, l4len);
    uint16_t c = csum_fold(s);
    if (proto == 17 && c == 0)
        c = 0xffff;
    put16(l4 + csum_off, c);
    g->olen += g->cur_len;
    g->bytes += g->cur_len;
    g->pkts++;
    g->emitted++;
}

/* during the warm-up packets are counted but not built */
static bool skip(gen_t *g)
{
    if (!g->discard)
        return false;
    g->emitted++;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Message contents (TCP payload).                                          */

static uint32_t tls_fix_len(uint32_t len, uint32_t first)
{
    uint32_t base = first ? first + 5 : 0;
    if (len < base + (base ? 0 : 22))
        len = base + (base ? 0 : 22);
    uint32_t rem = (len - base) % (TLS_RMAX + 5);
    if (rem && rem < 22)
        len += 22 - rem;
    return len;
}

static uint32_t body_size(rng_t *r)
{
    uint32_t x = rng_below(r, 1000);
    if (x < 600)
        return rng_skew(r, 300, 8000);
    if (x < 900)
        return rng_skew(r, 8000, 64000);
    if (x < 988)
        return rng_skew(r, 64000, 600000);
    return rng_skew(r, 600000, 3000000);
}

static void gen_http_req(const flow_t *f, rng_t *r, bb_t *b)
{
    uint32_t pi = rng_below(r, COUNT(PATHS));
    bb_str(b, "GET ");
    bb_str(b, PATHS[pi]);
    if (pi >= 2 && pi != 9) {
        bb_str(b, WORDS[rng_below(r, NWORDS)]);
        bb_uint(b, rng_below(r, 100000));
        if (pi == 3)
            bb_str(b, ".js");
        else if (pi == 4)
            bb_str(b, ".css");
        else if (pi == 5)
            bb_str(b, ".jpg");
    }
    bb_str(b, " HTTP/1.1\r\nHost: ");
    host_name(b, f->seed);
    bb_str(b, "\r\nUser-Agent: ");
    rng_t hr;
    rng_seed(&hr, f->seed);
    bb_str(b, UAS[rng_below(&hr, COUNT(UAS))]);
    bb_str(b, "\r\nAccept: ");
    bb_str(b, pi < 2 ? "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" : "*/*");
    bb_str(b, "\r\nAccept-Language: en-US,en;q=0.5\r\nConnection: keep-alive\r\n");
    if (rng_pm(r, 400)) {
        bb_str(b, "Cookie: session=");
        for (uint32_t i = 0, n = rng_range(r, 16, 120); i < n; i++)
            bb_u8(b, (uint32_t)"0123456789abcdef"[rng_below(r, 16)]);
        bb_str(b, "\r\n");
    }
    bb_str(b, "\r\n");
}

static void gen_http_resp(const flow_t *f, rng_t *r, bb_t *b)
{
    static const char *const DAYS[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const STATUS[] = {"200 OK", "200 OK", "304 Not Modified", "404 Not Found"};
    bb_str(b, "HTTP/1.1 ");
    bb_str(b, STATUS[f->mstat]);
    bb_str(b, "\r\nDate: ");
    bb_str(b, DAYS[rng_below(r, 7)]);
    bb_str(b, ", 14 Nov 2023 ");
    uint32_t sec = rng_below(r, 86400);
    bb_u8(b, '0' + sec / 36000);
    bb_u8(b, '0' + sec / 3600 % 10);
    bb_u8(b, ':');
    bb_u8(b, '0' + sec / 600 % 6);
    bb_u8(b, '0' + sec / 60 % 10);
    bb_u8(b, ':');
    bb_u8(b, '0' + sec % 60 / 10);
    bb_u8(b, '0' + sec % 10);
    bb_str(b, " GMT\r\nServer: ");
    bb_str(b, SERVERS[rng_below(r, COUNT(SERVERS))]);
    if (f->mstat != ST_304) {
        bb_str(b, "\r\nContent-Type: ");
        bb_str(b, CTYPES[f->mstat == ST_BIN]);
        bb_str(b, "\r\nContent-Length: ");
        bb_uint(b, f->mbody);
    }
    bb_str(b, "\r\nCache-Control: max-age=");
    bb_uint(b, rng_below(r, 86400));
    bb_str(b, "\r\nETag: \"");
    for (int i = 0; i < 16; i++)
        bb_u8(b, (uint32_t)"0123456789abcdef"[rng_below(r, 16)]);
    bb_str(b, "\"\r\nConnection: keep-alive\r\n\r\n");
}

static const uint16_t SUITES[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                                  0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
static const uint8_t CCS_RECORD[6] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};

/* ClientHello extensions after server_name; the x25519 key follows */
static const uint8_t CH_EXTS[] = {
    0x00, 0x17, 0x00, 0x00,                                     /* extended_master_secret */
    0xff, 0x01, 0x00, 0x01, 0x00,                               /* renegotiation_info */
    0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, /* supported_groups */
    0x00, 0x18,                                                 /* ... */
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                         /* ec_point_formats */
    0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08,   /* ALPN h2, http/1.1 */
    'h', 't', 't', 'p', '/', '1', '.', '1',                     /* ... */
    0x00, 0x0d, 0x00, 0x0a, 0x00, 0x08, 0x04, 0x03, 0x08, 0x04, /* signature_algorithms */
    0x04, 0x01, 0x05, 0x03,                                     /* ... */
    0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,       /* supported_versions */
    0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,                         /* psk_key_exchange_modes */
    0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20  /* key_share x25519 */
};
/* ServerHello extensions: supported_versions TLS 1.3, key_share x25519 (key follows) */
static const uint8_t SH_EXTS[] = {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00,
                                  0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20};

/* record and handshake headers, version, random, session id; returns the
 * marks of the record and handshake lengths */
static void tls_hello_start(bb_t *b, rng_t *r, uint32_t rec_version, uint32_t type, size_t m[2])
{
    bb_u8(b, 0x16);
    bb_u16(b, rec_version);
    m[0] = bb_mark(b, 2);
    bb_u8(b, type);
    m[1] = bb_mark(b, 3);
    bb_u16(b, 0x0303);
    bb_rand(b, r, 32);
    bb_u8(b, 32);
    bb_rand(b, r, 32);
}

static void gen_client_hello(const flow_t *f, rng_t *r, bb_t *b)
{
    size_t m[2];
    tls_hello_start(b, r, 0x0301, 0x01, m);
    uint32_t ns = rng_range(r, 3, COUNT(SUITES));
    bb_u16(b, ns * 2);
    for (uint32_t i = 0; i < ns; i++)
        bb_u16(b, SUITES[i]);
    bb_u8(b, 1); /* compression: null */
    bb_u8(b, 0);
    size_t el = bb_mark(b, 2);
    bb_u16(b, 0x0000); /* server_name */
    size_t e = bb_mark(b, 2), l = bb_mark(b, 2);
    bb_u8(b, 0);
    size_t nl = bb_mark(b, 2);
    host_name(b, f->seed);
    bb_patch(b, nl, 2);
    bb_patch(b, l, 2);
    bb_patch(b, e, 2);
    bb_mem(b, CH_EXTS, sizeof CH_EXTS);
    bb_rand(b, r, 32);
    if (rng_pm(r, 500) && b->n < 5 + 508 - 4) { /* pad to 512 like browsers */
        size_t pad = 5 + 508 - 4 - b->n;
        bb_u16(b, 0x0015);
        bb_u16(b, (uint32_t)pad);
        memset(b->p + b->n, 0, pad);
        b->n += pad;
    }
    bb_patch(b, el, 2);
    bb_patch(b, m[1], 3);
    bb_patch(b, m[0], 2);
}

static void gen_server_hello(rng_t *r, bb_t *b)
{
    size_t m[2];
    tls_hello_start(b, r, 0x0303, 0x02, m);
    bb_u16(b, SUITES[rng_below(r, 3)]);
    bb_u8(b, 0);
    bb_u16(b, sizeof SH_EXTS + 32);
    bb_mem(b, SH_EXTS, sizeof SH_EXTS);
    bb_rand(b, r, 32);
    bb_patch(b, m[1], 3);
    bb_patch(b, m[0], 2);
    bb_mem(b, CCS_RECORD, 6); /* middlebox compatibility */
}

/* Build the header part of the current message into g->hbuf (cached). */
static void gen_hdr(gen_t *g, const flow_t *f)
{
    if (g->hkey == f->mseed)
        return;
    rng_t r;
    rng_seed(&r, f->mseed);
    bb_t b = {g->hbuf, 0};
    switch (f->mtype) {
    case M_HTTP_REQ:
        gen_http_req(f, &r, &b);
        break;
    case M_HTTP_RESP:
        gen_http_resp(f, &r, &b);
        break;
    case M_TLS_CH:
        gen_client_hello(f, &r, &b);
        break;
    case M_TLS_SH:
        gen_server_hello(&r, &b);
        break;
    case M_TLS_CFIN:
        bb_mem(&b, CCS_RECORD, 6);
        break;
    default:
        break;
    }
    g->hkey = f->mseed;
    g->hlen = (uint32_t)b.n;
}

/* TLS application-data record stream of f->mbody bytes; the first record
 * carries f->mfirst bytes when non-zero, the others up to TLS_RMAX. */
static void fill_tls(gen_t *g, const flow_t *f, uint32_t off, uint32_t len, uint8_t *dst)
{
    uint32_t total = f->mbody, first = f->mfirst;
    while (len) {
        uint32_t rs, rp;
        if (first && off < first + 5) {
            rs = 0;
            rp = first;
        } else {
            uint32_t base = first ? first + 5 : 0;
            rs = base + (off - base) / (TLS_RMAX + 5) * (TLS_RMAX + 5);
            rp = total - rs - 5;
            if (rp > TLS_RMAX)
                rp = TLS_RMAX;
        }
        uint32_t w = off - rs;
        if (w < 5) {
            uint8_t h[5] = {0x17, 0x03, 0x03, (uint8_t)(rp >> 8), (uint8_t)rp};
            *dst++ = h[w];
            off++;
            len--;
            continue;
        }
        uint32_t n = rs + 5 + rp - off;
        if (n > len)
            n = len;
        memcpy(dst, g->rpool + ((f->mseed + off) & (RPOOL_SIZE - 1)), n);
        dst += n;
        off += n;
        len -= n;
    }
}

static void fill_msg(gen_t *g, const flow_t *f, uint32_t off, uint32_t len, uint8_t *dst)
{
    if (off < f->mhdr) {
        gen_hdr(g, f);
        uint32_t n = f->mhdr - off < len ? f->mhdr - off : len;
        memcpy(dst, g->hbuf + off, n);
        dst += n;
        off += n;
        len -= n;
    }
    if (!len)
        return;
    off -= f->mhdr;
    if (f->mtype == M_HTTP_RESP) {
        if (f->mstat == ST_BIN)
            memcpy(dst, g->rpool + ((f->mseed + off) & (RPOOL_SIZE - 1)), len);
        else
            memcpy(dst, g->tpool + ((f->mseed + off) & (TPOOL_SIZE - 1)), len);
    } else {
        fill_tls(g, f, off, len, dst);
    }
}

/* Set up the next message of a TCP flow; false when the script is over. */
static bool next_msg(gen_t *g, flow_t *f)
{
    rng_t *r = &g->rng;
    uint32_t i = f->midx++;
    f->moff = f->mhdr = f->mbody = f->mfirst = 0;
    f->mseed = rng_next(r);
    f->burst = f->cwnd;
    if (f->kind == K_HTTP) {
        if (i >= 2u * f->count)
            return false;
        f->mdir = (i & 1) ? S : C;
        if (f->mdir == C) {
            f->mtype = M_HTTP_REQ;
        } else {
            f->mtype = M_HTTP_RESP;
            uint32_t x = rng_below(r, 100);
            f->mstat = x < 60 ? ST_TEXT : x < 88 ? ST_BIN : x < 96 ? ST_304 : ST_404;
            f->mbody = f->mstat == ST_304 ? 0
                       : f->mstat == ST_404 ? rng_range(r, 150, 600)
                       : rng_pm(r, 950)    ? rng_skew(r, 500, 12000)
                                           : body_size(r);
        }
    } else {
        uint32_t nmsg = 2 + 2u * f->count + f->alert;
        if (i >= nmsg)
            return false;
        f->mdir = (i & 1) ? S : C;
        if (i == 0) {
            f->mtype = M_TLS_CH;
        } else if (i == 1) {
            f->mtype = M_TLS_SH;
            f->mbody = tls_fix_len(rng_range(r, 1800, 5200), 0);
        } else if (i == 2) {
            f->mtype = M_TLS_CFIN;
            f->mfirst = 53;
            f->mbody = tls_fix_len(58 + rng_skew(r, 60, 1400), 53);
        } else if (f->alert && i == nmsg - 1) {
            f->mtype = M_TLS_ALERT;
            f->mdir = C;
            f->mfirst = 19;
            f->mbody = 24;
        } else {
            f->mtype = M_TLS_APP;
            uint32_t n = f->persist       ? rng_skew(r, 40, f->mdir == C ? 600 : 3000)
                         : f->mdir == S     ? body_size(r)
                         : rng_pm(r, 985) ? rng_skew(r, 60, 1600)
                                            : rng_skew(r, 10000, 400000);
            f->mbody = tls_fix_len(n, 0);
        }
    }
    if (f->mtype <= M_TLS_CFIN) {
        gen_hdr(g, f);
        f->mhdr = g->hlen;
    }
    f->mlen = f->mhdr + f->mbody;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Packet emitters.                                                         */

static void emit_tcp(gen_t *g, flow_t *f, int dir, uint8_t flags, uint32_t plen)
{
    if (skip(g))
        return;
    uint32_t hl = (flags & F_SYN) ? 32 : 20;
    uint8_t *t = frame_begin(g, f, dir, 6, hl + plen);
    put16(t, dir == C ? f->cport : f->sport);
    put16(t + 2, dir == C ? f->sport : f->cport);
    put32(t + 4, f->seq[dir]);
    put32(t + 8, (flags & F_ACK) ? f->seq[!dir] : 0);
    t[12] = (uint8_t)(hl / 4 << 4);
    t[13] = flags;
    put16(t + 14, (flags & F_SYN) ? (dir == C ? 64240 : 65160) : (flags & F_RST) ? 0 : f->win[dir]);
    put16(t + 16, 0);
    put16(t + 18, 0);
    if (flags & F_SYN) {
        uint8_t *o = t + 20;
        o[0] = 2;
        o[1] = 4;
        put16(o + 2, f->mss);
        o[4] = 1;
        o[5] = 3;
        o[6] = 3;
        o[7] = dir == C ? 8 : 7;
        o[8] = 1;
        o[9] = 1;
        o[10] = 4;
        o[11] = 2;
    }
    if (plen)
        fill_msg(g, f, f->moff, plen, t + hl);
    frame_end(g, f, 6, t, hl + plen, 16);
}

static void emit_udp(gen_t *g, flow_t *f, int dir, const uint8_t *payload, uint32_t plen)
{
    if (skip(g))
        return;
    uint8_t *u = frame_begin(g, f, dir, 17, 8 + plen);
    put16(u, dir == C ? f->cport : f->sport);
    put16(u + 2, dir == C ? f->sport : f->cport);
    put16(u + 4, 8 + plen);
    put16(u + 6, 0);
    memcpy(u + 8, payload, plen);
    frame_end(g, f, 17, u, 8 + plen, 6);
}

static void emit_icmp_echo(gen_t *g, flow_t *f, int dir)
{
    if (skip(g))
        return;
    bool win = f->ttl[C] == 128;
    uint32_t plen = win ? 32 : 56;
    uint8_t proto = f->v6 ? 58 : 1;
    uint8_t *p = frame_begin(g, f, dir, proto, 8 + plen);
    p[0] = f->v6 ? (dir == C ? 128 : 129) : (dir == C ? 8 : 0);
    p[1] = 0;
    put16(p + 2, 0);
    put16(p + 4, f->aux);
    put16(p + 6, f->aux2);
    if (win) {
        for (uint32_t i = 0; i < plen; i++)
            p[8 + i] = (uint8_t)('a' + i % 23);
    } else {
        uint64_t ts = f->t0; /* time of the request, echoed in the reply */
        put32le(p + 8, EPOCH_BASE + (uint32_t)(ts / 1000000));
        put32le(p + 12, 0);
        put32le(p + 16, (uint32_t)(ts % 1000000));
        put32le(p + 20, 0);
        for (uint32_t i = 16; i < plen; i++)
            p[8 + i] = (uint8_t)i;
    }
    frame_end(g, f, proto, p, 8 + plen, 2);
}

static void emit_dns(gen_t *g, flow_t *f, int dir)
{
    if (skip(g))
        return;
    rng_t r;
    rng_seed(&r, f->seed ^ UINT64_C(0x444e53));
    uint8_t name[128];
    bb_t nb = {name, 0};
    host_name(&nb, f->seed);
    bool nx = rng_pm(&r, 40);
    bool cname = rng_pm(&r, 300);
    uint32_t qtype = f->count == 2 ? (f->aux2 ? 28 : 1) : (rng_pm(&r, 800) ? 1 : 28);
    rng_seed(&r, f->seed ^ (UINT64_C(0x1000) + f->aux2)); /* per-query answers */

    bb_t b = {g->scratch, 0};
    bb_u16(&b, f->aux);
    bb_u16(&b, dir == C ? 0x0100 : nx ? 0x8183 : 0x8180);
    bb_u16(&b, 1);
    size_t anc = bb_mark(&b, 2);
    bb_u16(&b, 0);
    bb_u16(&b, 0);
    dns_name(&b, name, nb.n);
    bb_u16(&b, qtype);
    bb_u16(&b, 1);
    uint32_t an = 0;
    if (dir == S && !nx) {
        uint32_t target = 0xc00c; /* compression pointer to the question name */
        if (cname) {
            bb_u16(&b, target);
            bb_u16(&b, 5);
            bb_u16(&b, 1);
            bb_u32(&b, rng_range(&r, 30, 3600));
            size_t rl = bb_mark(&b, 2);
            target = 0xc000 | (uint32_t)b.n;
            uint8_t cn[96];
            bb_t cb = {cn, 0};
            bb_str(&cb, "edge-");
            bb_uint(&cb, rng_below(&r, 1000));
            bb_u8(&cb, '.');
            bb_str(&cb, WORDS[rng_below(&r, NWORDS)]);
            bb_str(&cb, "-cdn.net");
            dns_name(&b, cn, cb.n);
            bb_patch(&b, rl, 2);
            an++;
        }
        uint32_t n = qtype == 1 ? rng_range(&r, 1, 4) : rng_range(&r, 1, 2);
        uint32_t ttl = rng_range(&r, 20, 3600);
        for (uint32_t i = 0; i < n; i++, an++) {
            bb_u16(&b, target);
            bb_u16(&b, qtype);
            bb_u16(&b, 1);
            bb_u32(&b, ttl);
            if (qtype == 1) {
                bb_u16(&b, 4);
                bb_rand(&b, &r, 4);
            } else {
                bb_u16(&b, 16);
                bb_mem(&b, SRV6_PREFIX[rng_below(&r, 5)], 4);
                bb_rand(&b, &r, 12);
            }
        }
    }
    put16(g->scratch + anc, an);
    emit_udp(g, f, dir, g->scratch, (uint32_t)b.n);
}

static void ntp_ts(uint8_t *p, uint64_t us)
{
    put32(p, EPOCH_BASE + 2208988800u + (uint32_t)(us / 1000000));
    put32(p + 4, (uint32_t)(((us % 1000000) << 32) / 1000000));
}

static void emit_ntp(gen_t *g, flow_t *f, int dir)
{
    if (skip(g))
        return;
    uint8_t *p = g->scratch;
    memset(p, 0, 48);
    if (dir == C) {
        p[0] = 0x23; /* LI 0, VN 4, client */
        p[2] = 6;
        p[3] = 0xe9;
        ntp_ts(p + 40, g->now);
    } else {
        p[0] = 0x24; /* server */
        p[1] = 2;
        p[2] = 6;
        p[3] = 0xe7;
        put32(p + 4, 0x00000120);
        put32(p + 8, 0x00000350);
        memcpy(p + 12, RESOLV4[1 + f->aux % 3], 4);
        ntp_ts(p + 16, g->now > 512000000u ? g->now - 512000000u : 0);
        ntp_ts(p + 24, f->t0);
        ntp_ts(p + 32, g->now - f->rtt / 2);
        ntp_ts(p + 40, g->now - f->rtt / 2 + 15);
    }
    emit_udp(g, f, dir, p, 48);
}

/* ------------------------------------------------------------------------ */
/* Flow life cycle.                                                         */

static void flow_init(gen_t *g, flow_t *f)
{
    rng_t *r = &g->rng;
    memset(f, 0, sizeof *f);
    f->seed = rng_next(r);
    f->index = g->nstarted++;
    uint32_t x = rng_below(r, 1000), k = 0;
    while (k < K_COUNT - 1 && x >= KIND_SHARE[k])
        x -= KIND_SHARE[k++];
    if (g->only_kind >= 0)
        k = (uint32_t)g->only_kind;
    f->kind = (uint8_t)k;
    g->started[k]++;
    f->v6 = rng_pm(r, 200);

    client_t *c = &g->clients[rng_below(r, g->nclients)];
    server_t *s = &g->servers[pick_server(g)];
    memcpy(f->cmac, c->mac, 6);
    f->vlan = c->vlan;
    f->ttl[C] = c->ttl;
    f->ttl[S] = s->ttl;
    if (f->v6) {
        memcpy(f->cip, c->ip6, 16);
        memcpy(f->sip, f->kind == K_DNS ? RESOLV6[c->resolver] : s->ip6, 16);
        f->flowlabel = (uint32_t)rng_next(r) & 0xfffff;
    } else {
        memcpy(f->cip, c->ip4, 4);
        memcpy(f->sip, f->kind == K_DNS ? RESOLV4[c->resolver] : s->ip4, 4);
    }
    c->next_port = (uint16_t)(c->next_port + rng_range(r, 1, 9));
    if (c->next_port < 32768 || c->next_port > 60999)
        c->next_port = (uint16_t)(32768 + c->next_port % 1024);
    f->cport = c->next_port;
    f->ipid[C] = (uint16_t)rng_next(r);
    f->ipid[S] = (uint16_t)rng_next(r);
    f->rtt = rng_skew(r, 2000, 180000);
    f->mss = f->v6 ? 1440 : rng_pm(r, 120) ? 1380 : 1460;
    f->win[C] = (uint16_t)rng_range(r, 250, 2050);
    f->win[S] = (uint16_t)rng_range(r, 200, 520);
    f->seq[C] = (uint32_t)rng_next(r);
    f->seq[S] = (uint32_t)rng_next(r);
    f->cwnd = 10;

    switch (f->kind) {
    case K_HTTP:
        f->sport = rng_pm(r, 950) ? 80 : 8080;
        f->count = (uint16_t)(1 + (rng_pm(r, 500) ? rng_below(r, 4) : 0));
        break;
    case K_TLS:
        f->sport = 443;
        /* 40 % are long-lived, mostly idle connections (push, chat, mail) */
        f->persist = rng_pm(r, 400);
        f->count = (uint16_t)(f->persist ? 4 + rng_exp(r, 24) : 1 + rng_exp(r, 4));
        if (f->count > 100)
            f->count = 100;
        break;
    case K_TCPREJ:
        f->sport = (uint16_t)(rng_pm(r, 500) ? rng_range(r, 1, 1024) : rng_range(r, 1025, 9999));
        f->count = rng_pm(r, 600) ? 0 : (uint16_t)rng_range(r, 1, 3); /* 0: RST, else SYN retries */
        break;
    case K_DNS:
        f->sport = 53;
        f->count = rng_pm(r, 350) ? 2 : 1;
        f->aux = (uint16_t)rng_next(r);
        f->rtt = c->resolver == 0 ? rng_skew(r, 150, 3000) : rng_skew(r, 3000, 60000);
        break;
    case K_NTP:
        f->sport = 123;
        if (rng_pm(r, 300))
            f->cport = 123;
        f->count = rng_pm(r, 800) ? 1 : (uint16_t)rng_range(r, 2, 4);
        f->aux = (uint16_t)rng_next(r);
        break;
    case K_UDP:
        /* a range no well-known dissector claims (peer-to-peer games, VoIP media) */
        f->sport = (uint16_t)rng_range(r, 50000, 53999);
        f->cport = (uint16_t)rng_range(r, 50000, 53999);
        f->count = (uint16_t)rng_skew(r, 4, 120);
        break;
    case K_ICMP:
        f->count = (uint16_t)rng_range(r, 1, 6);
        f->aux = (uint16_t)rng_next(r);
        f->aux2 = 1;
        break;
    }
    uint32_t cl = rng_below(r, 100);
    f->close = cl < 62 ? CL_CFIN : cl < 80 ? CL_SFIN : cl < 88 ? CL_CRST : cl < 93 ? CL_SRST : CL_NONE;
    f->alert = f->kind == K_TLS && f->close == CL_CFIN && rng_pm(r, 700);
    f->phase = P_SYN;
}

/* delay before a packet sent by `who` in reaction to the previous packet,
 * as seen by a capture near the client */
static uint64_t react(gen_t *g, const flow_t *f, int who)
{
    return who == S ? f->rtt + rng_below(&g->rng, 400) : rng_range(&g->rng, 15, 400);
}

/* gap between consecutive data segments of the sender */
static uint64_t data_gap(gen_t *g, flow_t *f)
{
    if (f->burst) {
        f->burst--;
        return rng_range(&g->rng, 12, 150);
    }
    if (f->cwnd < 64)
        f->cwnd = (uint16_t)(f->cwnd * 2 > 64 ? 64 : f->cwnd * 2);
    f->burst = f->cwnd;
    return f->rtt;
}

static uint64_t after_msg(gen_t *g, flow_t *f)
{
    rng_t *r = &g->rng;
    int prev = f->mdir;
    uint64_t delay;
    if (!next_msg(g, f)) {
        f->closing = 1;
        delay = rng_exp(r, f->persist ? 120000000 : 60000000) + 1000;
        if (f->close == CL_SFIN || f->close == CL_SRST)
            delay += f->rtt;
    } else if (f->mdir != prev) {
        delay = f->mdir == S ? f->rtt + rng_exp(r, 6000)
                : rng_exp(r, f->persist ? 90000000 : 15000000) + 200;
    } else {
        delay = rng_range(r, 20, 300);
    }
    if (f->unacked && (f->closing || f->mdir == prev || delay > 40000)) {
        f->ackdir = (uint8_t)!prev;
        f->pend = delay;
        f->phase = P_TAILACK;
        return react(g, f, f->ackdir);
    }
    f->unacked = 0;
    f->phase = f->closing ? P_CLOSE : P_DATA;
    return delay;
}

static uint64_t step_tcp(gen_t *g, flow_t *f)
{
    rng_t *r = &g->rng;
    switch (f->phase) {
    case P_SYN:
        emit_tcp(g, f, C, F_SYN, 0);
        if (f->kind == K_TCPREJ) {
            if (f->count == 0) {
                f->phase = P_SYNACK;
                return react(g, f, S);
            }
            return f->aux2++ < f->count ? (uint64_t)1000000 << f->aux2 : DONE;
        }
        if (rng_pm(r, 8)) /* SYN lost: retransmitted after 1 s */
            return 1000000;
        f->seq[C]++;
        f->phase = P_SYNACK;
        return react(g, f, S);
    case P_SYNACK:
        if (f->kind == K_TCPREJ) {
            f->seq[C]++;
            f->seq[S] = 0;
            emit_tcp(g, f, S, F_RST | F_ACK, 0);
            return DONE;
        }
        emit_tcp(g, f, S, F_SYN | F_ACK, 0);
        f->seq[S]++;
        f->phase = P_HSACK;
        return react(g, f, C);
    case P_HSACK:
        emit_tcp(g, f, C, F_ACK, 0);
        next_msg(g, f);
        f->phase = P_DATA;
        return rng_range(r, 10, 300);
    case P_DATA: {
        int d = f->mdir;
        uint32_t n = f->mlen - f->moff < f->mss ? f->mlen - f->moff : f->mss;
        emit_tcp(g, f, d, (uint8_t)(F_ACK | (f->moff + n == f->mlen ? F_PSH : 0)), n);
        /* lost after the capture point: resend (never a 1-byte segment, which
         * analysers take for a keep-alive probe) */
        if (!f->rtx && n > 1 && rng_pm(r, 4)) {
            f->rtx = 1;
            return 200000 + 2 * (uint64_t)f->rtt;
        }
        f->rtx = 0;
        f->moff += n;
        f->seq[d] += n;
        f->unacked++;
        if (f->moff < f->mlen) {
            if (f->unacked >= 2) {
                f->phase = P_RACK;
                return react(g, f, !d);
            }
            return data_gap(g, f);
        }
        return after_msg(g, f);
    }
    case P_RACK:
        emit_tcp(g, f, !f->mdir, F_ACK, 0);
        f->unacked = 0;
        f->phase = P_DATA;
        return data_gap(g, f);
    case P_TAILACK: {
        emit_tcp(g, f, f->ackdir, F_ACK, 0);
        f->unacked = 0;
        f->phase = f->closing ? P_CLOSE : P_DATA;
        uint64_t spent = f->ackdir == S ? f->rtt : 0;
        return f->pend > spent ? f->pend - spent : 1;
    }
    case P_CLOSE: {
        int i = (f->close == CL_SFIN || f->close == CL_SRST) ? S : C;
        if (f->close == CL_NONE)
            return DONE;
        if (f->close == CL_CRST || f->close == CL_SRST) {
            emit_tcp(g, f, i, F_RST | F_ACK, 0);
            return DONE;
        }
        emit_tcp(g, f, i, F_FIN | F_ACK, 0);
        f->seq[i]++;
        f->phase = P_FIN2;
        return react(g, f, !i);
    }
    case P_FIN2: {
        int i = f->close == CL_SFIN ? S : C;
        emit_tcp(g, f, !i, F_FIN | F_ACK, 0);
        f->seq[!i]++;
        f->phase = P_FIN3;
        return react(g, f, i);
    }
    case P_FIN3:
        emit_tcp(g, f, f->close == CL_SFIN ? S : C, F_ACK, 0);
        return DONE;
    }
    return DONE;
}

static uint64_t step(gen_t *g, flow_t *f)
{
    rng_t *r = &g->rng;
    switch (f->kind) {
    case K_HTTP:
    case K_TLS:
    case K_TCPREJ:
        return step_tcp(g, f);
    case K_DNS:
        if (f->phase == 0) {
            emit_dns(g, f, C);
            if (rng_pm(r, 8))
                return DONE; /* unanswered */
            f->phase = 1;
            return f->rtt;
        }
        emit_dns(g, f, S);
        if (++f->aux2 < f->count) {
            f->phase = 0;
            f->aux++;
            return rng_range(r, 20, 400);
        }
        return DONE;
    case K_NTP:
        if (f->phase == 0) {
            f->t0 = g->now;
            emit_ntp(g, f, C);
            f->phase = 1;
            return f->rtt;
        }
        emit_ntp(g, f, S);
        if (++f->aux2 < f->count) {
            f->phase = 0;
            return 2000000 + rng_below(r, 2000);
        }
        return DONE;
    case K_UDP: {
        int d = (f->aux2 == 0 || rng_pm(r, 550)) ? C : S;
        uint32_t n = rng_pm(r, 600) ? rng_range(r, 20, 200) : rng_range(r, 200, 1200);
        /* small application header (channel, sequence), then opaque bytes; the
         * first byte keeps heuristic dissectors (RTP/RTCP, STUN, DTLS...) off */
        uint8_t *p = g->scratch;
        p[0] = 0xfe;
        p[1] = (uint8_t)(f->seed & 0x3f);
        put16(p + 2, f->aux2);
        memcpy(p + 4, g->rpool + (rng_next(r) & (RPOOL_SIZE - 1)), n - 4);
        emit_udp(g, f, d, p, n);
        if (++f->aux2 >= f->count)
            return DONE;
        return rng_exp(r, 40000) + 50;
    }
    case K_ICMP:
        if (f->phase == 0) {
            f->t0 = g->now;
            emit_icmp_echo(g, f, C);
            f->phase = 1;
            if (rng_pm(r, 20)) { /* lost reply */
                f->phase = 0;
                f->aux2++;
                return f->aux2 <= f->count ? 1000000 : DONE;
            }
            return f->rtt;
        }
        emit_icmp_echo(g, f, S);
        f->phase = 0;
        if (++f->aux2 > f->count)
            return DONE;
        return 1000000 - f->rtt + rng_below(r, 300);
    }
    return DONE;
}

/* ------------------------------------------------------------------------ */
/* Scheduler (binary min-heap of next packet times).                        */

static void heap_down(hent_t *h, uint32_t n, uint32_t i)
{
    hent_t e = h[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && (h[c + 1].t < h[c].t || (h[c + 1].t == h[c].t && h[c + 1].slot < h[c].slot)))
            c++;
        if (h[c].t > e.t || (h[c].t == e.t && h[c].slot > e.slot))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
}

static void make_text_pool(uint8_t *p)
{
    rng_t r;
    rng_seed(&r, 42);
    bb_t b = {p, 0};
    bb_str(&b, "<!DOCTYPE html>\n<html><head><title>Catalogue</title></head><body><ul>\n");
    while (b.n < TPOOL_SIZE + POOL_SLACK - 200) {
        const char *w1 = WORDS[rng_below(&r, NWORDS)], *w2 = WORDS[rng_below(&r, NWORDS)];
        uint32_t id = rng_below(&r, 100000);
        bb_str(&b, "<li class=\"item\"><a href=\"/products/");
        bb_str(&b, w1);
        bb_u8(&b, '-');
        bb_str(&b, w2);
        bb_u8(&b, '-');
        bb_uint(&b, id);
        bb_str(&b, "\">");
        bb_str(&b, w1);
        bb_u8(&b, ' ');
        bb_str(&b, w2);
        bb_str(&b, "</a> <span class=\"price\">");
        bb_uint(&b, rng_below(&r, 500));
        bb_u8(&b, '.');
        bb_uint(&b, 10 + rng_below(&r, 90));
        bb_str(&b, "</span></li>\n");
    }
    memset(p + b.n, ' ', TPOOL_SIZE + POOL_SLACK - b.n);
}

static void usage(FILE *fp)
{
    fputs("usage: fc-gen-traffic [--packets N | --megabytes M] [--seed S] [--flows-alive K]\n"
          "                      [--warmup SECONDS] [--only KIND] [--vxlan] [--quiet]\n"
          "                      OUTPUT.pcap\n"
          "Writes deterministic synthetic mixed traffic as a classic pcap (Ethernet, us).\n"
          "  --packets N       stop after N packets\n"
          "  --megabytes M     stop once the file reaches M*10^6 bytes (default 100)\n"
          "  --seed S          PRNG seed (default 1); same arguments -> same bytes\n"
          "  --flows-alive K   concurrent flows (default 4000)\n"
          "  --warmup SECONDS  packet time simulated before the capture starts (default 3600)\n"
          "  --only KIND       every flow of one kind: http, tls, tcp-refused, dns, ntp,\n"
          "                    udp or icmp (default: the mix above)\n"
          "  --vxlan           wrap every frame in VXLAN (UDP 4789, VNI 1000-1003,\n"
          "                    between VTEPs 192.0.2.1-4); the inner flows are unchanged\n"
          "  --quiet           no summary on stderr\n"
          "OUTPUT may be '-' for standard output.\n",
          fp);
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *v = x;
    return true;
}

int main(int argc, char **argv)
{
    uint64_t packets = 0, megabytes = 0, seed = 1, alive = 4000, warmup = 3600, first_ts = 0;
    const char *path = NULL;
    bool quiet = false, vxlan = false;
    int only_kind = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *dst = NULL;
        if (!strcmp(a, "--packets"))
            dst = &packets;
        else if (!strcmp(a, "--megabytes"))
            dst = &megabytes;
        else if (!strcmp(a, "--seed"))
            dst = &seed;
        else if (!strcmp(a, "--flows-alive"))
            dst = &alive;
        else if (!strcmp(a, "--warmup"))
            dst = &warmup;
        else if (!strcmp(a, "--only") && i + 1 < argc) {
            const char *name = argv[++i];
            for (int k = 0; k < K_COUNT; k++) {
                if (!strcmp(name, KIND_NAME[k]))
                    only_kind = k;
            }
            if (only_kind < 0) {
                fprintf(stderr, "fc-gen-traffic: --only: unknown kind %s\n", name);
                return 2;
            }
            continue;
        } else if (!strcmp(a, "--vxlan")) {
            vxlan = true;
            continue;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
            continue;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "fc-gen-traffic: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else if (!path) {
            path = a;
            continue;
        } else {
            fprintf(stderr, "fc-gen-traffic: more than one output path\n");
            return 2;
        }
        if (!parse_u64(i + 1 < argc ? argv[++i] : NULL, dst)) {
            fprintf(stderr, "fc-gen-traffic: %s needs a non-negative integer\n", a);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    if (alive < 1 || alive > 2000000) {
        fprintf(stderr, "fc-gen-traffic: --flows-alive must be 1..2000000\n");
        return 2;
    }
    if (warmup > 86400) {
        fprintf(stderr, "fc-gen-traffic: --warmup must be at most 86400 seconds\n");
        return 2;
    }
    if (!packets && !megabytes)
        megabytes = 100;

    gen_t *g = calloc(1, sizeof *g);
    if (!g)
        return 1;
    rng_seed(&g->rng, seed);
    g->only_kind = only_kind;
    g->vxlan = vxlan;
    g->limit_pkts = packets ? packets : UINT64_MAX;
    g->limit_bytes = megabytes ? megabytes * 1000000 : UINT64_MAX;
    g->nflows = (uint32_t)alive;
    g->nclients = g->nflows / 2 < 16 ? 16 : g->nflows / 2 > 250000 ? 250000 : g->nflows / 2;
    g->nservers = g->nflows < 64 ? 64 : g->nflows > 500000 ? 500000 : g->nflows;
    g->out = malloc(OUTBUF_SIZE);
    g->rpool = malloc(RPOOL_SIZE + POOL_SLACK);
    g->tpool = malloc(TPOOL_SIZE + POOL_SLACK);
    g->clients = calloc(g->nclients, sizeof *g->clients);
    g->servers = calloc(g->nservers, sizeof *g->servers);
    g->flows = calloc(g->nflows, sizeof *g->flows);
    g->heap = calloc(g->nflows, sizeof *g->heap);
    if (!g->out || !g->rpool || !g->tpool || !g->clients || !g->servers || !g->flows || !g->heap) {
        fprintf(stderr, "fc-gen-traffic: out of memory\n");
        return 1;
    }
    for (uint32_t i = 0; i < RPOOL_SIZE; i += 8) {
        uint64_t v = rng_next(&g->rng);
        for (int k = 0; k < 8; k++)
            g->rpool[i + k] = (uint8_t)(v >> (8 * k));
    }
    memcpy(g->rpool + RPOOL_SIZE, g->rpool, POOL_SLACK);
    make_text_pool(g->tpool);
    make_hosts(g);

    bool to_stdout = !strcmp(path, "-");
    g->fp = to_stdout ? stdout : fopen(path, "wb");
    if (!g->fp) {
        fprintf(stderr, "fc-gen-traffic: %s: %s\n", path, strerror(errno));
        return 1;
    }
    /* pcap global header: LE magic, v2.4, snaplen 262144, LINKTYPE_ETHERNET */
    uint8_t *h = g->out;
    put32le(h, 0xa1b2c3d4);
    put16le(h + 4, 2);
    put16le(h + 6, 4);
    put32le(h + 8, 0);
    put32le(h + 12, 0);
    put32le(h + 16, 262144);
    put32le(h + 20, 1);
    g->olen = 24;
    g->bytes = 24;

    /* Initial flows start spread over the first 30 seconds; the warm-up then
     * runs the model (writing nothing) until long-lived flows reach their
     * steady-state share, so the capture starts in the middle of the traffic. */
    g->discard = warmup > 0;
    for (uint32_t i = 0; i < g->nflows; i++) {
        flow_init(g, &g->flows[i]);
        g->heap[i].t = rng_below(&g->rng, 30000000);
        g->heap[i].slot = i;
    }
    for (uint32_t i = g->nflows / 2; i-- > 0;)
        heap_down(g->heap, g->nflows, i);

    while (g->pkts < g->limit_pkts && g->bytes < g->limit_bytes && !g->write_error) {
        hent_t *top = &g->heap[0];
        flow_t *f = &g->flows[top->slot];
        g->now = top->t > g->last_ts ? top->t : g->last_ts;
        if (g->discard && g->now >= warmup * 1000000) {
            g->discard = false;
            first_ts = g->now;
            memset(g->started, 0, sizeof g->started);
        }
        uint64_t before = g->emitted;
        uint64_t d = step(g, f);
        if (g->emitted != before)
            g->last_ts = g->now + 1; /* keep timestamps strictly increasing */
        if (d == DONE) {
            flow_init(g, f);
            d = rng_exp(&g->rng, 50000) + 1;
        }
        top->t = g->now + d;
        heap_down(g->heap, g->nflows, 0);
    }
    flush_out(g);
    if (!to_stdout && fclose(g->fp) != 0)
        g->write_error = true;
    if (g->write_error) {
        fprintf(stderr, "fc-gen-traffic: write error on %s\n", path);
        return 1;
    }
    if (!quiet) {
        uint64_t span = g->last_ts > first_ts + 1 ? g->last_ts - 1 - first_ts : 0;
        fprintf(stderr,
                "fc-gen-traffic: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64
                ".%03u s of packet time, flows started:",
                g->pkts, g->bytes, span / 1000000, (unsigned)(span % 1000000 / 1000));
        for (int k = 0; k < K_COUNT; k++)
            fprintf(stderr, " %s=%" PRIu64, KIND_NAME[k], g->started[k]);
        fputc('\n', stderr);
    }
    free(g->out);
    free(g->rpool);
    free(g->tpool);
    free(g->clients);
    free(g->servers);
    free(g->flows);
    free(g->heap);
    free(g);
    return 0;
}
