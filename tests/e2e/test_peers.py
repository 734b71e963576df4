"""flowcase against the peer tools' outputs stored beside the corpus captures.

For each capture with a Zeek conn.log, Arkime sessions, ipfixprobe records or an
nDPI flow list beside it (see tests/data/corpus/MANIFEST.md), every peer flow
must match exactly one flowcase record: same protocol and endpoints (in either
orientation; VLAN ids too where the peer keys on them), and the same packets
and bytes per direction, with flowcase's counts mapped to the peer's
orientation and to the peer's byte definition:

    peer          bytes are                      flowcase field
    Zeek          orig/resp_ip_bytes (IP)        src_bytes / dst_bytes
    Arkime        source/destination.bytes (L2)  src_l2_bytes / dst_l2_bytes
    ipfixprobe    BYTES / BYTES_REV (IP)         src_bytes / dst_bytes
    nDPI          "N pkts/M bytes" (L2 frames)   src_l2_bytes / dst_l2_bytes

Where the peer gives them, these must agree too: community_id (Arkime; the
suricata-verify check below), first and last packet times (Arkime in ms,
ipfixprobe in us, Zeek's duration) and each side's TCP flags (ipfixprobe).
So must the orientation (all these peers take the SYN sender, else the first
packet's sender, as flowcase does), except where the peer says it turned the
flow by a heuristic of its own (Zeek's '^'). flowcase records that match no
peer flow fail the test, unless listed as an exception.

Every deliberate difference is an explicit, short exception in the case tables
below with its reason; an exception that no longer applies fails the test too,
so the lists stay true. Tunnel captures are compared only where the peer logs
the outer flows; their inner flows wait for TUNNELS_ISSUE.
"""
import base64
import calendar
import hashlib
import ipaddress
import os
import struct
import sys
import time
import unittest
from dataclasses import dataclass, field
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # fclib, when run by path
import fclib  # noqa: E402
from fclib import corpus  # noqa: E402

TUNNELS_ISSUE = "issue 7 (tunnels and IP reassembly)"
ICMP_PROTOS = (1, 58)
PROTO_NUMBERS = {"tcp": 6, "udp": 17, "icmp": 1, "icmp6": 58, "sctp": 132}


# --------------------------------------------------------------------------
# Normalised peer flows and flowcase records


def addr(text):
    """Canonical text of an IP address (IPv6 compressed), so peers compare."""
    return str(ipaddress.ip_address(text))


def time_ns(text):
    """ns since 1970 of 'YYYY-mm-ddTHH:MM:SS[.fraction][Z]' (UTC)."""
    date, _, frac = text.rstrip("Z").partition(".")
    secs = calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%S"))
    return secs * 10**9 + int((frac or "0").ljust(9, "0")[:9])


@dataclass
class PeerFlow:
    """One flow as a peer logged it, in the peer's own orientation (a -> b)."""
    name: str              # how the peer names it, for messages
    proto: int
    a: tuple               # (address, port) of the peer's originator; port None: keyed on addresses only
    b: tuple
    a_packets: int
    a_bytes: int
    b_packets: int
    b_bytes: int
    vlan: Optional[tuple] = None      # VLAN ids, outer first (() untagged), if the peer keys on them
    community_id: Optional[str] = None
    times: Optional[tuple] = None     # (first, last, unit): packet times in units of `unit` ns, floored
    duration_us: Optional[int] = None # last - first packet time in us (Zeek), 0 for one instant
    tcp_flags: Optional[tuple] = None # union of the TCP flags each side sent, as header bits (a, b)
    flipped: bool = False             # the peer turned its orientation by its own heuristic
    tunnel_inner: bool = False        # a flow inside a tunnel (not decapsulated before TUNNELS_ISSUE)

    def counts(self):
        return (self.a_packets, self.a_bytes, self.b_packets, self.b_bytes)

    def in_window(self, t_ns):
        """Whether a packet time falls within this flow's first..last packet times."""
        if self.times is None:
            return True
        first, last, unit = self.times
        return first <= t_ns // unit <= last

    def __str__(self):
        vlan = f" vlan {self.vlan}" if self.vlan else ""
        return f"{self.name}: proto {self.proto} {ep(self.a)} -> {ep(self.b)}{vlan}"


def ep(endpoint):
    ip, port = endpoint
    text = f"[{ip}]" if ":" in ip else ip
    return text if port is None else f"{text}:{port}"


class Record:
    """A flowcase record seen through one peer's byte definition."""

    def __init__(self, rec, byte_def):
        self.rec = rec
        self.proto = rec["proto"]
        self.src = (rec["src_ip"], rec["src_port"])
        self.dst = (rec["dst_ip"], rec["dst_port"])
        self.vlans = (rec["vlan"], rec["inner_vlan"])
        field_ = {"ip": "bytes", "l2": "l2_bytes"}[byte_def]
        self.src_counts = (rec["src_packets"], rec[f"src_{field_}"])
        self.dst_counts = (rec["dst_packets"], rec[f"dst_{field_}"])
        self.start = time_ns(rec["start"])
        self.end = time_ns(rec["end"])
        self.src_flags = flag_bits(rec["src_tcp_flags"])
        self.dst_flags = flag_bits(rec["dst_tcp_flags"])

    def endpoints(self, with_ports):
        if with_ports:
            return self.src, self.dst
        return (self.src[0], None), (self.dst[0], None)

    def oriented(self, flow):
        """This record's counts in the peer flow's orientation, or None if the
        record is not that flow's (other protocol, endpoints or VLANs)."""
        if self.proto != flow.proto:
            return None
        if flow.vlan is not None and tuple(v for v in self.vlans if v is not None) != flow.vlan:
            return None
        s, d = self.endpoints(flow.a[1] is not None)
        if (s, d) == (flow.a, flow.b):
            return self.src_counts + self.dst_counts
        if (d, s) == (flow.a, flow.b):
            return self.dst_counts + self.src_counts
        return None

    def oriented_flags(self, flow):
        if self.same_orientation(flow):
            return self.src_flags, self.dst_flags
        return self.dst_flags, self.src_flags

    def same_orientation(self, flow):
        s, _ = self.endpoints(flow.a[1] is not None)
        return s == flow.a

    def __str__(self):
        r = self.rec
        vlan = f" vlan {r['vlan']}/{r['inner_vlan']}" if r["vlan"] is not None else ""
        return (f"flowcase proto {r['proto']} {ep(self.src)} -> {ep(self.dst)}{vlan} "
                f"{self.src_counts + self.dst_counts} start {r['start']} "
                f"({r['initiator']}, {r['end_reason']})")


def flag_bits(text):
    """flowcase's '...AP.SF' (CWR ECE URG ACK PSH RST SYN FIN) as TCP header bits."""
    if text is None:
        return 0
    return sum(1 << (7 - i) for i, ch in enumerate(text) if ch != ".")


def flow_spec(text):
    """'udp 10.0.0.1:53 10.0.0.2:4000' (ports optional, IPv6 in brackets) ->
    (proto, frozenset of endpoints): names a flow in either orientation."""
    proto, a, b = text.split()

    def parse(t):
        if t.startswith("["):
            ip, _, port = t[1:].partition("]")
            port = port.lstrip(":")
        else:
            ip, _, port = t.partition(":")
        return addr(ip), int(port) if port else None
    return PROTO_NUMBERS[proto], frozenset((parse(a), parse(b)))


def spec_of(proto, a, b):
    return proto, frozenset((a, b))


# --------------------------------------------------------------------------
# One reader per peer format


def zeek_conn_flows(path):
    """Zeek conn.log: orig/resp packets and IP bytes (orig_ip_bytes is the sum of
    the IP total lengths, as flowcase's src_bytes). ICMP ports are the type and
    the counterpart type or code, as in flowcase. A '^' in the history means Zeek
    flipped orig and resp by its port heuristics (e.g. 67/68, 80)."""
    flows = []
    for row in fclib.zeek_log(path):
        vlan = None
        if "vlan" in row:  # the vlan-logging policy's columns
            vlan = tuple(int(row[k]) for k in ("vlan", "inner_vlan") if row[k] != "-")
        flows.append(PeerFlow(
            name=f"zeek {row['uid']}",
            proto=int(row["ip_proto"]) if "ip_proto" in row else PROTO_NUMBERS[row["proto"]],
            a=(addr(row["id.orig_h"]), int(row["id.orig_p"])),
            b=(addr(row["id.resp_h"]), int(row["id.resp_p"])),
            a_packets=int(row["orig_pkts"]), a_bytes=int(row["orig_ip_bytes"]),
            b_packets=int(row["resp_pkts"]), b_bytes=int(row["resp_ip_bytes"]),
            vlan=vlan,
            duration_us=0 if row["duration"] == "-" else round(float(row["duration"]) * 10**6),
            flipped=row["history"].startswith("^"),
            tunnel_inner=row.get("tunnel_parents", "-") != "-"))
    return flows


def arkime_flows(path):
    """Arkime sessions: source/destination packets and bytes, where Arkime's bytes
    are whole frames (flowcase's L2 bytes). Arkime keys ICMP sessions on the
    address pair (its ports are 0). firstPacket/lastPacket are in ms."""
    flows = []
    for s in fclib.arkime_sessions(path):
        proto = s["ipProtocol"]
        ports = proto not in ICMP_PROTOS
        vlan = s.get("network", {}).get("vlan", {}).get("id")
        flows.append(PeerFlow(
            name=f"arkime session {s['firstPacket']}",
            proto=proto,
            a=(addr(s["source"]["ip"]), s["source"]["port"] if ports else None),
            b=(addr(s["destination"]["ip"]), s["destination"]["port"] if ports else None),
            a_packets=s["source"]["packets"], a_bytes=s["source"]["bytes"],
            b_packets=s["destination"]["packets"], b_bytes=s["destination"]["bytes"],
            vlan=tuple(vlan or ()),
            community_id=s["network"]["community_id"],
            times=(s["firstPacket"], s["lastPacket"], 10**6)))
    return flows


def ipfixprobe_flows(path):
    """ipfixprobe biflow records: PACKETS/BYTES from SRC, *_REV from DST; BYTES
    are IP bytes (flowcase's src_bytes); TCP_FLAGS(_REV) the union of each side's
    flags. ICMP records have ports 0: ipfixprobe
    keys ICMP on the address pair. VLAN_ID (plugin vlan) is part of its key;
    0 means untagged. TIME_FIRST/TIME_LAST are UTC, in us."""
    flows = []
    for r in fclib.ipfixprobe_records(path):
        proto = int(r["PROTOCOL"])
        ports = proto not in ICMP_PROTOS
        vlan = None
        if "VLAN_ID" in r:
            vlan = (int(r["VLAN_ID"]),) if int(r["VLAN_ID"]) else ()
        flows.append(PeerFlow(
            name=f"ipfixprobe record {r['TIME_FIRST']}",
            proto=proto,
            a=(addr(r["SRC_IP"]), int(r["SRC_PORT"]) if ports else None),
            b=(addr(r["DST_IP"]), int(r["DST_PORT"]) if ports else None),
            a_packets=int(r["PACKETS"]), a_bytes=int(r["BYTES"]),
            b_packets=int(r["PACKETS_REV"]), b_bytes=int(r["BYTES_REV"]),
            vlan=vlan,
            tcp_flags=(int(r["TCP_FLAGS"]), int(r["TCP_FLAGS_REV"])) if proto == 6 else None,
            times=(time_ns(r["TIME_FIRST"]) // 1000, time_ns(r["TIME_LAST"]) // 1000, 1000)))
    return flows


def ndpi_flows(path):
    """ndpiReader flow lines: packets and bytes per direction, bytes being L2
    frame sizes (flowcase's L2 bytes). nDPI keys flows on the VLAN id it shows."""
    flows = []
    for n, f in enumerate(fclib.ndpi_flows(path), 1):
        flows.append(PeerFlow(
            name=f"ndpi flow line {n}",
            proto=PROTO_NUMBERS[f["proto"].lower()],
            a=(addr(f["src"]), f["sport"]), b=(addr(f["dst"]), f["dport"]),
            a_packets=f["src_packets"], a_bytes=f["src_bytes"],
            b_packets=f["dst_packets"], b_bytes=f["dst_bytes"],
            vlan=(f["vlan"],) if f["vlan"] is not None else ()))
    return flows


# --------------------------------------------------------------------------
# The comparison


@dataclass
class Case:
    """One capture set against one peer output."""
    name: str
    inputs: list
    peer: str                       # peer output, relative to tests/data/corpus
    options: tuple = ()             # flowcase options that reproduce the peer's timeouts
    # Exceptions, flow spec -> reason:
    summed: dict = field(default_factory=dict)        # the peer's flow is the sum of flowcase's records
    extra: dict = field(default_factory=dict)         # flowcase has the flow, the peer not
    times_differ: dict = field(default_factory=dict)  # first/last packet times differ
    skip_inner: bool = False        # the peer's tunnel-inner flows are out of scope (TUNNELS_ISSUE)


def case(capture, peer_suffix, name=None, **kw):
    """A Case for one capture and the peer output beside it, <stem>.expected.<peer_suffix>."""
    stem = capture.rsplit(".", 1)[0]
    return Case(name or stem, [capture], f"{stem}.expected.{peer_suffix}", **kw)


def compare(flows, records, *, icmp_by_address=False, summed=None, extra=None, times_differ=None):
    """Matches peer flows to flowcase records; returns the list of problems.

    Each peer flow takes one flowcase record with equal counts, except:
    icmp_by_address: the peer keys ICMP on the address pair, so its ICMP flow is
      the sum of flowcase's ICMP records of that pair (flowcase keys them on the
      Community ID type mapping) that start within the peer flow's times;
    summed: flow specs whose peer flow is the sum of all their flowcase records.
    extra: flow specs of flowcase records the peer does not log.
    times_differ: flow specs whose first/last packet times differ from the peer's.
    Then: community_id, orientation and TCP flags of one-record matches, where
    the peer gives them; first/last packet times (or the duration) where the
    peer gives them; and no flowcase record left over."""
    summed, extra, times_differ = summed or {}, extra or {}, times_differ or {}
    used = set()
    used_exceptions = set()
    matches = []  # (peer flow, [records])
    problems = []

    def candidates(flow):
        for i, r in enumerate(records):
            counts = None if i in used else r.oriented(flow)
            if counts is not None:
                yield i, r, counts

    # First the peer flows that are the sum of several flowcase records.
    one_to_one = []
    for flow in flows:
        spec = spec_of(flow.proto, flow.a, flow.b)
        if spec not in summed and not (icmp_by_address and flow.proto in ICMP_PROTOS):
            one_to_one.append(flow)
            continue
        group = [(i, r, c) for i, r, c in candidates(flow) if spec in summed or flow.in_window(r.start)]
        if spec in summed and len(group) > 1:
            used_exceptions.add(("summed", spec))
        total = tuple(sum(c[k] for _, _, c in group) for k in range(4))
        used.update(i for i, _, _ in group)
        if group and total == flow.counts():
            matches.append((flow, [r for _, r, _ in group]))
        else:
            problems.append(f"{flow} {flow.counts()}: the sum of flowcase's records is {total}:"
                            + "".join(f"\n      {r}" for _, r, _ in group))

    # Then one record per peer flow, with equal counts.
    for flow in one_to_one:
        cands = list(candidates(flow))
        hits = sorted((c for c in cands if c[2] == flow.counts()),
                      key=lambda c: not flow.in_window(c[1].start))
        if hits:
            used.add(hits[0][0])
            matches.append((flow, [hits[0][1]]))
        else:
            problems.append(f"{flow} {flow.counts()}: no flowcase record with these counts; same flow:"
                            + "".join(f"\n      {r} -> {c}" for _, r, c in cands)
                            + ("" if cands else " none"))

    for flow, recs in matches:
        r = recs[0]
        cid = r.rec["community_id"]
        if len(recs) == 1 and flow.community_id is not None and flow.community_id != cid:
            problems.append(f"{flow}: community_id {cid}, peer has {flow.community_id}")
        if len(recs) == 1 and not flow.flipped and not r.same_orientation(flow):
            problems.append(f"{flow}: flowcase has the other orientation: {r}")
        if len(recs) == 1 and flow.tcp_flags is not None and r.oriented_flags(flow) != flow.tcp_flags:
            problems.append(f"{flow}: TCP flags {flow.tcp_flags}, flowcase {r.oriented_flags(flow)}")
        start, end = min(x.start for x in recs), max(x.end for x in recs)
        wrong_time = None
        if flow.times is not None:
            first, last, unit = flow.times
            if (start // unit, end // unit) != (first, last):
                wrong_time = (f"{flow}: first/last packet times {(first, last)} x {unit} ns, "
                              f"flowcase {start} .. {end} ns")
        if flow.duration_us is not None and abs(round((end - start) / 1000) - flow.duration_us) > 1:
            wrong_time = f"{flow}: duration {flow.duration_us} us, flowcase {end - start} ns"
        spec = spec_of(flow.proto, flow.a, flow.b)
        if spec in times_differ and wrong_time:
            used_exceptions.add(("times_differ", spec))
        elif wrong_time:
            problems.append(wrong_time)

    for i, r in enumerate(records):
        if i in used:
            continue
        spec = spec_of(r.proto, r.src, r.dst)
        if spec in extra:
            used_exceptions.add(("extra", spec))
        else:
            problems.append(f"{r}: not in the peer's output")

    for kind, table in (("summed", summed), ("extra", extra), ("times_differ", times_differ)):
        for spec in table:
            if (kind, spec) not in used_exceptions:
                problems.append(f"stale '{kind}' exception, the difference is gone: "
                                f"proto {spec[0]} {' '.join(sorted(map(ep, spec[1])))}")
    return problems


class PeerTestCase(unittest.TestCase):
    """Runs flowcase on a case's inputs and compares with the peer's flows."""

    byte_def = "ip"
    icmp_by_address = False

    def setUp(self):
        self.work = fclib.Workdir()
        self.runs = 0

    def tearDown(self):
        self.work.cleanup()

    def convert(self, inputs, *options):
        self.runs += 1
        out = self.work.sub(f"run{self.runs}")
        run = fclib.convert([corpus(p) for p in inputs], out, *options)
        self.assertEqual(run.rc, 0, f"flowcase failed on {inputs}: {run.stderr}")
        return run

    def read_peer(self, path):
        raise NotImplementedError

    def check_case(self, case, *extra_options):
        flows = self.read_peer(corpus(case.peer))
        if case.skip_inner:
            flows = [f for f in flows if not f.tunnel_inner]
        self.assertTrue(flows, f"{case.peer}: no peer flows to compare")
        run = self.convert(case.inputs, *case.options, *extra_options)
        records = [Record(r, self.byte_def) for r in run.records]
        specs = {name: {flow_spec(k): v for k, v in getattr(case, name).items()}
                 for name in ("summed", "extra", "times_differ")}
        problems = compare(flows, records, icmp_by_address=self.icmp_by_address, **specs)
        if problems:
            options = " ".join(case.options + extra_options) or "default options"
            self.fail(f"{case.name} vs {case.peer} ({options}):\n  - " + "\n  - ".join(problems))

    def check_cases(self, cases, *extra_options):
        for case in cases:
            with self.subTest(case=case.name, options=extra_options):
                self.check_case(case, *extra_options)

    def skip_each(self, skipped):
        """Reports each capture left out, with its reason, as a skipped subtest."""
        for name, reason in skipped.items():
            self.assertTrue(os.path.exists(corpus(name)), name)
            with self.subTest(capture=name):
                self.skipTest(reason)


# --------------------------------------------------------------------------
# Zeek conn.log


WIKIPEDIA_SPLIT = [
    "formats/split/wikipedia-keepalive-split_00000_20110318190607.pcap",
    "formats/split/wikipedia-keepalive-split_00001_20110318190608.pcap",
    "formats/split/wikipedia-keepalive-split_00002_20110318190609.pcap",
]

# Orientation: Zeek flips orig/resp by port heuristics ('^' in the history:
# DHCP 67/68 in app/dhcp, port 80 in encap/mpls-in-vlan); flowcase keeps the
# sender of the first packet when it saw no handshake. The counts are compared
# in Zeek's orientation, so these flows need no exception.
ZEEK_CASES = [
    case("app/dhcp.pcap", "zeek.conn.log"),
    case("encap/mpls-in-vlan.pcap", "zeek.conn.log"),
    case("encap/pppoe.pcap", "zeek.conn.log"),
    case("encap/qinq-double-8100.pcap", "zeek.conn.log"),
    case("encap/qinq-double-8100.pcap", "zeek.vlan-logging.conn.log",
         name="encap/qinq-double-8100 (vlan-logging: VLAN ids compared)"),
    case("formats/pcapng-multi-interface.pcapng", "zeek.conn.log"),
    case("formats/sll-irc-starttls.pcap", "zeek.conn.log",
         times_differ={"tcp 203.143.168.47:55123 185.18.76.170:6667":
                       "Zeek's duration ends at packet 19 (the server's FIN): it stops advancing "
                       "a connection's time once both sides have closed, though it still counts "
                       "packet 20, the client's second RST 3 us later, where flowcase's end is"}),
    case("http/wikipedia-keepalive.pcap", "zeek.conn.log"),
    Case("formats/split: wikipedia-keepalive in 3 files, one run", WIKIPEDIA_SPLIT,
         "http/wikipedia-keepalive.expected.zeek.conn.log"),
    # Tunnels where Zeek logs the outer UDP flows too: those are compared (flowcase
    # sees only them until TUNNELS_ISSUE); Zeek's inner flows are left out.
    case("encap/geneve.pcap", "zeek.conn.log", name="encap/geneve (outer flows)", skip_inner=True),
    case("encap/vxlan.pcap", "zeek.conn.log", name="encap/vxlan (outer flows)", skip_inner=True),
]

ZEEK_SKIPPED = {
    "encap/erspan-type2.pcap": "every conn.log flow is inside GRE/ERSPAN II (Zeek logs the GRE tunnel "
                          f"in tunnel.log only): {TUNNELS_ISSUE}",
    "encap/erspan-type3.pcap": "every conn.log flow is inside GRE/ERSPAN III: " + TUNNELS_ISSUE,
    "encap/gre-sample.pcap": "every conn.log flow is inside GRE: " + TUNNELS_ISSUE,
    "encap/gtpu-outer-frag-http.pcap": "GTP-U with fragmented outer IPv4: Zeek's outer flow counts "
                                  "reassembled datagrams (27/41), flowcase counts fragments (28/80) "
                                  "and the HTTP flow is inside the tunnel: " + TUNNELS_ISSUE,
}

# Zeek's inactivity timeouts are 5 min for TCP (flowcase's default idle timeout)
# and 1 min for UDP and ICMP: every case must give the same flows with both.
ZEEK_TIMEOUTS = ((), ("--idle-timeout", "60s"))


class ZeekConnTest(PeerTestCase):
    byte_def = "ip"

    def read_peer(self, path):
        return zeek_conn_flows(path)

    def test_conn_logs(self):
        for timeouts in ZEEK_TIMEOUTS:
            self.check_cases(ZEEK_CASES, *timeouts)

    def test_captures_out_of_scope(self):
        self.skip_each(ZEEK_SKIPPED)

    def test_quic_go_ppp_conn_cut(self):
        """The zeek-cut projection has only ts/uid/history/service: the same
        flows (their start times; this trace's clock starts at 1970) and data
        in both directions where the history says 'Dd'."""
        rows = fclib.zeek_cut(corpus("app/quic-go-handshake-ppp.expected.zeek.conn.log.cut"))
        run = self.convert(["app/quic-go-handshake-ppp.pcap"])
        by_start = {time_ns(r["start"]) // 1000: r for r in run.records}
        expected = {round(float(row["ts"]) * 10**6): row for row in rows}
        self.assertEqual(sorted(by_start), sorted(expected))
        for us, row in expected.items():
            rec = by_start[us]
            both = rec["src_payload_bytes"] > 0 and rec["dst_payload_bytes"] > 0
            self.assertEqual("D" in row["history"] and "d" in row["history"], both, rec)


# --------------------------------------------------------------------------
# Arkime sessions


ARKIME_CASES = [
    case("app/ssh2.pcap", "arkime.json"),
    # Arkime's test run kept the 32795 session across a 71 s gap; flowcase's
    # default 300 s idle timeout gives the same sessions.
    case("dns/dns-wiresharkrepo.pcap", "arkime.json"),
    case("encap/qinq-8021ad-dot1ad.pcap", "arkime.json"),
    case("formats/bigendian-icmp.pcap", "arkime.json"),
    case("http/post-multipart-upload.pcap", "arkime.json"),
    case("tcp/retrans-ooo-http.pcap", "arkime.json"),
    case("tls/split-client-hello.pcap", "arkime.json"),
    case("tls/tls12-cert-openssl.pcap", "arkime.json"),
]

ARKIME_SKIPPED = {
    "encap/gre-erspan-vxlan-http.pcap": "Arkime logs only the HTTP session inside GRE/ERSPAN/VXLAN: "
                                   + TUNNELS_ISSUE,
    "encap/ipv6-in-ipv4.pcap": "Arkime logs only the ICMPv6 session inside 6in4: " + TUNNELS_ISSUE,
    "encap/sll-gtpu-iphone.pcap": "Arkime logs only the sessions inside GTP-U: " + TUNNELS_ISSUE,
}


class ArkimeTest(PeerTestCase):
    byte_def = "l2"
    icmp_by_address = True

    def read_peer(self, path):
        return arkime_flows(path)

    def test_sessions(self):
        self.check_cases(ARKIME_CASES)

    def test_captures_out_of_scope(self):
        self.skip_each(ARKIME_SKIPPED)


# --------------------------------------------------------------------------
# ipfixprobe


# ipfixprobe's flow cache defaults: active timeout 300 s, inactive 30 s.
IPFIXPROBE_TIMEOUTS = ("--idle-timeout", "30s", "--active-timeout", "300s")

IPFIXPROBE_CASES = [
    case("encap/vlan-ipfixprobe.pcap", "ipfixprobe-vlan.csv", options=IPFIXPROBE_TIMEOUTS),
    case("http/basicplus-http-ipfixprobe.pcap", "ipfixprobe-basicplus.csv", options=IPFIXPROBE_TIMEOUTS,
         name="http/basicplus-http-ipfixprobe (basicplus)"),
    case("http/basicplus-http-ipfixprobe.pcap", "ipfixprobe-http.csv", options=IPFIXPROBE_TIMEOUTS,
         name="http/basicplus-http-ipfixprobe (http)"),
    case("misc/mixed-ipfixprobe.pcap", "ipfixprobe-basic.csv", options=IPFIXPROBE_TIMEOUTS),
    case("tls/tls-ja3-ja4-ipfixprobe.pcap", "ipfixprobe-tls.csv", options=IPFIXPROBE_TIMEOUTS,
         # The capture is five captures end to end, with packet time going
         # 2015 -> 2020 -> 2015 -> 2020 -> 2023; the 2015 part appears twice,
         # packet for packet. flowcase ends the 2015 flows (idle) when packet
         # time jumps to 2020, so each copy is a record of its own; ipfixprobe
         # kept them open and counted both copies in one record.
         summed={f"tcp 172.16.121.155:{port} 87.106.189.123:443":
                 "both copies of the repeated 2015 part" for port in range(3919, 3925)},
         extra={"udp 192.168.0.228:52059 142.251.36.106:443":
                "QUIC: ipfixprobe's tls output holds only flows with the tls plugin's "
                "fields (TLS over TCP)"}),
]


class IpfixprobeTest(PeerTestCase):
    byte_def = "ip"
    icmp_by_address = True

    def read_peer(self, path):
        return ipfixprobe_flows(path)

    def test_records(self):
        self.check_cases(IPFIXPROBE_CASES)


# --------------------------------------------------------------------------
# nDPI


MIXED_1KXUN = [f"misc/mixed-1kxun.part{n}.pcap" for n in (1, 2, 3)]

# nDPI skips IPv4 and IPv6 fragments with a non-zero offset (they have no
# ports); flowcase counts them in their datagram's flow. This BPF filter drops
# them before flowcase decodes, which gives nDPI's counts.
NOT_LATER_FRAGMENTS = ("not ((ip and ip[6:2] & 0x1fff != 0) or "
                       "(ip6 and ip6[6] = 44 and ip6[42:2] & 0xfff8 != 0))")

NDPI_CASES = [
    Case("misc/mixed-1kxun (3 parts, one run)", MIXED_1KXUN, "misc/mixed-1kxun.expected.ndpi.txt"),
    case("formats/pcapng-comments-2if-rtp.pcapng", "ndpi.txt"),
    Case("formats/pcapng-comments-2if-rtp.pcapng.gz (read compressed)",
         ["formats/pcapng-comments-2if-rtp.pcapng.gz"],
         "formats/pcapng-comments-2if-rtp.expected.ndpi.txt"),
    case("encap/ipv4-fragmented-dns.pcap", "ndpi.txt", options=("--filter", NOT_LATER_FRAGMENTS),
         name="encap/ipv4-fragmented-dns (later fragments filtered out)"),
]


class NdpiTest(PeerTestCase):
    byte_def = "l2"

    def read_peer(self, path):
        return ndpi_flows(path)

    def test_flow_lists(self):
        self.check_cases(NDPI_CASES)

    def test_fragments_counted_in_their_flow(self):
        """Without the filter, each of the 7 flows whose response was fragmented
        has one more packet from the server side than nDPI counts: the later
        fragment, which flowcase keeps in the datagram's flow."""
        flows = ndpi_flows(corpus("encap/ipv4-fragmented-dns.expected.ndpi.txt"))
        run = self.convert(["encap/ipv4-fragmented-dns.pcap"])
        records = [Record(r, "l2") for r in run.records]
        more = 0
        for flow in flows:
            [counts] = [c for c in (r.oriented(flow) for r in records) if c is not None]
            self.assertEqual(counts[:2], flow.counts()[:2], flow)
            self.assertIn(counts[2] - flow.b_packets, (0, 1), flow)
            more += counts[2] - flow.b_packets
        self.assertEqual(more, 7)


# --------------------------------------------------------------------------
# suricata-verify


def community_id_v1(src, sport, dst, dport, proto, seed=0):
    """Community ID v1 of a TCP/UDP tuple (the spec's ordering and hash)."""
    s, d = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    if (s, sport) > (d, dport):
        s, d, sport, dport = d, s, dport, sport
    data = struct.pack("!H", seed) + s + d + struct.pack("!BBHH", proto, 0, sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


# suricata-verify runs Suricata with a Community ID seed of its own: the
# expected values in tls/tls13-community-id are Community ID v1 with seed 7 (the
# only 16-bit seed that gives them for this flow), where flowcase, like the
# Zeek and Arkime outputs here, uses seed 0. The test checks that the flow is
# the same and that flowcase's value is that flow's Community ID with seed 0.
SURICATA_VERIFY_SEED = 7
SURICATA_VERIFY_CASES = [case("tls/tls13-community-id.pcap", "suricata-verify.yaml")]


class SuricataVerifyTest(PeerTestCase):

    def test_flow_checks(self):
        """Every filter check that names a flow (5-tuple and community_id; alert
        checks depend on rules that are not copied): as many flowcase records of
        that flow as the check counts events (one for an app-layer event),
        oriented as Suricata's (client first), and flowcase's community_id is
        that flow's Community ID."""
        for case in SURICATA_VERIFY_CASES:
            checks = [c for c in fclib.suricata_verify_checks(corpus(case.peer))
                      if "community_id" in c["match"] and "src_ip" in c["match"]
                      and c["match"]["event_type"] != "alert"]
            self.assertTrue(checks, case.peer)
            run = self.convert(case.inputs)
            for check in checks:
                m = check["match"]
                with self.subTest(case=case.name, event_type=m["event_type"]):
                    proto = PROTO_NUMBERS[m["proto"].lower()]
                    a = (addr(m["src_ip"]), int(m["src_port"]))
                    b = (addr(m["dest_ip"]), int(m["dest_port"]))
                    recs = [r for r in run.records if r["proto"] == proto and
                            {(r["src_ip"], r["src_port"]), (r["dst_ip"], r["dst_port"])} == {a, b}]
                    self.assertEqual(len(recs), check["count"] if m["event_type"] == "flow" else 1, recs)
                    rec = recs[0]
                    self.assertEqual((rec["src_ip"], rec["src_port"]), a, "orientation")
                    self.assertEqual(community_id_v1(*a, *b, proto, SURICATA_VERIFY_SEED),
                                     m["community_id"], "not this flow's Community ID with seed 7")
                    self.assertEqual(rec["community_id"], community_id_v1(*a, *b, proto, 0))


if __name__ == "__main__":
    unittest.main()
