#!/usr/bin/env python3
"""Regenerate tests/data/crafted-starttls/: STARTTLS sessions for tests/e2e/test_starttls.py.
Each speaks a line protocol, asks for TLS and goes on with the TLS handshake of the
corpus capture formats/sll-irc-starttls.pcap (its ClientHello and the server's first
flight, taken from that file), so every session must give that handshake's values.

Usage:
    python3 tests/tools/craft_starttls.py           # (re)write the files
    python3 tests/tools/craft_starttls.py --check   # verify the files on disk are current

Standard library only; deterministic.
"""
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_http import Conn, write_crafted  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
OUTDIR = DATA / "crafted-starttls"
SOURCE = DATA / "corpus" / "formats" / "sll-irc-starttls.pcap"


def tls_payloads():
    """The TCP payloads of the IRC capture's frames 8 (ClientHello) and 10 (the
    server's first flight): Linux SLL, IPv4, TCP."""
    raw = SOURCE.read_bytes()
    at, frames = 24, []
    while at < len(raw):
        incl = struct.unpack_from("<I", raw, at + 8)[0]
        frames.append(raw[at + 16:at + 16 + incl])
        at += 16 + incl
    out = []
    for frame in (frames[7], frames[9]):
        ip = frame[16:]
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        tcp = ip[ihl:total]
        out.append(tcp[(tcp[12] >> 4) * 4:])
    return out


def session(port, dialogue, agree=True):
    """A connection to `port`: the dialogue lines ("c"/"s", text), then the TLS
    handshake if the server agreed."""
    x = Conn("10.3.0.1", 40000 + port, "10.3.0.25", port)
    x.handshake()
    for who, text in dialogue:
        x.send(who, "PA", text.encode())
    client_hello, server_flight = tls_payloads()
    if agree:
        x.send("c", "PA", client_hello)
        x.send("s", "PA", server_flight)
    x.close()
    return x.packets


def smtp():
    """SMTP (RFC 3207): greeting, EHLO, STARTTLS, 220 go ahead, TLS."""
    return session(25, [("s", "220 mail.example ESMTP\r\n"), ("c", "EHLO client.example\r\n"),
                        ("s", "250-mail.example\r\n250 STARTTLS\r\n"), ("c", "STARTTLS\r\n"),
                        ("s", "220 2.0.0 Ready to start TLS\r\n")])


def imap():
    """IMAP (RFC 2595): greeting, a tagged STARTTLS, its tagged OK, TLS."""
    return session(143, [("s", "* OK IMAP4rev1 ready\r\n"), ("c", "a1 CAPABILITY\r\n"),
                         ("s", "* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n"),
                         ("c", "a2 STARTTLS\r\n"), ("s", "a2 OK Begin TLS negotiation now\r\n")])


def pop3():
    """POP3 (RFC 2595): greeting, STLS, +OK, TLS."""
    return session(110, [("s", "+OK POP3 ready\r\n"), ("c", "STLS\r\n"),
                         ("s", "+OK Begin TLS\r\n")])


def ftp():
    """FTP (RFC 4217): greeting, AUTH TLS, 234, TLS."""
    return session(21, [("s", "220 FTP server ready\r\n"), ("c", "AUTH TLS\r\n"),
                        ("s", "234 AUTH TLS OK.\r\n")])


def smtp_refused():
    """SMTP whose server refuses STARTTLS (454): the client goes on in text, no TLS."""
    return session(587, [("s", "220 mail.example ESMTP\r\n"), ("c", "EHLO client.example\r\n"),
                         ("s", "250 mail.example\r\n"), ("c", "STARTTLS\r\n"),
                         ("s", "454 4.7.0 TLS not available\r\n"), ("c", "QUIT\r\n"),
                         ("s", "221 Bye\r\n")], agree=False)


CAPTURES = {
    "starttls-smtp.pcap": smtp,
    "starttls-imap.pcap": imap,
    "starttls-pop3.pcap": pop3,
    "starttls-ftp.pcap": ftp,
    "starttls-smtp-refused.pcap": smtp_refused,
}


def main():
    return write_crafted(OUTDIR, CAPTURES, "crafted-starttls: STARTTLS sessions for the "
                         "STARTTLS tests", "craft_starttls.py", __doc__)


if __name__ == "__main__":
    sys.exit(main())
