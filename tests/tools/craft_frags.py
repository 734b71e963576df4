#!/usr/bin/env python3
"""Regenerate tests/data/crafted-tunnels/: small captures for the tunnel decapsulation
and IP fragment reassembly tests, each made to exercise one behaviour, with
expected.json (the inner flows each file holds, computed from the packets written
here) and README.md.

Usage:
    python3 tests/tools/craft_frags.py               # (re)write the files
    python3 tests/tools/craft_frags.py --check       # verify the files on disk are current
    python3 tests/tools/craft_frags.py --outdir DIR  # write them elsewhere (a test's temp dir)
    python3 tests/tools/craft_frags.py --only NAME   # just one capture (with --outdir)
    python3 tests/tools/craft_frags.py --tshark      # compare expected.json with tshark's view

Standard library only (like the other craft_*.py, so the bytes do not depend on a
scapy version, and a test can regenerate a file without it); packets are built with
the helpers of craft_captures.py, craft_http.py and craft_dns.py. Deterministic:
fixed times, ids and ports, byte-identical on every run.

Conventions of expected.json (one entry per capture):
  * flows: the inner (innermost) flows, client first. src_packets / dst_packets count
    IP datagrams after reassembly (a datagram whose fragments never all arrive is not
    counted); src_frames / dst_frames count the captured frames that carried them
    (a fragmented datagram is several frames, a duplicated fragment one more).
  * tunnels: the tunnel types around the flow, outermost first, named as
    enum fc_tunnel_type (ip_in_ip, gre, erspan, vxlan, geneve, gtpu, teredo,
    mpls_udp); tunnel_ids: per layer the VNI, GTP TEID or GRE key of the client's
    packets (null where the layer has none), tunnel_ids_rev the server's; outer:
    per layer the outer [src, dst] of the client's packets.
  * unreassembled_frames: fragments of datagrams that never complete.
"""
import argparse
import ipaddress
import json
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_captures import csum, eth_ip, ip, ipv4, tcp, udp  # noqa: E402
from craft_dns import A, AAAA, QUERY, RESPONSE, a, message  # noqa: E402
from craft_http import BASE_NS, pcap  # noqa: E402

OUTDIR = Path(__file__).resolve().parents[1] / "data" / "crafted-tunnels"
TXT = 16
FRAG_DATA = 1024          # fragment payload bytes: 4 fragments of <= 1068-byte packets
UA = b"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"


# --------------------------------------------------------------------------
# A capture, its inner flows, and the carriers that put inner packets on the wire
# --------------------------------------------------------------------------

class Capture:
    """The frames of one file on a shared clock, and the expectations they imply."""

    def __init__(self):
        self.t_us = 0
        self.packets = []
        self.flows = []
        self.extra = {}

    def emit(self, frames, gap_us):
        for f in frames:
            self.t_us += gap_us
            self.packets.append((BASE_NS + self.t_us * 1000, f))

    def expected(self):
        return dict(flows=self.flows, frames=len(self.packets), **self.extra)


def plain(who, ipb):
    return [eth_ip(ipb, who)]


class Session:
    """One inner flow (client 'c', server 's'): builds its IP packets and hands each
    to a carrier (who, ip bytes) -> frames; counts what the flow record should say."""

    def __init__(self, cap, proto, c, cp, s, sp, carry=plain, tunnels=(), isn=(1000, 50000)):
        self.cap, self.carry = cap, carry
        self.ends = {"c": (c, cp, s, sp), "s": (s, sp, c, cp)}
        self.next = {"c": isn[0], "s": isn[1]}
        self.ident = {"c": 0x1000, "s": 0x2000}
        self.rec = {"proto": proto, "src": c, "sport": cp, "dst": s, "dport": sp,
                    "src_packets": 0, "dst_packets": 0, "src_frames": 0, "dst_frames": 0}
        for layer in tunnels:
            for k in ("tunnels", "tunnel_ids", "tunnel_ids_rev", "outer"):
                self.rec.setdefault(k, []).append(layer[k])
        cap.flows.append(self.rec)

    def note(self, key, value):
        self.rec.setdefault(key, [])
        if value not in self.rec[key]:
            self.rec[key].append(value)

    def put(self, who, ipb, carry=None, delivered=True, gap_ms=1):
        frames = (carry or self.carry)(who, ipb)
        self.cap.emit(frames, gap_ms * 1000 // max(1, len(frames)))
        side = "src" if who == "c" else "dst"
        self.rec[side + "_frames"] += len(frames)
        self.rec[side + "_packets"] += delivered

    def ip(self, who, proto, seg):
        src, _, dst, _ = self.ends[who]
        self.ident[who] += 1
        return ip(src, dst, proto, seg, ident=self.ident[who])

    def udp(self, who, payload, **kw):
        src, sport, dst, dport = self.ends[who]
        self.put(who, self.ip(who, 17, udp(src, dst, sport, dport, payload)), **kw)

    def tcp(self, who, flags, payload=b"", **kw):
        src, sport, dst, dport = self.ends[who]
        other = "s" if who == "c" else "c"
        seq, ack = self.next[who], self.next[other] if "A" in flags else 0
        opts = struct.pack("!BBH", 2, 4, 1460) if "S" in flags else b""
        seg = tcp(src, dst, sport, dport, seq, ack, flags, 65535, payload, opts)
        self.next[who] = seq + len(payload) + ("S" in flags) + ("F" in flags)
        self.put(who, self.ip(who, 6, seg), **kw)

    def dns(self, qname, answers=None, qtype=A, tid=0x4242):
        """A query and its response (answers: a list of rdata of qtype)."""
        self.note("dns_query", qname)
        self.udp("c", message(tid, QUERY, [(qname, qtype)]))
        answers = [a("192.0.2.99")] if answers is None else answers
        self.udp("s", message(tid, RESPONSE, [(qname, qtype)],
                              [(qname, qtype, 300, r) for r in answers]), gap_ms=3)

    def http(self, host, path=b"/", body=b"<html>hello</html>\n", extra=b""):
        """Handshake, GET with Host and User-Agent, 200, FIN both ways."""
        self.note("http_host", host)
        self.tcp("c", "S")
        self.tcp("s", "SA")
        self.tcp("c", "A")
        self.tcp("c", "PA", b"GET " + path + b" HTTP/1.1\r\nHost: " + host.encode() +
                 b"\r\nUser-Agent: " + UA + b"\r\nAccept: */*\r\n" + extra + b"\r\n")
        head = b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\n" \
               b"Content-Length: %d\r\n\r\n" % len(body)
        data = head + body
        for i in range(0, len(data), 1460):
            self.tcp("s", "PA", data[i:i + 1460], gap_ms=5)
        self.tcp("c", "A")
        self.tcp("c", "FA")
        self.tcp("s", "FA")
        self.tcp("c", "A")


def addr(raw):
    return ipaddress.ip_address(raw).compressed


# --------------------------------------------------------------------------
# Fragmentation: pieces are (offset, data, more) of the datagram's payload
# --------------------------------------------------------------------------

def pieces(ipb, size=FRAG_DATA, first=None):
    """Cut the datagram's payload in `size`-byte pieces (the first `first` bytes long)."""
    data = ipb[40:] if ipb[0] >> 4 == 6 else ipb[20:]
    cuts = [0] + ([first] if first else [])
    while cuts[-1] + size < len(data):
        cuts.append(cuts[-1] + size)
    cuts.append(len(data))
    return [(o, data[o:e], e < len(data)) for o, e in zip(cuts, cuts[1:])]


def fragment(ipb, piece, ident6=0):
    """One fragment of an (option-less) IPv4 or extension-less IPv6 datagram."""
    off, data, more = piece
    assert off % 8 == 0
    if ipb[0] >> 4 == 6:
        fh = struct.pack("!BBHI", ipb[6], 0, off | more, ident6)
        hdr = bytearray(ipb[:40])
        hdr[4:6] = struct.pack("!H", len(fh) + len(data))
        hdr[6] = 44
        return bytes(hdr) + fh + data
    ident = struct.unpack("!H", ipb[4:6])[0]
    return ipv4(addr(ipb[12:16]), addr(ipb[16:20]), ipb[9], data, ident=ident,
                ttl=ipb[8], df=False, mf=more, frag=off // 8)


def fragmented(plan, ident6=0x5eed0001, size=FRAG_DATA, first=None):
    """A carrier that fragments the datagram, then sends the fragments the plan
    (a list of piece indexes, or callables piece list -> piece) names."""
    def carry(who, ipb):
        ps = pieces(ipb, size, first)
        chosen = [p(ps) if callable(p) else ps[p] for p in plan]
        return [eth_ip(fragment(ipb, p, ident6), who) for p in chosen]
    return carry


def first_wins(pcs):
    """The payload a 'first arrived wins' reassembly builds from these pieces."""
    end = max(o + len(d) for o, d, _ in pcs)
    buf, have = bytearray(end), [False] * end
    for o, d, _ in pcs:
        for i, b in enumerate(d):
            if not have[o + i]:
                buf[o + i], have[o + i] = b, True
    assert all(have)
    return bytes(buf)


def big_txt_response(qname, tid, upper=False):
    """A response of about 3,200 bytes: 11 TXT records of 250 letters, record k all
    letter k (upper case with upper)."""
    recs = [bytes([250]) + bytes([(0x41 if upper else 0x61) + k]) * 250 for k in range(11)]
    return message(tid, RESPONSE, [(qname, TXT)], [(qname, TXT, 3600, r) for r in recs])


def txt_strings(seg):
    """The TXT strings of a big_txt_response in a UDP segment, read at their known places."""
    out, at = [], seg.index(b"\0", 20) + 1 + 4
    for _ in range(11):
        at = seg.index(b"\0", at) + 1 + 10
        out.append(seg[at + 1:at + 1 + seg[at]].decode())
        at += 1 + seg[at]
    return out


def runs(text):
    """'aaaBB' -> 'a*3+B*2'."""
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append("%s*%d" % (text[i], j - i))
        i = j
    return "+".join(out)


FRAG_HOSTS = {4: ("10.40.0.1", "10.40.0.53"), 6: ("2001:db8:40::1", "2001:db8:40::53")}


def frag_dns(v, name, plan, doc, first=None, delivered=True):
    """A DNS query and a TXT response fragmented as the plan says."""
    def build():
        cap = Capture()
        c, s = FRAG_HOSTS[v]
        x = Session(cap, "udp", c, 40000, s, 53)
        qname = "%s.v%d.frag.example" % (name, v)
        x.note("dns_query", qname)
        x.udp("c", message(0x3001, QUERY, [(qname, TXT)]))
        x.udp("s", big_txt_response(qname, 0x3001), gap_ms=4,
              carry=fragmented(plan, first=first), delivered=delivered)
        if not delivered:
            cap.extra["unreassembled_frames"] = x.rec["dst_frames"]
        return cap
    build.__doc__ = doc
    return build


def overlap_facts(cap):
    """What a 'first arrived wins' reassembly makes of the overlap capture's response."""
    v6 = cap.packets[1][1][14] >> 4 == 6
    got = []
    for _, f in cap.packets[1:]:
        p = f[14:]
        if v6:
            got.append((struct.unpack("!H", p[42:44])[0] & 0xFFF8, p[48:], False))
        else:
            got.append(((struct.unpack("!H", p[6:8])[0] & 0x1FFF) * 8, p[20:], False))
    whole = first_wins(got)
    upper = [i for i, b in enumerate(whole) if i >= 64 and 0x41 <= b <= 0x5A]
    return {"first_wins": {"txt_records": [runs(t) for t in txt_strings(whole)],
                           "upper_case_payload_bytes": [upper[0], upper[-1] + 1],
                           "udp_checksum_valid": udp_ok(whole, v6, cap)}}


def udp_ok(seg, v6, cap):
    """Whether the reassembled UDP datagram's checksum verifies."""
    first = cap.packets[1][1][14:]
    if v6:
        ph = first[8:40] + struct.pack("!I", len(seg)) + b"\0\0\0\x11"
    else:
        ph = first[12:20] + struct.pack("!BBH", 0, 17, len(seg))
    return csum(ph + seg) == 0


def overlap_carry(who, ipb):
    """The 4 fragments in the order 0, 2, the conflicting one (payload bytes 1536..2560
    again, the TXT letters upper-cased), 1, 3."""
    ps = pieces(ipb)
    data = ipb[40:] if ipb[0] >> 4 == 6 else ipb[20:]
    qname = ".".join(lab.decode() for lab in _labels(data[20:]))
    alt = data[:8] + big_txt_response(qname, struct.unpack("!H", data[8:10])[0], upper=True)
    assert len(alt) == len(data)
    x = (1536, alt[1536:2560], True)
    order = [ps[0], ps[2], x, ps[1], ps[3]]
    return [eth_ip(fragment(ipb, p, 0x5eed0001), who) for p in order]


def _labels(raw):
    out, i = [], 0
    while raw[i]:
        out.append(raw[i + 1:i + 1 + raw[i]])
        i += 1 + raw[i]
    return out


def frag_overlap(v):
    def build():
        cap = Capture()
        c, s = FRAG_HOSTS[v]
        x = Session(cap, "udp", c, 40000, s, 53)
        qname = "overlap.v%d.frag.example" % v
        x.note("dns_query", qname)
        x.udp("c", message(0x3001, QUERY, [(qname, TXT)]))
        x.udp("s", big_txt_response(qname, 0x3001), gap_ms=4, carry=overlap_carry)
        cap.extra.update(overlap_facts(cap))
        return cap
    build.__doc__ = (
        "IPv%d: the response's 4 fragments (payload bytes 0, 1024, 2048, 3072) sent in the "
        "order 0, 2048, X, 1024, 3072, where X carries payload bytes 1536..2560 again with "
        "the TXT letters upper-cased (conflicting bytes). First arrived wins: X's bytes "
        "1536..2048 stand (they came before the fragment at 1024), its bytes 2048..2560 do "
        "not; the UDP checksum then fails. tshark keeps the lower offset's bytes instead. "
        "See expected.json first_wins.%s" % (
            v, " RFC 5722 says an IPv6 receiver discards such a datagram." if v == 6 else ""))
    return build


def frag_http():
    """IPv4 TCP: handshake, a GET whose packet (a 2,600-byte Cookie) is cut in 3
    fragments, 200, FIN."""
    cap = Capture()
    x = Session(cap, "tcp", "10.41.0.1", 40100, "10.41.0.80", 80)
    x.note("http_host", "frag-http.example")
    x.tcp("c", "S")
    x.tcp("s", "SA")
    x.tcp("c", "A")
    x.tcp("c", "PA", b"GET /cookie HTTP/1.1\r\nHost: frag-http.example\r\nUser-Agent: " + UA +
          b"\r\nCookie: session=" + b"c" * 2600 + b"\r\n\r\n", carry=fragmented([0, 1, 2]))
    x.tcp("s", "PA", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    x.tcp("c", "A")
    x.tcp("c", "FA")
    x.tcp("s", "FA")
    x.tcp("c", "A")
    return cap


# --------------------------------------------------------------------------
# Tunnel layers: each is a dict with the expectation fields and `wrap(who, inner)`
# returning the outer IP packet (or, for the last layer, what eth_ip frames)
# --------------------------------------------------------------------------

def layer(typ, o_c, o_s, wrap, ids=None, ids_rev=None):
    return {"tunnels": typ, "tunnel_ids": ids, "tunnel_ids_rev": ids if ids_rev is None else
            ids_rev, "outer": [o_c, o_s], "wrap": wrap}


def outer(o_c, o_s, who):
    return (o_c, o_s) if who == "c" else (o_s, o_c)


def ip_in_ip(o_c, o_s):
    def wrap(who, inner):
        src, dst = outer(o_c, o_s, who)
        return ip(src, dst, 41 if inner[0] >> 4 == 6 else 4, inner)
    return layer("ip_in_ip", o_c, o_s, wrap)


def gre(o_c, o_s, key=None, seq=False, checksum=False, teb=False):
    """GRE (RFC 2784, 2890); teb wraps the inner packet in Ethernet (0x6558)."""
    counter = {"c": 0, "s": 0}

    def wrap(who, inner):
        src, dst = outer(o_c, o_s, who)
        if teb:
            inner, proto = eth_ip(inner, who), 0x6558
        else:
            proto = 0x86DD if inner[0] >> 4 == 6 else 0x0800
        flags = (0x8000 if checksum else 0) | (0x2000 if key is not None else 0) | \
            (0x1000 if seq else 0)
        opt = b""
        if key is not None:
            opt += struct.pack("!I", key)
        if seq:
            counter[who] += 1
            opt += struct.pack("!I", counter[who])
        hdr = struct.pack("!HH", flags, proto)
        if checksum:
            c = csum(hdr + b"\0\0\0\0" + opt + inner)
            hdr += struct.pack("!HH", c, 0)
        return ip(src, dst, 47, hdr + opt + inner)
    return layer("gre", o_c, o_s, wrap, key)


def udp_tunnel(typ, o_c, o_s, ports, header, ids=None, ids_rev=None, eth_inner=False):
    """A UDP tunnel: ports = {who: (sport, dport)}; header(who) is the tunnel header."""
    def wrap(who, inner):
        src, dst = outer(o_c, o_s, who)
        sport, dport = ports[who]
        body = header(who) + (eth_ip(inner, who) if eth_inner else inner)
        return ip(src, dst, 17, udp(src, dst, sport, dport, body))
    return layer(typ, o_c, o_s, wrap, ids, ids_rev)


def vxlan(o_c, o_s, vni, port=4789, sports=(49500, 51200)):
    hdr = struct.pack("!BBHI", 0x08, 0, 0, vni << 8)
    return udp_tunnel("vxlan", o_c, o_s, {"c": (sports[0], port), "s": (sports[1], port)},
                      lambda who: hdr, vni, eth_inner=True)


def geneve(o_c, o_s, vni, option):
    assert len(option) % 4 == 0
    hdr = struct.pack("!BBHI", len(option) // 4, 0, 0x6558, vni << 8) + option
    return udp_tunnel("geneve", o_c, o_s, {"c": (50601, 6081), "s": (50602, 6081)},
                      lambda who: hdr, vni, eth_inner=True)


def tunnel(*layers):
    """A carrier through the layers, outermost first."""
    def carry(who, inner):
        for lay in reversed(layers):
            inner = lay["wrap"](who, inner)
        return [eth_ip(inner, who)]
    return carry


def through(cap, proto, c, cp, s, sp, *layers, **kw):
    return Session(cap, proto, c, cp, s, sp, carry=tunnel(*layers), tunnels=layers, **kw)


# --------------------------------------------------------------------------
# GTP-U over a fragmented outer IPv4 header
# --------------------------------------------------------------------------

def gtpu_frag():
    """GTP-U (UDP 2152; TEID 0xa001 uplink, 0xb002 downlink; each G-PDU with a PDU
    session container extension, next type 0x85, QFI 9) between 192.0.2.61 and
    192.0.2.62, carrying an inner IPv4 TCP HTTP exchange (handshake, GET with Host
    and User-Agent, 200 with a 2,500-byte body, FIN). G-PDUs over 1,500 bytes (the
    GET with its long Cookie, the first response segment) have their outer IPv4
    header fragmented in 2 (1,480 + the rest), like Zeek's
    gtp1_gn_normal_incl_fragmentation."""
    cap = Capture()
    o_c, o_s = "192.0.2.61", "192.0.2.62"
    teid = {"c": 0xa001, "s": 0xb002}
    ident = {"c": 0x6100, "s": 0x6200}

    def gtp(who, inner):
        ext = struct.pack("!BBBB", 1, 0x10 if who == "c" else 0x00, 9, 0)
        body = struct.pack("!HBB", 0, 0, 0x85) + ext + inner
        return struct.pack("!BBHI", 0x34, 0xFF, len(body), teid[who]) + body

    def carry(who, inner):
        src, dst = outer(o_c, o_s, who)
        ident[who] += 1
        pkt = ipv4(src, dst, 17, udp(src, dst, 2152, 2152, gtp(who, inner)),
                   ident=ident[who], df=False)
        if len(pkt) <= 1500:
            return [eth_ip(pkt, who)]
        return [eth_ip(fragment(pkt, p), who) for p in pieces(pkt, 1480)]

    lay = layer("gtpu", o_c, o_s, None, teid["c"], teid["s"])
    x = Session(cap, "tcp", "10.61.0.5", 41000, "198.51.100.80", 80, carry=carry,
                tunnels=[lay])
    x.http("gtp.example", b"/index.html", body=b"g" * 2500,
           extra=b"Cookie: id=" + b"k" * 1500 + b"\r\n")
    return cap


# --------------------------------------------------------------------------
# Hostile input
# --------------------------------------------------------------------------

def gre_nested():
    """GRE nested 12 deep (IPv4/GRE/IPv4/GRE/..., layer n between 10.12.n.1 and
    10.12.n.2), then IPv4 UDP DNS (deep.gre.example): beyond flowcase's tunnel depth
    (default 4, ceiling FC_MAX_TUNNEL_DEPTH 8)."""
    cap = Capture()
    layers = [gre("10.12.%d.1" % n, "10.12.%d.2" % n) for n in range(1, 13)]
    x = through(cap, "udp", "10.12.100.1", 40012, "10.12.100.53", 53, *layers)
    x.dns("deep.gre.example")
    return cap


def gre_loop():
    """Three 1,500-byte IPv4 packets 10.13.0.1 -> 10.13.0.2, GRE (0x0800) whose payload
    is the same outer IPv4+GRE header again, repeated (62 times, then its first 12
    bytes) to the end of the packet: every inner header claims 1,500 bytes. Then a
    normal DNS exchange (after-loop.example) between other hosts."""
    cap = Capture()
    hdr = ipv4("10.13.0.1", "10.13.0.2", 47, b"", ident=0x1313, total_len=1500) + \
        struct.pack("!HH", 0, 0x0800)
    pkt = (hdr * (1500 // len(hdr) + 1))[:1500]
    cap.emit([eth_ip(pkt, "c")] * 3, 1000)
    cap.extra["loop_frames"] = 3
    x = Session(cap, "udp", "10.13.1.1", 40013, "10.13.1.53", 53)
    x.dns("after-loop.example")
    return cap


FLOOD = 20000


def frag_flood():
    """20,000 first fragments (MF set, 24 bytes: a UDP header to port 53 and 16 bytes)
    of distinct datagrams (ids 0..19999) 10.66.0.1 -> 10.66.0.53, 50 us apart, that
    never complete. Then, from the same client, a normal DNS exchange (flood-ok.example)
    and one whose 3,130-byte response comes in 4 fragments (flood-frag.example): both
    flows must still be found."""
    cap = Capture()
    c, s = "10.66.0.1", "10.66.0.53"
    frames = []
    for i in range(FLOOD):
        u = struct.pack("!HHHH", 30000 + i % 20000, 53, 1000, 0) + b"flood-%010d" % i
        frames.append(eth_ip(ipv4(c, s, 17, u, ident=i, df=False, mf=True), "c"))
    cap.emit(frames, 50)
    cap.extra["unreassembled_frames"] = FLOOD
    x = Session(cap, "udp", c, 40066, s, 53)
    x.dns("flood-ok.example")
    y = Session(cap, "udp", c, 40067, s, 53)
    y.note("dns_query", "flood-frag.example")
    y.udp("c", message(0x6601, QUERY, [("flood-frag.example", TXT)]))
    y.udp("s", big_txt_response("flood-frag.example", 0x6601), carry=fragmented([0, 1, 2, 3]))
    return cap


# --------------------------------------------------------------------------
# Tunnel types without corpus captures
# --------------------------------------------------------------------------

def teredo():
    """Teredo (RFC 4380), client 203.0.113.5:40000 <-> relay 198.51.100.1:3544, inner
    IPv6 UDP DNS between the client's Teredo address 2001:0:c633:6401:8000:63bf:34ff:8efa
    and 2001:db8:53::53. Three exchanges: plain (port 41001); the response with an
    origin indication (41002); query and response with an authentication header
    (no client id or value, fixed nonce), the response with an origin indication
    after it (41003)."""
    cap = Capture()
    o_c, o_s = "203.0.113.5", "198.51.100.1"
    me, peer = "2001:0:c633:6401:8000:63bf:34ff:8efa", "2001:db8:53::53"
    origin = struct.pack("!HH4s", 0, 3544 ^ 0xFFFF, bytes(b ^ 0xFF for b in a(o_s)))
    auth = struct.pack("!HBB", 1, 0, 0) + bytes(range(1, 9)) + b"\0"
    variants = [(41001, {"c": b"", "s": b""}), (41002, {"c": b"", "s": origin}),
                (41003, {"c": auth, "s": auth + origin})]
    for port, hdrs in variants:
        lay = udp_tunnel("teredo", o_c, o_s, {"c": (40000, 3544), "s": (3544, 40000)},
                         lambda who, h=hdrs: h[who])
        x = through(cap, "udp", me, port, peer, 53, lay)
        x.dns("teredo-%d.example" % port, [bytes(15) + b"\1"], qtype=AAAA)
    return cap


def mpls_udp():
    """MPLS over UDP (RFC 7510): 192.0.2.10 <-> 192.0.2.20, destination port 6635,
    source port an entropy value, label 16001 (16002 back; bottom of stack) then IPv4
    UDP DNS (mpls-udp.example)."""
    cap = Capture()
    labels = {"c": 16001, "s": 16002}
    lay = udp_tunnel("mpls_udp", "192.0.2.10", "192.0.2.20",
                     {"c": (49321, 6635), "s": (50123, 6635)},
                     lambda who: struct.pack("!I", (labels[who] << 12) | 0x100 | 64))
    x = through(cap, "udp", "10.77.0.1", 40077, "10.77.0.53", 53, lay)
    x.dns("mpls-udp.example")
    return cap


def four_in_six():
    """IPv4 in IPv6 (next header 4): 2001:db8:46::1 <-> 2001:db8:46::2 carrying IPv4 UDP
    DNS (4in6.example)."""
    cap = Capture()
    x = through(cap, "udp", "10.46.0.1", 40046, "10.46.0.53", 53,
                ip_in_ip("2001:db8:46::1", "2001:db8:46::2"))
    x.dns("4in6.example")
    return cap


def six_in_six():
    """IPv6 in IPv6 (next header 41): 2001:db8:66::1 <-> 2001:db8:66::2 carrying an
    IPv6 TCP HTTP exchange (6in6.example)."""
    cap = Capture()
    x = through(cap, "tcp", "2001:db8:a::1", 40066, "2001:db8:b::80", 80,
                ip_in_ip("2001:db8:66::1", "2001:db8:66::2"))
    x.http("6in6.example")
    return cap


def geneve_option():
    """Geneve (RFC 8926, UDP 6081), VNI 5000, protocol 0x6558, one 8-byte TLV option
    (class 0xfff0 experimental, type 1, 4 bytes of data): 192.0.2.31 <-> 192.0.2.32,
    inner Ethernet + IPv4 UDP DNS (geneve.example)."""
    cap = Capture()
    opt = struct.pack("!HBB", 0xFFF0, 0x01, 1) + b"\xde\xad\xbe\xef"
    x = through(cap, "udp", "10.31.0.1", 40031, "10.31.0.53", 53,
                geneve("192.0.2.31", "192.0.2.32", 5000, opt))
    x.dns("geneve.example")
    return cap


def vxlan_tenants():
    """VXLAN between VTEPs 192.0.2.1 and 192.0.2.2 (same outer addresses and ports for
    both), two tenants, VNI 100 and 200, whose packets interleave and carry the SAME
    inner 5-tuple 10.0.0.1:40000 -> 10.0.0.2:80: handshake, GET (Host
    tenant100.example / tenant200.example), 200, FIN. Two flows, told apart only by
    the VNI."""
    cap = Capture()
    xs = [through(cap, "tcp", "10.0.0.1", 40000, "10.0.0.2", 80,
                  vxlan("192.0.2.1", "192.0.2.2", vni), isn=(1000 * vni, 7000 * vni))
          for vni in (100, 200)]
    steps = [lambda x: x.tcp("c", "S"), lambda x: x.tcp("s", "SA"), lambda x: x.tcp("c", "A")]
    for n, x in zip((100, 200), xs):
        x.note("http_host", "tenant%d.example" % n)
    for i, step in enumerate(steps):
        for x in xs:
            step(x)
    for n, x in zip((100, 200), xs):
        x.tcp("c", "PA", b"GET /tenant HTTP/1.1\r\nHost: tenant%d.example\r\nUser-Agent: " % n +
              UA + b"\r\n\r\n")
    for n, x in zip((100, 200), xs):
        x.tcp("s", "PA", b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n%d" % n)
    for x in xs:
        x.tcp("c", "FA")
        x.tcp("s", "FA")
        x.tcp("c", "A")
    return cap


def gre_csum_key_seq():
    """GRE with the checksum, key (0x00abcdef) and sequence bits set (RFC 2890), protocol
    0x86DD: 192.0.2.51 <-> 192.0.2.52, carrying IPv6 UDP DNS (gre-ksc.example)."""
    cap = Capture()
    x = through(cap, "udp", "2001:db8:51::1", 40051, "2001:db8:51::53", 53,
                gre("192.0.2.51", "192.0.2.52", key=0xABCDEF, seq=True, checksum=True))
    x.dns("gre-ksc.example", [bytes(15) + b"\2"], qtype=AAAA)
    return cap


def gre_teb():
    """GRE transparent Ethernet bridging (protocol 0x6558, no key): 192.0.2.41 <->
    192.0.2.42 carrying Ethernet + IPv4 TCP HTTP (gre-teb.example)."""
    cap = Capture()
    x = through(cap, "tcp", "10.42.0.1", 40042, "10.42.0.80", 80,
                gre("192.0.2.41", "192.0.2.42", teb=True))
    x.http("gre-teb.example")
    return cap


def vxlan_8472():
    """VXLAN on UDP 8472 (Linux's old default), VNI 42: 192.0.2.71 <-> 192.0.2.72,
    inner IPv4 UDP DNS (vxlan-8472.example). tshark needs -d udp.port==8472,vxlan."""
    cap = Capture()
    x = through(cap, "udp", "10.72.0.1", 40072, "10.72.0.53", 53,
                vxlan("192.0.2.71", "192.0.2.72", 42, port=8472, sports=(48472, 38472)))
    x.dns("vxlan-8472.example")
    return cap


def frag_captures():
    caps = {}
    for v in (4, 6):
        n = "IPv%d: " % v
        caps["frag-v%d-inorder.pcap" % v] = frag_dns(
            v, "inorder", [0, 1, 2, 3], n + "a DNS query and its response, about 3,200 bytes (11 TXT "
            "records of 250 letters, record k all letter k), in 4 fragments (payload bytes 0, 1024, 2048, 3072), in order.")
        caps["frag-v%d-reordered.pcap" % v] = frag_dns(
            v, "reordered", [3, 0, 1, 2], n + "as inorder, the last fragment first.")
        caps["frag-v%d-duplicate.pcap" % v] = frag_dns(
            v, "duplicate", [0, 1, 1, 2, 3], n + "as inorder, the second fragment twice "
            "(identical).")
        caps["frag-v%d-overlap.pcap" % v] = frag_overlap(v)
        caps["frag-v%d-incomplete.pcap" % v] = frag_dns(
            v, "incomplete", [0, 2, 3], n + "as inorder, the second fragment missing: the "
            "response never completes (3 unreassembled frames), the query alone makes "
            "the flow.", delivered=False)
        caps["frag-v%d-tiny-first.pcap" % v] = frag_dns(
            v, "tiny", [0, 1, 2, 3, 4], n + "the first fragment carries only the 8-byte UDP "
            "header (after the %s header), the rest in 4 fragments from payload byte 8." %
            ("IPv4" if v == 4 else "fragment"), first=8)
    caps["frag-v4-http.pcap"] = frag_http
    return caps


CAPTURES = dict(frag_captures(), **{
    "gtpu-outer-frag.pcap": gtpu_frag,
    "hostile-gre-nested-12.pcap": gre_nested,
    "hostile-gre-loop.pcap": gre_loop,
    "hostile-frag-flood.pcap": frag_flood,
    "teredo.pcap": teredo,
    "mpls-udp.pcap": mpls_udp,
    "ip-4in6.pcap": four_in_six,
    "ip-6in6.pcap": six_in_six,
    "geneve-option.pcap": geneve_option,
    "vxlan-two-tenants.pcap": vxlan_tenants,
    "gre-csum-key-seq-ipv6.pcap": gre_csum_key_seq,
    "gre-teb.pcap": gre_teb,
    "vxlan-port-8472.pcap": vxlan_8472,
})


# --------------------------------------------------------------------------
# README, expected.json, --check and the tshark cross-check
# --------------------------------------------------------------------------

# What tshark 4.0.17 (ip.defragment and ipv6.defragment on, the defaults) shows of each
# file, from `--tshark`; only where it is more than "agrees with expected.json".
OVERLAP_VIEW = (
    "1 flow, 1+1 packets, as expected; flags the overlap as conflicting "
    "(%s.fragment.overlap.conflict), but keeps the lower offset's bytes: its TXT records are "
    "a..f*250, g*247+G*3, H*250, I*187+i*63, j, k*250 (upper case at payload bytes "
    "2048..2560, from X), where first arrived wins gives f*21+F*229, G*247+g*3 (upper case "
    "at 1536..2048)")
TSHARK_VIEW = {
    "frag-v4-overlap.pcap": OVERLAP_VIEW % "ip",
    "frag-v6-overlap.pcap": OVERLAP_VIEW % "ipv6",
    "vxlan-two-tenants.pcap":
        "packets per VNI agree (2 flows, 5+3 packets each), but tshark's TCP conversation "
        "has no VNI in its key: one tcp.stream for both tenants, VNI 100's packets shown as "
        "spurious retransmissions, so http.host only for tenant200.example",
    "hostile-gre-loop.pcap":
        "the 3 loop frames: ip:gre:ip:gre:... about 62 times, then [Malformed Packet]; the "
        "DNS flow agrees",
    "hostile-gre-nested-12.pcap": "agrees: frame.protocols eth:ethertype:(ip:gre)x12:ip:udp:dns",
    "hostile-frag-flood.pcap": "agrees: the 20,000 fragments are data of ip; 2 DNS flows",
    "vxlan-port-8472.pcap": "agrees with `-d udp.port==8472,vxlan`; without it, plain UDP",
    "gtpu-outer-frag.pcap": "agrees: frames 4 and 6 are first fragments, TEIDs 0xa001/0xb002",
}
TSHARK_DECODE_AS = {"vxlan-port-8472.pcap": ["-d", "udp.port==8472,vxlan"]}
FIELDS = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.port", "tcp.port",
          "vxlan.vni", "gtp.teid", "gre.key", "dns.qry.name", "http.host"]
EXTRA_FIELDS = ["dns.txt"]    # not in the README's command: the overlap files' TXT records


def flow_text(f):
    fmt = "[%s]:%d" if ":" in f["src"] else "%s:%d"
    out = "%s %s > %s, %d+%d packets (%d+%d frames)" % (
        f["proto"], fmt % (f["src"], f["sport"]), fmt % (f["dst"], f["dport"]),
        f["src_packets"], f["dst_packets"], f["src_frames"], f["dst_frames"])
    if "tunnels" in f:
        out += ", in " + "/".join(t if i is None else "%s %d" % (t, i) if t in ("vxlan", "geneve") else
                                  "%s %#x" % (t, i)
                                  for t, i in zip(f["tunnels"], f["tunnel_ids"]))
    names = f.get("dns_query", []) + f.get("http_host", [])
    return out + (", " + " ".join(names) if names else "")


def readme(expected):
    rows = []
    for name, fn in CAPTURES.items():
        e = expected[name]
        flows = "<br>".join(flow_text(f) for f in e["flows"])
        view = TSHARK_VIEW.get(name, "agrees")
        rows.append("| `%s` | %s | %d | %s | %s |\n" % (name, " ".join(fn.__doc__.split()),
                                                        e["frames"], flows, view))
    return ("# crafted-tunnels: tunnel decapsulation and IP fragment reassembly captures\n\n"
            "Written by `tests/tools/craft_frags.py` (never edit these files by hand;\n"
            "re-run the script). BSD-3-Clause, like flowcase. Ethernet, pcap with\n"
            "microsecond times, 2017-09-12 09:14 UTC onwards. `expected.json` holds the\n"
            "inner flows of each file, computed by the script from the packets it writes;\n"
            "its conventions are in the script's docstring (packets count datagrams after\n"
            "reassembly, frames the captured frames; tunnels outermost first).\n\n"
            "The last column is tshark 4.0.17's view (`craft_frags.py --tshark` runs\n"
            "`tshark -r F -T fields -e %s`,\n"
            "defragmentation on, and compares its innermost addresses, ports, DNS names\n"
            "and HTTP hosts with expected.json): \"agrees\" means the same inner flows,\n"
            "the same packet count per direction (tshark shows the upper layers on the\n"
            "frame that completes a datagram) and the same names.\n\n"
            "| file | what it holds | frames | inner flows (expected.json) | tshark |\n"
            "| --- | --- | --- | --- | --- |\n" % " -e ".join(FIELDS)) + "".join(rows)


def build_all(only=None):
    caps = {n: fn() for n, fn in CAPTURES.items() if only in (None, n)}
    files = {n: pcap(c.packets) for n, c in caps.items()}
    if only is None:
        expected = {n: c.expected() for n, c in caps.items()}
        files["expected.json"] = (json.dumps(expected, indent=1) + "\n").encode()
        files["README.md"] = readme(expected).encode()
    return files


ID_FIELDS = {"vxlan": "vxlan.vni", "gtpu": "gtp.teid", "gre": "gre.key"}


def ids_match(f, row, side):
    """Whether the row carries the flow's VNIs, TEIDs and GRE keys (of its side)."""
    ids = f.get("tunnel_ids" if side == "src" else "tunnel_ids_rev", [])
    for typ, want in zip(f.get("tunnels", []), ids):
        if want is not None and typ in ID_FIELDS and \
                want not in [int(v, 0) for v in row[ID_FIELDS[typ]]]:
            return False
    return True


def tshark_view(path, flows):
    """Per expected flow, what tshark shows on the frames whose innermost addresses
    and ports are the flow's: packets per direction, DNS names, HTTP hosts, ids."""
    cmd = ["tshark", "-r", str(path), "-o", "ip.defragment:TRUE", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=|"] + \
        TSHARK_DECODE_AS.get(path.name, [])
    for f in FIELDS + EXTRA_FIELDS:
        cmd += ["-e", f]
    lines = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = [dict(zip(FIELDS + EXTRA_FIELDS, [v.split("|") if v else [] for v in ln.split("\t")]))
            for ln in lines.splitlines()]
    out = []
    for f in flows:
        fam = "ipv6" if ":" in f["src"] else "ip"
        got = {"src_packets": 0, "dst_packets": 0, "dns_query": set(), "http_host": set(),
               "ids": set()}
        for r in rows:
            srcs, dsts, ports = r[fam + ".src"], r[fam + ".dst"], r[f["proto"] + ".port"]
            if not srcs or len(ports) < 2:
                continue
            tup = (srcs[-1], int(ports[-2]), dsts[-1], int(ports[-1]))
            fwd = (f["src"], f["sport"], f["dst"], f["dport"])
            norm = tuple(ipaddress.ip_address(x).compressed if isinstance(x, str) else x
                         for x in tup)
            if norm == fwd:
                side = "src"
            elif norm == (fwd[2], fwd[3], fwd[0], fwd[1]):
                side = "dst"
            else:
                continue
            if not ids_match(f, r, side):
                continue
            got[side + "_packets"] += 1
            got["txt"] = [runs(t) for t in r["dns.txt"]] or got.get("txt")
            got["dns_query"].update(r["dns.qry.name"])
            got["http_host"].update(r["http.host"])
            for k in ("vxlan.vni", "gtp.teid", "gre.key"):
                got["ids"].update("%s=%s" % (k.split(".")[0], v) for v in r[k])
        out.append(got)
    return len(rows), out


def crosscheck(outdir, expected):
    bad = 0
    for name, e in expected.items():
        frames, views = tshark_view(outdir / name, e["flows"])
        notes = []
        if frames != e["frames"]:
            notes.append("%d frames, expected %d" % (frames, e["frames"]))
        for f, got in zip(e["flows"], views):
            for k in ("src_packets", "dst_packets"):
                if got[k] != f[k]:
                    notes.append("%s %s:%d %s=%d (expected %d)" % (f["proto"], f["src"], f["sport"],
                                                                  k, got[k], f[k]))
            for k in ("dns_query", "http_host"):
                if got[k] != set(f.get(k, [])):
                    notes.append("%s %s (expected %s)" % (k, sorted(got[k]), f.get(k, [])))
        if "first_wins" in e and views[0].get("txt") != e["first_wins"]["txt_records"]:
            notes.append("TXT records %s (first wins: %s)" % (
                " ".join(views[0].get("txt") or []), " ".join(e["first_wins"]["txt_records"])))
        ids = sorted(set().union(*(g["ids"] for g in views)))
        print("%-30s %s%s" % (name, "; ".join(notes) or "agrees",
                              " [ids: %s]" % " ".join(ids) if ids else ""))
        bad += bool(notes) and name not in TSHARK_VIEW
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--tshark", action="store_true")
    ap.add_argument("--outdir", type=Path, default=OUTDIR)
    ap.add_argument("--only", choices=sorted(CAPTURES))
    args = ap.parse_args()
    files = build_all(args.only)
    if args.tshark:
        return crosscheck(args.outdir, json.loads(files["expected.json"]))
    stale = []
    for name, data in files.items():
        path = args.outdir / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            args.outdir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
