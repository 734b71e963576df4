#!/usr/bin/env python3
"""Regenerate tests/data/crafted-icmp/: ICMP and ICMPv6 error messages for
tests/e2e/test_icmp.py, each quoting a packet of a flow the capture also holds (so the
quoted Community ID can be checked against that flow's record).

Usage:
    python3 tests/tools/craft_icmp.py           # (re)write the files
    python3 tests/tools/craft_icmp.py --check   # verify the files on disk are current

Standard library only; deterministic.
"""
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_captures import NS, eth_ip, icmp4, icmp6, ip, ipv4, ipv6, tcp, udp  # noqa: E402
from craft_http import BASE_NS, write_crafted  # noqa: E402

OUTDIR = Path(__file__).resolve().parents[1] / "data" / "crafted-icmp"


class Timeline:
    def __init__(self):
        self.t_us = 0
        self.packets = []

    def add(self, ipb, who="c", gap_ms=1):
        self.t_us += gap_ms * 1000
        self.packets.append((BASE_NS + self.t_us * 1000, eth_ip(ipb, who)))


def errors_v4():
    """IPv4: a UDP probe answered three times by port-unreachable (one flow quoted
    three times), a TCP SYN with IP options answered by time-exceeded from a router, an
    echo request answered by host-unreachable, and an unreachable whose quote is cut
    inside the IP header."""
    x = Timeline()
    probe = ipv4("10.2.0.1", "10.2.0.9", 17, udp("10.2.0.1", "10.2.0.9", 40000, 33434, b"probe"))
    for _ in range(3):
        x.add(probe)
        x.add(ipv4("10.2.0.9", "10.2.0.1", 1, icmp4(3, 3, bytes(4), probe[:28])), "s")
    syn = ipv4("10.2.0.1", "192.0.2.80", 6,
               tcp("10.2.0.1", "192.0.2.80", 40001, 443, 1000, 0, "S", 65535), ttl=1,
               options=b"\x01\x01\x01\x00")
    x.add(syn)
    x.add(ipv4("10.2.0.254", "10.2.0.1", 1, icmp4(11, 0, bytes(4), syn[:32])), "s")
    echo = ipv4("10.2.0.1", "192.0.2.7", 1, icmp4(8, 0, struct.pack("!HH", 7, 1), b"ping"))
    x.add(echo)
    x.add(ipv4("10.2.0.254", "10.2.0.1", 1, icmp4(3, 1, bytes(4), echo[:28])), "s")
    x.add(ipv4("10.2.0.254", "10.2.0.1", 1, icmp4(3, 13, bytes(4), probe[:10])), "s")
    return x.packets


def errors_v6():
    """IPv6: a UDP datagram answered by port-unreachable, a TCP segment answered by
    packet-too-big, and the first and a later fragment of a UDP datagram answered by
    time-exceeded (the later one quotes no ports)."""
    x = Timeline()
    c, s, r = "2001:db8::1", "2001:db8::53", "2001:db8::fe"
    dgram = ipv6(c, s, 17, udp(c, s, 40002, 5000, b"hello"))
    x.add(dgram)
    x.add(ipv6(s, c, 58, icmp6(s, c, 1, 4, bytes(4) + dgram[:48])), "s")
    seg = ipv6(c, s, 6, tcp(c, s, 40003, 443, 5000, 0, "S", 65535))
    x.add(seg)
    x.add(ipv6(r, c, 58, icmp6(r, c, 2, 0, struct.pack("!I", 1280) + seg[:60])), "s")
    inner = udp(c, s, 40004, 6000, b"x" * 40)
    first = ipv6(c, s, 44, struct.pack("!BBHI", 17, 0, 0x0001, 0xabcd) + inner[:24])
    later = ipv6(c, s, 44, struct.pack("!BBHI", 17, 0, 24, 0xabcd) + inner[24:])
    x.add(first)
    x.add(later)
    x.add(ipv6(r, c, 58, icmp6(r, c, 3, 1, bytes(4) + first[:56])), "s")
    x.add(ipv6(r, c, 58, icmp6(r, c, 3, 1, bytes(4) + later[:56])), "s")
    return x.packets


CAPTURES = {
    "icmp-errors-v4.pcap": errors_v4,
    "icmp-errors-v6.pcap": errors_v6,
}

def main():
    return write_crafted(OUTDIR, CAPTURES, "crafted-icmp: ICMP error captures for the ICMP tests", "craft_icmp.py", __doc__)


if __name__ == "__main__":
    sys.exit(main())
