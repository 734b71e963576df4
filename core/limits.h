/*
 * Every fixed ceiling in flowcase, with the reason for its value.
 * Configurable limits have their defaults here and their option in
 * cmd/options.c.
 */
#ifndef FC_LIMITS_H
#define FC_LIMITS_H

/* Largest packet record accepted: libpcap's MAXIMUM_SNAPLEN. A record
 * claiming more is taken as a damaged file, not as a packet. */
#define FC_MAX_CAPLEN (256u * 1024u)

/* Largest pcapng block read into memory (an EPB of FC_MAX_CAPLEN plus
 * options fits easily); larger blocks of types flowcase skips are streamed
 * past, larger packet blocks are damage. libpcap uses 16 MiB as well. */
#define FC_MAX_BLOCK (16u * 1024u * 1024u)

/* Stacked 802.1Q/802.1ad tags followed before giving up; real networks use
 * two (QinQ), a few vendors three. */
#define FC_MAX_VLAN_TAGS 8
/* Tags that take part in the flow key: outer and inner, as Zeek's
 * vlan/inner_vlan and Suricata's vlan tracking. */
#define FC_VLAN_KEY_DEPTH 2

/* Link layers nested inside each other (Ethernet in MPLS in PPPoE ...)
 * before a frame is declared malformed: bounds recursion on hostile input. */
#define FC_MAX_LINK_DEPTH 8

/* Tunnel layers decapsulated around one packet (GRE in VXLAN in GTP-U
 * ...): the configurable depth's ceiling. Real stacks have two or three;
 * the default depth of 4 leaves one spare and stops a nesting attack (a
 * GRE loop) after a few headers. */
#define FC_MAX_TUNNEL_DEPTH 8
#define FC_DEFAULT_TUNNEL_DEPTH 4

/* MPLS labels followed; carrier stacks rarely exceed 4. */
#define FC_MAX_MPLS_LABELS 16

/* IPv6 extension headers followed in one packet; RFC 8200 expects each
 * at most once or twice, so 16 is generous yet bounds hostile chains. */
#define FC_MAX_IPV6_EXT 16

/* IP reassembly (core/ip-reasm.c). Defaults of the configurable limits:
 * fragment storage of all pending datagrams together (Suricata's
 * defrag.memcap default is 32 MiB, Linux's ipfrag_high_thresh 4 MiB per
 * namespace; an offline run can afford more), datagrams pending at once
 * (Suricata's defrag.trackers default is 65535) and Linux's ipfrag_time. */
#define FC_DEFAULT_FRAG_MEMCAP (64ull << 20)
#define FC_DEFAULT_FRAG_DATAGRAMS 65536u
#define FC_DEFAULT_FRAG_TIMEOUT_S 30u
/* Fragments of one datagram that bring new bytes: a 64 KiB datagram over
 * the smallest IPv4 path MTU a host must accept (576) takes 119, over
 * IPv6's 1280 takes 53. More is an attack on the reassembler (FreeBSD's
 * net.inet.ip.maxfragsperpacket is 16); it also bounds the work per
 * fragment, which walks the datagram's held ranges. */
#define FC_FRAG_MAX_PER_DATAGRAM 256u

/* Defaults of the configurable limits. */
#define FC_DEFAULT_MAX_FLOWS 1000000u
#define FC_DEFAULT_IDLE_TIMEOUT_S 300u   /* as Zeek's tcp_inactivity_timeout, YAF's idle */
#define FC_DEFAULT_ACTIVE_TIMEOUT_S 1800u /* as YAF and nfdump/nfcapd */
#define FC_DEFAULT_TCP_CLOSE_GRACE_S 5u  /* as Zeek's tcp_close_delay */
/* Copies from two taps of one link arrive within microseconds to a few
 * milliseconds of each other; a genuine retransmission comes an RTT later
 * and, with TCP timestamps, differs anyway. */
#define FC_DEFAULT_DEDUP_WINDOW_MS 50u

/* TCP reassembly (core/reasm-tcp.c). Defaults of the two caps: 1 MiB held
 * per connection covers a full window of a fast link kept out of order
 * (Suricata's default reassembly depth is 1 MiB too); 256 MiB over all
 * connections is Suricata's default reassembly memcap. */
#define FC_DEFAULT_REASM_FLOW_CAP (1u << 20)
#define FC_DEFAULT_REASM_MEMCAP (256ull << 20)
/* Bytes of each direction kept after they were handed over, to compare a
 * retransmission with the first copy: a retransmission usually resends the
 * last unacknowledged segment or two (older ones are counted as overlaps,
 * unchecked). The ring is let go once the other side acknowledges all the
 * bytes handed over, so only directions with data in flight hold one:
 * 4 KiB each keeps 10,000 of them within 80 MiB. */
#define FC_REASM_RECENT 4096u
/* An ACK further ahead of the data seen than this is not believed (a
 * bogus or corrupted ACK would otherwise turn into a huge gap): half the
 * sequence space is where the wrap-around comparison stops meaning. */
#define FC_REASM_MAX_ACK_JUMP (1u << 30)

/* L7 detection: first bytes of a direction kept while a probe cannot
 * decide (a request line with an unknown method needs its whole line). */
#define FC_L7_PROBE_MAX 1024u

/* HTTP (core/dissect-http.c). A line longer than FC_HTTP_LINE_MAX is cut
 * (the transaction is marked truncated); Apache's default LimitRequestLine
 * is 8190 and LimitRequestFieldSize 8190, nginx's large buffers 8 KiB, so
 * 16 KiB holds anything a common server accepts. Values are copied up to
 * FC_HTTP_VALUE_MAX bytes. Methods are at most FC_HTTP_METHOD_MAX
 * characters (the longest registered, e.g. BASELINE-CONTROL, has 16).
 * FC_HTTP_MAX_TX transactions wait in one record at most (pipelining
 * without responses, or one connection with that many requests between
 * two records): beyond that they are counted, not kept. */
#define FC_HTTP_LINE_MAX 16384u
#define FC_HTTP_VALUE_MAX 8192u
#define FC_HTTP_METHOD_MAX 24u
#define FC_HTTP_MAX_TX 65536u

/* TLS (core/dissect-tls.c): the longest handshake message read (a
 * certificate chain is the longest; 64 KiB holds common chains). */
#define FC_TLS_MSG_MAX 65536u

/* DNS (core/dissect-dns.c). A query waits this long for its response
 * before a record reports it unanswered (resolvers give up after about
 * 5 s per try and a few tries; Zeek's dns_max_queries-era timeouts are of
 * the same order); the flow's last record reports every query. At most
 * FC_DNS_MAX_TX transactions and FC_DNS_MAX_RECORDS resource records wait
 * in one flow between two records; beyond, they are counted, not kept. */
#define FC_DNS_QUERY_TIMEOUT_NS (30 * FC_NS_PER_SEC)
#define FC_DNS_MAX_TX 65536u
#define FC_DNS_MAX_RECORDS 262144u

/* DTLS (core/dissect-dtls.c): datagrams of a flow read for its hellos;
 * a handshake takes four to ten, a HelloVerifyRequest two more. */
#define FC_DTLS_MAX_DATAGRAMS 32u

/* ICMP (core/dissect-icmp.c): distinct quoted flows kept per ICMP error
 * flow between two records (a scan answered by port-unreachables quotes
 * one flow per probed port); beyond, they are counted, not kept. */
#define FC_ICMP_MAX_QUOTED 4096u
/* DHCP (core/dissect-dhcp.c): messages kept for one record of a flow. A
 * client's exchange is a handful (DORA, a renewal, a release); the flow
 * from 0.0.0.0:68 to the broadcast address gathers every starting client
 * of a network, and a client that gets no answer retries every few
 * seconds: beyond this the messages are counted, not kept. */
#define FC_DHCP_MAX_MESSAGES 64u

/* User-agent analysis (core/useragent.c): distinct strings cached (a
 * power of two; the cache starts over when half full), and the longest
 * part kept (browser, OS or device names are short; this bounds what a
 * hostile $N substitution can produce). */
#define FC_UA_CACHE 8192u
#define FC_UA_PART_MAX 255u

/* A segment arriving before the highest sequence seen is out of order
 * (not a retransmission) when it comes within this time of that highest
 * segment: Wireshark's default tcp.analysis heuristic. */
#define FC_TCP_OOO_WINDOW_NS (3 * 1000 * 1000)

#endif
