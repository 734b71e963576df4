#!/usr/bin/env python3
"""Write tests/data/tls-cert/: the server's TLS Certificate handshake message
(header included) of each corpus capture listed below, for
tests/unit/check_tls_cert.c.

Usage:
    python3 tests/tools/extract_tls_cert.py           # (re)write the files
    python3 tests/tools/extract_tls_cert.py --check   # exit 1 if a file differs

Needs tshark (for the TCP payloads only). The server's side of TCP stream 0 is
put back in sequence order, the TLS records are found (after a plain-text
STARTTLS exchange when there is one), handshake records are joined up to the
ChangeCipherSpec and the first Certificate message (type 11) is written.
"""
import argparse
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
OUTDIR = DATA / "tls-cert"
# capture (under tests/data/corpus) -> file written (under tests/data/tls-cert)
CAPTURES = {
    "tls/tls10-cert-extensions.pcap": "tls10-cert-extensions.bin",
    "tls/tls12-cert-openssl.pcap": "tls12-cert-openssl.bin",
    "formats/sll-irc-starttls.pcap": "sll-irc-starttls.bin",
}


def server_stream(pcap):
    """Bytes the server (the SYN-ACK's sender) sent on TCP stream 0, in order."""
    out = subprocess.run(
        ["tshark", "-r", str(pcap), "-Y", "tcp.stream==0", "-T", "fields",
         "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.srcport",
         "-e", "tcp.seq", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout
    rows = [line.split("\t") for line in out.splitlines()]
    server = next(r[2] for r in rows if r[0] == "1" and r[1] == "1")
    segs = {}
    for _, _, port, seq, payload in rows:
        if port == server and payload:
            segs.setdefault(int(seq), bytes.fromhex(payload.replace(":", "")))
    data = b""
    for seq in sorted(segs):
        data += segs[seq][max(0, len(data) - (seq - 1)):]
    return data


def first_record(data):
    """Offset of the first handshake record holding a ServerHello."""
    for i in range(len(data) - 6):
        if data[i] == 22 and data[i + 1] == 3 and data[i + 5] == 2:
            return i
    raise ValueError("no ServerHello record")


def certificate(data):
    at = first_record(data)
    hs = b""
    while at + 5 <= len(data) and data[at] != 20:
        n = int.from_bytes(data[at + 3:at + 5], "big")
        if data[at] == 22:
            hs += data[at + 5:at + 5 + n]
        at += 5 + n
    while hs:
        n = 4 + int.from_bytes(hs[1:4], "big")
        if hs[0] == 11:
            return hs[:n]
        hs = hs[n:]
    raise ValueError("no Certificate message")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    OUTDIR.mkdir(exist_ok=True)
    stale = False
    for capture, name in CAPTURES.items():
        msg = certificate(server_stream(DATA / "corpus" / capture))
        path = OUTDIR / name
        if args.check:
            if not path.exists() or path.read_bytes() != msg:
                print(f"stale: {path}")
                stale = True
        else:
            path.write_bytes(msg)
            print(f"{path.name}: {len(msg)} bytes from {capture}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
