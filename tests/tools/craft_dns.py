#!/usr/bin/env python3
"""Regenerate tests/data/crafted-dns/: small DNS captures for tests/e2e/test_dns.py,
each made to exercise one behaviour of the DNS dissector.

Usage:
    python3 tests/tools/craft_dns.py           # (re)write the files
    python3 tests/tools/craft_dns.py --check   # verify the files on disk are current

Standard library only; packets are built with the helpers of craft_captures.py and
craft_http.py. Deterministic: fixed times, byte-identical on every run.
"""
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_captures import NS, eth_ip, ip, udp  # noqa: E402
from craft_http import BASE_NS, Conn, write_crafted  # noqa: E402

OUTDIR = Path(__file__).resolve().parents[1] / "data" / "crafted-dns"


def name(text):
    return b"".join(bytes([len(x)]) + x.encode() for x in text.split(".") if x) + b"\0"


def message(tid, flags, questions=(), answers=(), raw_tail=b""):
    """A DNS message; questions are (name, type), answers (name, type, ttl, rdata)."""
    out = struct.pack("!HHHHHH", tid, flags, len(questions), len(answers), 0, 0)
    for q, t in questions:
        out += name(q) + struct.pack("!HH", t, 1)
    for n, t, ttl, rdata in answers:
        out += name(n) + struct.pack("!HHIH", t, 1, ttl, len(rdata)) + rdata
    return out + raw_tail


QUERY, RESPONSE = 0x0100, 0x8180  # RD; QR RD RA
A, AAAA = 1, 28


def a(addr):
    return bytes(int(x) for x in addr.split("."))


class Udp:
    """Datagrams between a client and a server, 1 ms apart unless told."""

    def __init__(self, c, cp, s, sp):
        self.ends = {"c": (c, cp, s, sp), "s": (s, sp, c, cp)}
        self.t_us = 0
        self.packets = []

    def send(self, who, payload, gap_ms=1):
        src, sport, dst, dport = self.ends[who]
        self.t_us += gap_ms * 1000
        frame = eth_ip(ip(src, dst, 17, udp(src, dst, sport, dport, payload)), who)
        self.packets.append((BASE_NS + self.t_us * 1000, frame))


def pairing():
    """One client socket, four queries: two answered in reverse order, one with the
    same id as another but a different name, one never answered; then a response no
    query asked for."""
    x = Udp("10.1.0.1", 40000, "10.1.0.53", 53)
    x.send("c", message(0x1111, QUERY, [("one.example", A)]))
    x.send("c", message(0x2222, QUERY, [("two.example", AAAA)]))
    x.send("c", message(0x1111, QUERY, [("three.example", A)]))
    x.send("c", message(0x4444, QUERY, [("lost.example", A)]))
    x.send("s", message(0x2222, RESPONSE, [("two.example", AAAA)],
                        [("two.example", AAAA, 60, bytes(15) + b"\1")]), gap_ms=5)
    x.send("s", message(0x1111, RESPONSE, [("three.example", A)],
                        [("three.example", A, 30, a("192.0.2.3"))]))
    x.send("s", message(0x1111, RESPONSE, [("one.example", A)],
                        [("one.example", A, 10, a("192.0.2.1"))]))
    x.send("s", message(0x9999, RESPONSE, [("nobody.example", A)],
                        [("nobody.example", A, 5, a("192.0.2.9"))]))
    return x.packets


def hostile():
    """A response whose answer name is a compression pointer to itself, one whose
    pointer points forward, and a message cut inside its question: counted, the
    rest of the flow still read."""
    x = Udp("10.1.0.2", 40001, "10.1.0.53", 53)
    x.send("c", message(0x0001, QUERY, [("loop.example", A)]))
    looped = struct.pack("!HHHHHH", 1, RESPONSE, 1, 1, 0, 0) + name("loop.example") + \
        struct.pack("!HH", A, 1)
    at = len(looped)
    looped += struct.pack("!H", 0xC000 | at) + struct.pack("!HHIH", A, 1, 1, 4) + a("192.0.2.1")
    x.send("s", looped)
    x.send("c", message(0x0002, QUERY, [("forward.example", A)]))
    fwd = struct.pack("!HHHHHH", 2, RESPONSE, 1, 1, 0, 0) + name("forward.example") + \
        struct.pack("!HH", A, 1)
    fwd += struct.pack("!H", 0xC000 | (len(fwd) + 20)) + struct.pack("!HHIH", A, 1, 1, 4) + \
        a("192.0.2.2")
    x.send("s", fwd)
    x.send("c", message(0x0003, QUERY, [("cut.example", A)])[:20])
    x.send("c", message(0x0004, QUERY, [("fine.example", A)]))
    x.send("s", message(0x0004, RESPONSE, [("fine.example", A)],
                        [("fine.example", A, 1, a("192.0.2.4"))]))
    return x.packets


def tcp_framing():
    """DNS over TCP on port 53: two queries in one segment, the first response split
    over three segments (its length prefix cut in two)."""
    x = Conn("10.1.0.3", 40002, "10.1.0.53", 53)
    x.handshake()
    q1 = message(0x0a0a, QUERY, [("tcp-one.example", A)])
    q2 = message(0x0b0b, QUERY, [("tcp-two.example", A)])
    x.send("c", "PA", struct.pack("!H", len(q1)) + q1 + struct.pack("!H", len(q2)) + q2)
    r1 = message(0x0a0a, RESPONSE, [("tcp-one.example", A)],
                 [("tcp-one.example", A, 100, a("198.51.100.1"))])
    r2 = message(0x0b0b, RESPONSE, [("tcp-two.example", A)],
                 [("tcp-two.example", A, 200, a("198.51.100.2"))])
    framed = struct.pack("!H", len(r1)) + r1
    x.send("s", "PA", framed[:1])
    x.send("s", "PA", framed[1:10])
    x.send("s", "PA", framed[10:] + struct.pack("!H", len(r2)) + r2)
    x.close()
    return x.packets


def other_port():
    """DNS between high ports (5300): recognised by content alone; and a datagram
    on port 5301 that is not DNS."""
    x = Udp("10.1.0.4", 40003, "10.1.0.53", 5300)
    x.send("c", message(0x5300, QUERY, [("odd-port.example", A)]))
    x.send("s", message(0x5300, RESPONSE, [("odd-port.example", A)],
                        [("odd-port.example", A, 7, a("203.0.113.7"))]))
    y = Udp("10.1.0.4", 40004, "10.1.0.53", 5301)
    y.send("c", b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00not a dns name at all")
    return x.packets + [(t + NS, f) for t, f in y.packets]


CAPTURES = {
    "dns-pairing.pcap": pairing,
    "dns-hostile.pcap": hostile,
    "dns-tcp-framing.pcap": tcp_framing,
    "dns-other-port.pcap": other_port,
}

def main():
    return write_crafted(OUTDIR, CAPTURES, "crafted-dns: DNS captures for the DNS dissector tests", "craft_dns.py", __doc__)


if __name__ == "__main__":
    sys.exit(main())
