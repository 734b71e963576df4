#!/usr/bin/env python3
"""Regenerate tests/data/crafted-sip/: SIP over TCP captures for tests/e2e/test_sip.py
(the corpus has SIP over UDP only, and SIP over TCP inside GTP-U, which flowcase does
not decapsulate).

Usage:
    python3 tests/tools/craft_sip.py           # (re)write the files
    python3 tests/tools/craft_sip.py --check   # verify the files on disk are current

Standard library only; packets are built with the helpers of craft_captures.py and
craft_http.py. Deterministic: byte-identical on every run.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_http import Conn, write_crafted  # noqa: E402

OUTDIR = Path(__file__).resolve().parents[1] / "data" / "crafted-sip"

ALICE = "192.0.2.10"
PROXY = "198.51.100.5"
CALL = b"a84b4c76e66710@pc33.example.com"


def sdp(host):
    return (b"v=0\r\no=- 2890844526 2890844526 IN IP4 " + host + b"\r\ns=-\r\n"
            b"c=IN IP4 " + host + b"\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n"
            b"a=rtpmap:0 PCMU/8000\r\n")


def message(start, headers, body=b""):
    head = start + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


def via(branch, host=b"pc33.example.com"):
    return b"Via: SIP/2.0/TCP " + host + b";branch=z9hG4bK" + branch


def invite():
    body = sdp(b"192.0.2.10")
    return message(b"INVITE sip:bob@example.com SIP/2.0", [
        via(b"776asdhds"), b"Max-Forwards: 70",
        b"To: Bob <sip:bob@example.com>",
        b"From: Alice <sip:alice@example.com>;tag=1928301774",
        b"Call-ID: " + CALL, b"CSeq: 314159 INVITE",
        b"Contact: <sip:alice@pc33.example.com;transport=tcp>",
        b"Subject: lunch", b"Date: Sat, 13 Nov 2010 23:29:00 GMT",
        b"User-Agent: craft_sip/1.0", b"Content-Type: application/sdp"], body)


def reply(status, cseq, branch, extra=(), body=b"", to_tag=b";tag=a6c85cf"):
    return message(b"SIP/2.0 " + status, [
        via(branch) + b";received=192.0.2.10",
        b"To: Bob <sip:bob@example.com>" + to_tag,
        b"From: Alice <sip:alice@example.com>;tag=1928301774",
        b"Call-ID: " + CALL, b"CSeq: " + cseq, *extra], body)


def ack():
    return message(b"ACK sip:bob@192.0.2.4;transport=tcp SIP/2.0", [
        via(b"ack01"), b"Max-Forwards: 70",
        b"To: Bob <sip:bob@example.com>;tag=a6c85cf",
        b"From: Alice <sip:alice@example.com>;tag=1928301774",
        b"Call-ID: " + CALL, b"CSeq: 314159 ACK"])


def compact_message():
    """Compact header names, a folded Subject and two Via hops on one line."""
    return message(b"MESSAGE sip:bob@example.com SIP/2.0", [
        b"v: SIP/2.0/TCP pc33.example.com;branch=z9hG4bKmsg1, SIP/2.0/TCP "
        b"relay.example.com;received=203.0.113.1;branch=z9hG4bKmsg0",
        b"f: Alice <sip:alice@example.com>;tag=1928301774",
        b"t: Bob <sip:bob@example.com>;tag=a6c85cf",
        b"i: " + CALL, b"CSeq: 314160 MESSAGE",
        b"s: are you",
        b"   there?",
        b"c: text/plain"], b"Hello Bob")


def bye_from_bob():
    """A request the other way: Bob hangs up, Alice answers."""
    return message(b"BYE sip:alice@pc33.example.com SIP/2.0", [
        b"Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds10",
        b"From: Bob <sip:bob@example.com>;tag=a6c85cf",
        b"To: Alice <sip:alice@example.com>;tag=1928301774",
        b"Call-ID: " + CALL, b"CSeq: 231 BYE", b"User-Agent: bob-phone/2"])


def bye_ok():
    return message(b"SIP/2.0 200 OK", [
        b"Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds10",
        b"From: Bob <sip:bob@example.com>;tag=a6c85cf",
        b"To: Alice <sip:alice@example.com>;tag=1928301774",
        b"Call-ID: " + CALL, b"CSeq: 231 BYE"])


def options():
    return message(b"OPTIONS sip:proxy.example.com SIP/2.0", [
        via(b"opt1"), b"To: <sip:proxy.example.com>",
        b"From: Alice <sip:alice@example.com>;tag=77", b"Call-ID: opt-1@pc33",
        b"CSeq: 1 OPTIONS", b"Max-Forwards: 70"])


def call_over_tcp():
    """One TCP connection on port 5060: an INVITE split across three segments (in a
    header line and in its SDP body), answered by 100 and 180 in one segment and by a
    200 with SDP; the ACK and a CRLF keep-alive in one segment; a MESSAGE with compact
    headers, a folded Subject and two Via hops on one line, answered 202; a BYE from
    the other side, answered 200 by Alice; an OPTIONS never answered."""
    c = Conn(ALICE, 50612, PROXY, 5060)
    c.handshake()
    inv = invite()
    cut1 = inv.index(b"Call-ID") + 4
    cut2 = inv.index(b"m=audio")
    for part in (inv[:cut1], inv[cut1:cut2], inv[cut2:]):
        c.send("c", "PA", part)
    c.send("s", "PA", reply(b"100 Trying", b"314159 INVITE", b"776asdhds", to_tag=b"")
           + reply(b"180 Ringing", b"314159 INVITE", b"776asdhds"))
    c.send("s", "PA", reply(b"200 OK", b"314159 INVITE", b"776asdhds",
                            [b"Content-Type: application/sdp"], sdp(b"192.0.2.4")))
    c.send("c", "PA", ack() + b"\r\n\r\n")
    c.send("c", "PA", compact_message())
    c.send("s", "PA", reply(b"202 Accepted", b"314160 MESSAGE", b"msg1"))
    c.send("s", "PA", bye_from_bob())
    c.send("c", "PA", bye_ok())
    c.send("c", "PA", options())
    c.send("s", "A")
    c.close()
    return c.packets


def gap_in_body():
    """SIP over TCP on port 15060 (content decides, not the port): a MESSAGE whose 3000
    byte body lost its middle segment (the parser stays in step), then an INFO read
    whole; both answered 200. Then a segment missing at a message start: the direction
    is lost until a segment starts with a request line (a NOTIFY)."""
    c = Conn(ALICE, 50613, PROXY, 15060)
    c.handshake()
    body = b"x" * 3000
    msg = message(b"MESSAGE sip:bob@example.com SIP/2.0", [
        via(b"gap1"), b"From: <sip:alice@example.com>;tag=g1", b"To: <sip:bob@example.com>",
        b"Call-ID: gap@pc33", b"CSeq: 1 MESSAGE", b"Content-Type: text/plain"], body)
    head = len(msg) - len(body)
    c.send("c", "PA", msg[:head + 1000])
    c.send("c", "PA", msg[head + 1000:head + 2000])
    c.packets.pop()  # the hole
    info = message(b"INFO sip:bob@example.com SIP/2.0", [
        via(b"gap2"), b"From: <sip:alice@example.com>;tag=g1", b"To: <sip:bob@example.com>",
        b"Call-ID: gap@pc33", b"CSeq: 2 INFO"])
    c.send("c", "PA", msg[head + 2000:] + info)
    ok = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP pc33.example.com\r\nCall-ID: gap@pc33\r\n"
    c.send("s", "PA", ok + b"CSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"
           + ok + b"CSeq: 2 INFO\r\nContent-Length: 0\r\n\r\n")
    lost = message(b"INFO sip:bob@example.com SIP/2.0", [
        b"Call-ID: gap@pc33", b"CSeq: 3 INFO"])
    c.send("c", "PA", lost)
    c.packets.pop()  # a whole message missing
    c.send("c", "PA", lost[5:])  # ...then the middle of another: not read
    notify = message(b"NOTIFY sip:bob@example.com SIP/2.0", [
        b"Call-ID: gap@pc33", b"CSeq: 4 NOTIFY", b"Event: dialog"])
    c.send("c", "PA", notify)
    c.send("s", "A")
    c.close()
    return c.packets


CAPTURES = {
    "sip-tcp-call.pcap": call_over_tcp,
    "sip-tcp-gaps.pcap": gap_in_body,
}

def main():
    return write_crafted(OUTDIR, CAPTURES, "crafted-sip: SIP over TCP captures for "
                         "tests/e2e/test_sip.py", "craft_sip.py", __doc__,
                         note="\nMessages modelled on RFC 3261 24.2 (Alice calls Bob).")


if __name__ == "__main__":
    sys.exit(main())
