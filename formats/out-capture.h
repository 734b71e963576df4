/*
 * Capture output: writes the exact original packets of chosen flows to a
 * pcap or pcapng file, keeping every packet's bytes, captured and wire
 * lengths, and timestamp at its original precision.
 *
 * pcap (draft-ietf-opsawg-pcap) is written through libpcap: the header
 * carries the original LINKTYPE_ value, the largest snaplen, and the
 * microsecond or nanosecond magic. Timestamps become absolute seconds plus
 * a fraction scaled exactly (integer arithmetic only). pcap stores seconds
 * as 32 bits: a packet outside 1970-01-01 .. 2106-02-07 is refused
 * (EOVERFLOW), never wrapped. Seconds from 2^31 (2038-01-19) on are
 * written as the draft's unsigned value, which Wireshark and flowcase read
 * back but libpcap's own reader shows as negative. A packet longer than
 * the header's snaplen (an inconsistent original) is written whole, but
 * libpcap's reader cuts it to the snaplen.
 *
 * pcapng (draft-ietf-opsawg-pcapng) is written by hand in host byte order:
 * one Section Header Block (section length -1, shb_userappl), one Interface
 * Description Block per interface keeping linktype, snaplen, if_tsresol,
 * if_tsoffset, if_name and if_description, then one Enhanced Packet Block
 * per packet whose timestamp is the stored units unchanged (the IDB carries
 * their resolution and offset), with opt_comment when asked.
 *
 * Strings in options are at most FC_OUT_MAX_OPTION bytes (the option length
 * is 16 bits); longer ones are refused (EINVAL), not cut.
 */
#ifndef FC_OUT_CAPTURE_H
#define FC_OUT_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define FC_OUT_MAX_OPTION 65535u
#define FC_OUT_DEFAULT_SNAPLEN 262144u /* libpcap's MAXIMUM_SNAPLEN */

/* One original capture interface (a pcap file, or one pcapng IDB of one section). */
struct fc_out_interface {
    uint32_t linktype; /* LINKTYPE_ value as stored in files (1 Ethernet, 101 raw IP, 113 SLL ...) */
    uint32_t snaplen;  /* 0: unknown (pcap header then gets 262144) */
    uint8_t tsresol;   /* pcapng if_tsresol byte: 6 = microseconds, 9 = ns; top bit set: 2^-(low 7 bits) */
    int64_t tsoffset;  /* pcapng if_tsoffset, seconds; 0 for pcap */
    const char *name;  /* if_name, or NULL */
    const char *description; /* if_description (e.g. "case/a.pcapng, section 1, interface 0"), or NULL */
};

struct fc_out_packet {
    unsigned interface;  /* index into the interfaces given at open */
    uint64_t ts_units;   /* timestamp exactly as stored: in that interface's resolution, before tsoffset */
    uint32_t caplen;
    uint32_t wirelen;
    const uint8_t *data; /* caplen bytes */
    const char *comment; /* opt_comment for pcapng, or NULL */
};

enum fc_out_format { FC_OUT_PCAP_USEC, FC_OUT_PCAP_NSEC, FC_OUT_PCAPNG };

/* pcap when every interface has the same link type and a decimal resolution of at most 10^-9
 * (any tsoffset: pcap stores absolute seconds) and no comments are wanted; microsecond pcap when
 * every resolution is at most 10^-6, else nanosecond pcap; pcapng otherwise (several link types,
 * a binary or finer-than-ns resolution, or comments). Also pcapng for a link type libpcap cannot
 * write with the same LINKTYPE_ value (12 and 14, the raw-IP values some systems wrote, 11-49
 * other than 50/51, ...: see fc_out_pcap_dlt) and for no interface at all. */
enum fc_out_format fc_out_capture_choose(const struct fc_out_interface *ifs, unsigned n, bool comments);

/* The libpcap DLT_ value whose pcap files carry exactly this LINKTYPE_ value, or -1 when
 * libpcap writes no file header with it. */
int fc_out_pcap_dlt(uint32_t linktype);

struct fc_out_capture;

/* Writes the file header(s) to f (pcapng: one SHB with shb_userappl "flowcase <version>", then
 * one IDB per interface, in the order given, keeping linktype, snaplen, if_tsresol (omitted when
 * 6), if_tsoffset (omitted when 0), if_name, if_description). NULL on error (errno): EINVAL when
 * fmt cannot hold the interfaces (pcap: none, several link types, one libpcap cannot write, or a
 * resolution finer than the format; pcapng: a link type above 16 bits or a string too long).
 * The caller owns f. */
struct fc_out_capture *fc_out_capture_open(FILE *f, enum fc_out_format fmt,
                                           const struct fc_out_interface *ifs, unsigned n);

/* 0, or -1 (errno): EINVAL for an unknown interface, NULL data with caplen > 0, or a comment
 * pcap cannot hold (pcap has no place for it; too long for pcapng); EOVERFLOW for a pcap time
 * outside 32-bit unsigned seconds; the write's errno when the stream fails. */
int fc_out_capture_write(struct fc_out_capture *w, const struct fc_out_packet *p);

/* Flushes and frees (does not fclose f). 0, or -1 when anything failed. */
int fc_out_capture_close(struct fc_out_capture *w);

#endif
