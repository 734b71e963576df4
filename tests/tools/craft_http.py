#!/usr/bin/env python3
"""Regenerate tests/data/crafted-l7/: small HTTP captures for the TCP reassembly and
HTTP tests (tests/e2e/test_http_crafted.py), each made to exercise one behaviour.

Usage:
    python3 tests/tools/craft_http.py           # (re)write the files
    python3 tests/tools/craft_http.py --check   # verify the files on disk are current

Standard library only; packets are built with the helpers of craft_captures.py.
Deterministic: fixed times and sequence numbers, byte-identical on every run.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_captures import (LINKTYPE_ETHERNET, NS, eth_ip, ip, pcap_header,  # noqa: E402
                            opt_mss, tcp)

OUTDIR = Path(__file__).resolve().parents[1] / "data" / "crafted-l7"
# 2017-09-12T09:14:00Z: the investigator's morning.
BASE_NS = 1505207640 * NS

CHROME60_WIN10 = (b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                  b"(KHTML, like Gecko) Chrome/60.0.3112.113 Safari/537.36")


class Conn:
    """One TCP connection: packets with sequence numbers kept per side."""

    def __init__(self, c, cp, s, sp, t0_ms=0, isn=(1000, 50000)):
        self.addr = {"c": (c, cp, s, sp), "s": (s, sp, c, cp)}
        self.next = {"c": isn[0], "s": isn[1]}
        self.t_us = t0_ms * 1000
        self.packets = []

    def send(self, who, flags, payload=b"", at=None, advance=True, gap_ms=1):
        """A segment from `who`; `at` sends at a sequence offset other than the
        next one (retransmissions, reordering); `advance` moves the side's next
        sequence number past it."""
        src, sport, dst, dport = self.addr[who]
        other = "s" if who == "c" else "c"
        seq = self.next[who] if at is None else at
        ack = self.next[other] if "A" in flags else 0
        opts = opt_mss(1460) if "S" in flags else b""
        seg = tcp(src, dst, sport, dport, seq, ack, flags, 65535, payload, opts)
        self.t_us += gap_ms * 1000
        self.packets.append((BASE_NS + self.t_us * 1000, eth_ip(ip(src, dst, 6, seg), who)))
        if advance:
            self.next[who] = seq + len(payload) + ("S" in flags) + ("F" in flags)
        return seq

    def handshake(self):
        self.send("c", "S")
        self.send("s", "SA")
        self.send("c", "A")

    def close(self):
        self.send("c", "FA")
        self.send("s", "FA")
        self.send("c", "A")


def pcap(packets):
    out = pcap_header("<", 0xA1B2C3D4, LINKTYPE_ETHERNET)
    for ts, frame in sorted(packets, key=lambda p: p[0]):
        sec, frac = divmod(ts, NS)
        out += (sec).to_bytes(4, "little") + (frac // 1000).to_bytes(4, "little")
        out += len(frame).to_bytes(4, "little") * 2 + frame
    return out


def response(status, headers=(), body=b""):
    head = b"HTTP/1.1 " + status + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
    return head + b"\r\n" + body


def investigator():
    """The field question: 192.168.70.35 talked to 212.11.2.170 at 09:14; which site,
    which URLs, which OS and browser?"""
    x = Conn("192.168.70.35", 49852, "212.11.2.170", 80)
    x.handshake()
    body = b'{"station":"rockmax","songs":[{"artist":"Kabat","title":"Pohoda"}]}'
    x.send("c", "PA", b"GET /stream_live/get_songs_json.php?station=rockmax&limit=10 HTTP/1.1\r\n"
           b"Host: www.rockmax.cz\r\nConnection: keep-alive\r\nUser-Agent: " + CHROME60_WIN10 +
           b"\r\nAccept: */*\r\nReferer: http://www.rockmax.cz/\r\n\r\n")
    x.send("s", "PA", response(b"200 OK", [b"Server: nginx", b"Content-Type: application/json",
                                            b"Content-Length: %d" % len(body)], body), gap_ms=23)
    x.send("c", "A")
    x.send("c", "PA", b"GET /stream_live/cover.jpg HTTP/1.1\r\nHost: www.rockmax.cz\r\n"
           b"User-Agent: " + CHROME60_WIN10 + b"\r\nIf-None-Match: \"5a1\"\r\n\r\n", gap_ms=400)
    x.send("s", "PA", response(b"304 Not Modified", [b"Server: nginx", b"ETag: \"5a1\""]),
           gap_ms=12)
    x.close()
    return x.packets


def byte_by_byte():
    """A request split one byte per segment, sent last byte first."""
    x = Conn("10.0.0.1", 40001, "10.0.0.2", 8080)
    x.handshake()
    req = b"GET /split/one/byte/at/a/time HTTP/1.1\r\nHost: bytes.example\r\n\r\n"
    start = x.next["c"]
    for i in reversed(range(len(req))):
        x.send("c", "PA", req[i:i + 1], at=start + i, advance=False)
    x.next["c"] = start + len(req)
    x.send("s", "PA", response(b"200 OK", [b"Content-Length: 2"], b"ok"))
    x.close()
    return x.packets


def overlap_differs():
    """A request retransmitted with other bytes at the same sequence numbers: the
    first copy counts; then a segment overlapping the end of the first."""
    x = Conn("10.0.0.3", 40002, "10.0.0.4", 80)
    x.handshake()
    start = x.next["c"]
    x.send("c", "PA", b"GET /first-copy HTTP/1.1\r\n", advance=False)
    x.send("c", "PA", b"GET /evil-copy! HTTP/1.1\r\n", at=start, advance=False)
    x.send("c", "PA", b"HTTP/1.1\r\nHost: overlap.example\r\n\r\n", at=start + 16)
    x.send("s", "PA", response(b"200 OK", [b"Content-Length: 0"]))
    x.close()
    return x.packets


def gaps():
    """Keep-alive with three requests. A segment in the middle of the first response
    body is missing (the parser stays in step); the first segment of the second
    request is missing (the parser resynchronises on the third request line)."""
    x = Conn("10.0.0.5", 40003, "10.0.0.6", 80)
    x.handshake()
    x.send("c", "PA", b"GET /one HTTP/1.1\r\nHost: gaps.example\r\n\r\n")
    head = response(b"200 OK", [b"Content-Length: 3000"])
    x.send("s", "A", head + b"a" * 1000)
    x.next["s"] += 1000  # never captured
    x.send("s", "PA", b"c" * 1000)
    x.send("c", "A")
    x.next["c"] += len(b"GET /two HTTP/1.1\r\n")  # never captured
    x.send("c", "PA", b"Host: gaps.example\r\n\r\n")
    x.send("s", "PA", response(b"200 OK", [b"Content-Length: 3"], b"two"))
    x.send("c", "PA", b"GET /three HTTP/1.1\r\nHost: gaps.example\r\n\r\n")
    x.send("s", "PA", response(b"404 Not Found", [b"Content-Length: 0"]))
    x.close()
    return x.packets


def ports():
    """HTTP on port 31337 is HTTP; SSH on port 80 is SSH, not HTTP."""
    x = Conn("10.0.0.7", 40004, "10.0.0.8", 31337)
    x.handshake()
    x.send("c", "PA", b"GET /not-port-80 HTTP/1.1\r\nHost: odd.example:31337\r\n\r\n")
    x.send("s", "PA", response(b"200 OK", [b"Content-Length: 0"]))
    x.close()
    y = Conn("10.0.0.7", 40005, "10.0.0.8", 80, t0_ms=100)
    y.handshake()
    y.send("s", "PA", b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    y.send("c", "PA", b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    y.close()
    return x.packets + y.packets


def continue_chunked_head():
    """POST with Expect: 100-continue answered by 100 then a chunked 201 with a chunk
    extension and a trailer; HEAD whose response announces a body it does not send;
    GET answered 204."""
    x = Conn("10.0.0.9", 40006, "10.0.0.10", 80)
    x.handshake()
    x.send("c", "PA", b"POST /upload HTTP/1.1\r\nHost: cc.example\r\nContent-Length: 11\r\n"
           b"Content-Type: text/plain\r\nExpect: 100-continue\r\n\r\n")
    x.send("s", "PA", b"HTTP/1.1 100 Continue\r\n\r\n")
    x.send("c", "PA", b"hello world")
    x.send("s", "PA", response(b"201 Created", [b"Transfer-Encoding: chunked"],
                               b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"))
    x.send("c", "PA", b"HEAD /big HTTP/1.1\r\nHost: cc.example\r\n\r\n")
    x.send("s", "PA", response(b"200 OK", [b"Content-Length: 1000"]))
    x.send("c", "PA", b"GET /empty HTTP/1.1\r\nHost: cc.example\r\n\r\n")
    x.send("s", "PA", response(b"204 No Content", [b"Content-Length: 5"]))
    x.close()
    return x.packets


def huge_headers():
    """Three transactions on one connection; the second has ten header values of 9,000
    bytes each (kept as 8,192, marked truncated), more than an IPFIX record holds."""
    x = Conn("10.0.0.5", 40005, "10.0.0.6", 80)
    x.handshake()

    def send_all(who, data):
        for i in range(0, len(data), 1400):
            x.send(who, "PA", data[i:i + 1400])

    def big(c):
        return c * 9000

    send_all("c", b"GET /small HTTP/1.1\r\nHost: a.example\r\n\r\n")
    send_all("s", response(b"200 OK", [b"Content-Length: 2"], b"ok"))
    send_all("c", b"POST /" + big(b"u") + b" HTTP/1.1\r\nHost: " + big(b"h") +
             b"\r\nUser-Agent: " + big(b"a") + b"\r\nReferer: " + big(b"r") +
             b"\r\nX-Forwarded-For: " + big(b"x") + b"\r\nContent-Type: " + big(b"t") +
             b"\r\nContent-Length: 0\r\n\r\n")
    send_all("s", response(b"302 " + big(b"R"), [b"Server: " + big(b"s"), b"Location: " + big(b"l"),
                                                  b"Content-Type: " + big(b"c"),
                                                  b"Content-Length: 0"]))
    send_all("c", b"GET /last HTTP/1.1\r\nHost: a.example\r\n\r\n")
    send_all("s", response(b"404 Not Found", [b"Content-Length: 0"]))
    x.close()
    return x.packets


CAPTURES = {
    "http-investigator.pcap": investigator,
    "http-byte-by-byte.pcap": byte_by_byte,
    "http-overlap-differs.pcap": overlap_differs,
    "http-gaps.pcap": gaps,
    "http-ports.pcap": ports,
    "http-continue-chunked-head.pcap": continue_chunked_head,
    "http-huge-headers.pcap": huge_headers,
}

def readme(title, tool, captures, note=""):
    """The README.md of a crafted directory: its title, a note, a row per capture."""
    return ("# %s\n\nWritten by `tests/tools/%s` (never edit these files by hand;\n"
            "re-run the script). BSD-3-Clause, like flowcase. Ethernet, pcap with\n"
            "microsecond times, 2017-09-12 09:14 UTC onwards.%s\n\n"
            "| file | what it exercises |\n| --- | --- |\n" % (title, tool, note) +
            "".join("| `%s` | %s |\n" % (name, " ".join(fn.__doc__.split()))
                    for name, fn in captures.items()))


def write_crafted(outdir, captures, title, tool, doc, note=""):
    """The command line of a craft script: writes the captures and their README into
    outdir, or with --check says which files on disk are not current (exit 1)."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    files = {name: pcap(fn()) for name, fn in captures.items()}
    files["README.md"] = readme(title, tool, captures, note).encode()
    stale = []
    for name, data in files.items():
        path = outdir / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            outdir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


def main():
    return write_crafted(OUTDIR, CAPTURES, "crafted-l7: HTTP captures for the reassembly and "
                         "HTTP tests", "craft_http.py", __doc__)


if __name__ == "__main__":
    sys.exit(main())
