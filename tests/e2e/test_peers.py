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
so the lists stay true.

Tunnels: flowcase keys a flow on its innermost packet and writes the tunnel
layers around the flow's first packet in `tunnel`; it writes no outer flow
(that comes with --tunnel-flows, not there yet) except for packets it could not
decapsulate. Zeek logs the outer UDP flows of VXLAN, Geneve and GTP-U in
conn.log too: those rows (the endpoints of a tunnel.log row) are left out, and
the inner flows' tunnel layers are compared with tunnel.log. A datagram rebuilt
from N IP fragments counts N packets in flowcase (it counts captured frames):
where the peer counts it once, the peer's count is raised by the fragments
tshark reassembles, per direction (see fragment_frames).
"""
import base64
import calendar
import dataclasses
import hashlib
import ipaddress
import os
import struct
import sys
import time
import unittest
import urllib.parse
from dataclasses import dataclass, field
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # fclib, when run by path
import fclib  # noqa: E402
from fclib import corpus  # noqa: E402
from test_dns import compare_zeek_dns  # noqa: E402
from test_http import transactions as http_transactions, zeek_value  # noqa: E402

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
    tunnel_parents: tuple = ()        # Zeek: uids of the tunnels (tunnel.log) the flow came in
    service: str = ""                 # Zeek: the service column
    outer_ips: Optional[frozenset] = None  # Arkime: the outer IPs of the innermost tunnel layer

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
            tunnel_parents=tuple(p for p in row.get("tunnel_parents", "-").split(",") if p != "-"),
            service=row["service"]))
    return flows


# Zeek's tunnel types -> flowcase's: Zeek calls ERSPAN (GRE protocol 0x88be /
# 0x22eb) a GRE tunnel; flowcase names the ERSPAN layer.
ZEEK_TUNNEL_TYPES = {"Tunnel::GRE": ("gre", "erspan"), "Tunnel::VXLAN": ("vxlan",),
                     "Tunnel::GENEVE": ("geneve",), "Tunnel::GTPv1": ("gtpu",),
                     "Tunnel::IP": ("ip_in_ip",), "Tunnel::TEREDO": ("teredo",)}


def zeek_tunnels(path):
    """Zeek tunnel.log: uid -> (tunnel type, orig endpoint, resp endpoint), from
    the DISCOVER rows; ports are 0 for tunnels without ports (GRE)."""
    tunnels = {}
    for row in fclib.zeek_log(path):
        if row["action"] == "Tunnel::DISCOVER":
            tunnels[row["uid"]] = (row["tunnel_type"],
                                   (addr(row["id.orig_h"]), int(row["id.orig_p"])),
                                   (addr(row["id.resp_h"]), int(row["id.resp_p"])))
    return tunnels


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
            times=(s["firstPacket"], s["lastPacket"], 10**6),
            outer_ips=frozenset(map(addr, s.get("srcOuterIp", []) + s.get("dstOuterIp", [])))
            or None))
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
# IP fragments, as tshark sees them


def innermost(ips, ports):
    """(address, port or None) of the innermost layer in tshark's comma lists."""
    return addr(ips.split(",")[-1]), int(ports.split(",")[-1]) if ports else None


def rebuilt_datagrams(captures):
    """The datagrams tshark reassembles from IPv4 or IPv6 fragments (inside a
    tunnel too), as ((src, sport), (dst, dport), later): the innermost packet's
    endpoints (ports None without TCP/UDP) and the frame sizes of the datagram's
    fragments other than the first (offset 0) one, which tshark shows with
    reassembly off (-o ip.defragment:FALSE -o ipv6.defragment:FALSE)."""
    out = []
    for capture in captures:
        later = {}
        for number, length, off4, off6 in fclib.tshark_fields(
                capture, None, "frame.number", "frame.len", "ip.frag_offset", "ipv6.fraghdr.offset",
                extra=("-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE")):
            if any(int(x) for x in f"{off4},{off6}".split(",") if x):
                later[int(number)] = int(length)
        for s4, d4, s6, d6, tsp, tdp, usp, udp, f4, f6 in fclib.tshark_fields(
                capture, "ip.fragment.count or ipv6.fragment.count", "ip.src", "ip.dst",
                "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
                "ip.fragment", "ipv6.fragment"):
            src, dst = (s6, d6) if s6 else (s4, d4)
            sport, dport = (tsp, tdp) if tsp else (usp, udp)
            frames = [int(x) for x in f"{f4},{f6}".split(",") if x]
            out.append((innermost(src, sport), innermost(dst, dport),
                        [later[n] for n in frames if n in later]))
    return out


def with_fragment_frames(flows, datagrams, frame_bytes):
    """The peer flows, each direction's packet count raised by the later
    fragments of the datagrams that direction sent (and its bytes by their frame
    sizes if frame_bytes): the peer counted each rebuilt datagram once (Zeek) or
    only its first fragment (nDPI), flowcase counts every captured frame."""
    out = []
    for f in flows:
        extra = {f.a: [0, 0], f.b: [0, 0]}
        for src, dst, later in datagrams:
            for a, b in ((f.a, f.b), (f.b, f.a)):
                same_ports = a[1] is None or (a[1], b[1]) == (src[1], dst[1])
                if (a[0], b[0]) == (src[0], dst[0]) and same_ports:
                    extra[a][0] += len(later)
                    extra[a][1] += sum(later) if frame_bytes else 0
                    break
        if any(extra[f.a] + extra[f.b]):
            f = dataclasses.replace(
                f, name=f"{f.name} (+ later fragments {extra[f.a]} / {extra[f.b]})",
                a_packets=f.a_packets + extra[f.a][0], a_bytes=f.a_bytes + extra[f.a][1],
                b_packets=f.b_packets + extra[f.b][0], b_bytes=f.b_bytes + extra[f.b][1])
        out.append(f)
    return out


def one_way_community_id(rec):
    """Community ID v1 of a record's tuple in its own order (the spec's one-way
    ICMP types: no endpoint ordering)."""
    data = (struct.pack("!H", 0) + ipaddress.ip_address(rec["src_ip"]).packed
            + ipaddress.ip_address(rec["dst_ip"]).packed
            + struct.pack("!BBHH", rec["proto"], 0, rec["src_port"], rec["dst_port"]))
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


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
    community_id_differs: dict = field(default_factory=dict)  # one-way ICMP: the peer orders them
    tunnel_log: Optional[str] = None  # Zeek tunnel.log: its outer UDP flows are left out of conn.log's
    fragment_frames: bool = False   # add the later fragments of rebuilt datagrams to the peer's counts


def case(capture, peer_suffix, name=None, **kw):
    """A Case for one capture and the peer output beside it, <stem>.expected.<peer_suffix>."""
    stem = capture.rsplit(".", 1)[0]
    return Case(name or stem, [capture], f"{stem}.expected.{peer_suffix}", **kw)


def compare(flows, records, *, icmp_by_address=False, summed=None, extra=None, times_differ=None,
            community_id_differs=None):
    """Matches peer flows to flowcase records; returns the list of problems.

    Each peer flow takes one flowcase record with equal counts, except:
    icmp_by_address: the peer keys ICMP on the address pair, so its ICMP flow is
      the sum of flowcase's ICMP records of that pair (flowcase keys them on the
      Community ID type mapping) that start within the peer flow's times;
    summed: flow specs whose peer flow is the sum of all their flowcase records.
    extra: flow specs of flowcase records the peer does not log.
    times_differ: flow specs whose first/last packet times differ from the peer's.
    community_id_differs: flow specs of one-way ICMP (e.g. ICMPv6 unreachable)
      whose community_id the peer computes with its endpoints ordered as for a
      two-way flow, where the spec (and flowcase) keeps them in packet order:
      flowcase's must be the one-way value, the peer's the ordered one.
    Then: community_id, orientation and TCP flags of one-record matches, where
    the peer gives them; the innermost tunnel layer's outer addresses where the
    peer gives them; first/last packet times (or the duration) where the peer
    gives them; and no flowcase record left over."""
    summed, extra, times_differ = summed or {}, extra or {}, times_differ or {}
    community_id_differs = community_id_differs or {}
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
        spec = spec_of(flow.proto, flow.a, flow.b)
        if len(recs) == 1 and flow.community_id is not None and spec in community_id_differs:
            rec = r.rec
            ordered = fclib.community_id(rec["src_ip"], rec["dst_ip"], rec["proto"],
                                         rec["src_port"], rec["dst_port"])
            if (cid, flow.community_id) == (one_way_community_id(rec), ordered) and cid != ordered:
                used_exceptions.add(("community_id_differs", spec))
            else:
                problems.append(f"{flow}: community_id {cid}, peer has {flow.community_id}: "
                                f"not the one-way / ordered pair")
        elif len(recs) == 1 and flow.community_id is not None and flow.community_id != cid:
            problems.append(f"{flow}: community_id {cid}, peer has {flow.community_id}")
        if len(recs) == 1 and flow.outer_ips is not None:
            layers = r.rec["tunnel"] or [{"src_ip": None, "dst_ip": None}]
            inner = frozenset((layers[-1]["src_ip"], layers[-1]["dst_ip"]))
            if inner != flow.outer_ips:
                problems.append(f"{flow}: outer addresses {sorted(flow.outer_ips)}, "
                                f"flowcase's innermost tunnel layer {sorted(map(str, inner))}")
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

    for kind, table in (("summed", summed), ("extra", extra), ("times_differ", times_differ),
                        ("community_id_differs", community_id_differs)):
        for spec in table:
            if (kind, spec) not in used_exceptions:
                problems.append(f"stale '{kind}' exception, the difference is gone: "
                                f"proto {spec[0]} {' '.join(sorted(map(ep, spec[1])))}")
    return problems


class PeerTestCase(unittest.TestCase):
    """Runs flowcase on a case's inputs and compares with the peer's flows."""

    byte_def = "ip"
    icmp_by_address = False
    fragment_frame_bytes = False    # the peer's bytes leave out the later fragments' frames

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

    def case_flows(self, case):
        """The peer flows a case compares."""
        return self.read_peer(corpus(case.peer))

    def check_case(self, case, *extra_options):
        flows = self.case_flows(case)
        if case.fragment_frames:
            datagrams = rebuilt_datagrams([corpus(p) for p in case.inputs])
            self.assertTrue(datagrams, f"{case.name}: tshark rebuilds no datagram")
            flows = with_fragment_frames(flows, datagrams, self.fragment_frame_bytes)
        self.assertTrue(flows, f"{case.peer}: no peer flows to compare")
        run = self.convert(case.inputs, *case.options, *extra_options)
        records = [Record(r, self.byte_def) for r in run.records]
        specs = {name: {flow_spec(k): v for k, v in getattr(case, name).items()}
                 for name in ("summed", "extra", "times_differ", "community_id_differs")}
        problems = compare(flows, records, icmp_by_address=self.icmp_by_address, **specs)
        if problems:
            options = " ".join(case.options + extra_options) or "default options"
            self.fail(f"{case.name} vs {case.peer} ({options}):\n  - " + "\n  - ".join(problems))

    def check_cases(self, cases, *extra_options):
        for case in cases:
            with self.subTest(case=case.name, options=extra_options):
                self.check_case(case, *extra_options)


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
def tunnel_case(capture, **kw):
    """A Zeek conn.log case with the tunnel.log beside it."""
    stem = capture.rsplit(".", 1)[0]
    return case(capture, "zeek.conn.log", tunnel_log=f"{stem}.expected.zeek.tunnel.log", **kw)


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
    # Tunnels: the inner flows, with Zeek's outer VXLAN/Geneve/GTP-U rows left out.
    tunnel_case("encap/erspan-type2.pcap"),
    tunnel_case("encap/erspan-type3.pcap"),
    tunnel_case("encap/geneve.pcap"),
    tunnel_case("encap/gre-sample.pcap",
                times_differ={"tcp 66.59.111.190:40264 172.28.2.3:22":
                              "Zeek's duration ends at packet 31 (the second FIN): it stops "
                              "advancing a connection's time once both sides have closed, though "
                              "it still counts packet 32, the last ACK 71 us later, where "
                              "flowcase's end is"}),
    # vxlan: the two 1-packet UDP flows to port 4789 that are in no tunnel.log row
    # carry a non-IP frame (ARP): Zeek and flowcase both count them as UDP flows.
    tunnel_case("encap/vxlan.pcap"),
    # The GTP-U outer IPv4 datagrams come in 2 fragments: 1 from the client's side
    # and 35 from the server's side are rebuilt (fragment_frames adds them to Zeek's
    # datagram counts, 27/41, giving flowcase's frame counts, 28/76).
    tunnel_case("encap/gtpu-outer-frag-http.pcap", fragment_frames=True,
                times_differ={"tcp 10.131.47.185:1923 79.101.110.141:80":
                              "Zeek's duration ends at packet 107 (the client's FIN, after the "
                              "server's): it stops advancing a connection's time once both sides "
                              "have closed, though it still counts packet 108, the server's ACK "
                              "30 us later, where flowcase's end is (Zeek's outer gtpv1 flow, "
                              "0.069813 s, ends there too)"},
                extra={"udp 63.94.149.181:2152 239.114.155.111:2152":
                       "4 first fragments from the server side whose other fragment is not in "
                       "the capture: flowcase cannot decapsulate them and counts them in the "
                       "outer UDP flow; Zeek counts them nowhere (its resp_pkts 41 is the "
                       "rebuilt datagrams only; the 4 lost TCP segments, 1440 bytes each "
                       "like the 36 rebuilt ones, are its missed_bytes 5760)"}),
]

# Zeek's inactivity timeouts are 5 min for TCP (flowcase's default idle timeout)
# and 1 min for UDP and ICMP: every case must give the same flows with both.
ZEEK_TIMEOUTS = ((), ("--idle-timeout", "60s"))


class ZeekConnTest(PeerTestCase):
    byte_def = "ip"
    keep_outer = False  # compare Zeek's outer tunnel rows too (--tunnel-flows)

    def read_peer(self, path):
        return zeek_conn_flows(path)

    def case_flows(self, case):
        """Zeek's conn.log rows without the outer UDP flows of its tunnels (the
        endpoints of a tunnel.log row): flowcase writes no outer flow of a packet
        it decapsulated unless --tunnel-flows (test_tunnel_flows) asks for them."""
        flows = super().case_flows(case)
        if case.tunnel_log is None or self.keep_outer:
            return flows
        ends = {frozenset((a, b)) for _, a, b in zeek_tunnels(corpus(case.tunnel_log)).values()}
        outer = [f for f in flows if f.proto == 17 and frozenset((f.a, f.b)) in ends]
        for f in outer:
            self.assertIn(f.service, ("vxlan", "geneve", "gtpv1"), f)
        return [f for f in flows if f not in outer]

    def test_conn_logs(self):
        for timeouts in ZEEK_TIMEOUTS:
            self.check_cases(ZEEK_CASES, *timeouts)

    def test_tunnel_flows(self):
        """--tunnel-flows: Zeek's whole conn.log of the UDP tunnels, outer rows
        (service vxlan, geneve) included, with the same counts; the outer
        records' app names the tunnel; every inner record's layer joins its outer
        record by community_id. Zeek logs no GRE flow in conn.log (tunnel.log
        only), so for GRE and ERSPAN the join alone is checked. GTP-U: Zeek's
        outer gtpv1 row counts 27/41 datagrams and 4176/54070 IP bytes;
        flowcase's outer record counts the frames, the 1 and 35 later fragments
        of the rebuilt datagrams too, and the 4 first fragments whose second
        fragment is missing (1500 IP bytes each: tshark -o ip.defragment:FALSE
        shows them), which Zeek counts nowhere: 28/80 and 4176/60070."""
        self.keep_outer = True
        try:
            for case in ZEEK_CASES:
                if case.tunnel_log and case.inputs[0] in ("encap/geneve.pcap", "encap/vxlan.pcap"):
                    with self.subTest(case=case.name):
                        self.check_case(case, "--tunnel-flows")
        finally:
            self.keep_outer = False
        services = {"vxlan": "vxlan", "geneve": "geneve", "gtpv1": "gtpu"}
        joined = 0
        for case in ZEEK_CASES:
            if case.tunnel_log is None:
                continue
            run = self.convert(case.inputs, "--tunnel-flows")
            outer = {r["community_id"]: r for r in run.records if r["app"] in
                     ("gre", "erspan", "vxlan", "geneve", "gtpu")}
            for rec in run.records:
                for layer in rec["tunnel"] or []:
                    with self.subTest(case=case.name, flow=rec["flow_id"]):
                        self.assertIn(layer["community_id"], outer)
                        self.assertEqual(outer[layer["community_id"]]["app"], layer["type"])
                        joined += 1
            for flow in zeek_conn_flows(corpus(case.peer)):
                if flow.service in services:
                    recs = [r for r in outer.values() if r["proto"] == 17 and
                            {(r["src_ip"], r["src_port"]), (r["dst_ip"], r["dst_port"])}
                            == {flow.a, flow.b}]
                    self.assertEqual([r["app"] for r in recs], [services[flow.service]], flow)
            if case.inputs[0] == "encap/gtpu-outer-frag-http.pcap":
                (rec,) = [r for r in outer.values() if r["app"] == "gtpu"]
                self.assertEqual((rec["src_ip"], rec["src_packets"], rec["dst_packets"],
                                  rec["src_bytes"], rec["dst_bytes"]),
                                 ("239.114.155.111", 27 + 1, 41 + 35 + 4, 4176, 54070 + 4 * 1500))
        self.assertEqual(joined, 1 + 1 + 1 + 7 + 1 + 1)
        # Without the option the outer flows of decapsulated packets are not written;
        # the two 1-packet flows carrying ARP (not decapsulated) still are, as vxlan.
        run = self.convert(["encap/vxlan.pcap"])
        self.assertEqual(sorted(r["src_port"] for r in run.records if r["app"] == "vxlan"),
                         [39924, 40908])

    def test_tunnel_logs(self):
        """Each inner flow of conn.log (tunnel_parents set) is one flowcase record
        with one tunnel layer (Zeek's captures have one level each; GRE + ERSPAN
        is one ERSPAN layer) whose type is the parent tunnel's, whose outer
        endpoints are one of the flow's parents' in tunnel.log (in either order;
        Zeek's port 0 is no port), and, in order, the outer endpoints of the
        flow's first packet as tshark shows them: Zeek lists every tunnel the
        flow came in (vxlan and geneve: one per direction), flowcase the one
        around the flow's first packet. The layer's community_id is the outer
        flow's Community ID."""
        compared = 0
        for case in ZEEK_CASES:
            if case.tunnel_log is None:
                continue
            tunnels = zeek_tunnels(corpus(case.tunnel_log))
            run = self.convert(case.inputs)
            outer_ips = self.first_outer_ips(corpus(case.inputs[0]))
            for flow in zeek_conn_flows(corpus(case.peer)):
                if not flow.tunnel_parents:
                    continue
                with self.subTest(case=case.name, flow=str(flow)):
                    recs = [r for r in run.records if r["proto"] == flow.proto and
                            {(r["src_ip"], r["src_port"]), (r["dst_ip"], r["dst_port"])}
                            == {flow.a, flow.b}]
                    self.assertEqual(len(recs), 1, recs)
                    rec = recs[0]
                    self.assertEqual(len(rec["tunnel"] or []), 1, rec["tunnel"])
                    layer = rec["tunnel"][0]
                    ends = frozenset(((layer["src_ip"], layer["src_port"] or 0),
                                      (layer["dst_ip"], layer["dst_port"] or 0)))
                    parents = {frozenset((a, b)): kind for kind, a, b in
                               (tunnels[uid] for uid in flow.tunnel_parents)}
                    self.assertIn(ends, parents)
                    self.assertIn(layer["type"], ZEEK_TUNNEL_TYPES[parents[ends]])
                    first = outer_ips[(rec["src_ip"], rec["dst_ip"])]
                    self.assertEqual((layer["src_ip"], layer["dst_ip"]), first)
                    self.assertEqual(layer["community_id"], fclib.community_id(
                        layer["src_ip"], layer["dst_ip"], layer["proto"],
                        layer["src_port"], layer["dst_port"]))
                    compared += 1
        self.assertEqual(compared, 1 + 1 + 1 + 7 + 1 + 1)

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

    @staticmethod
    def first_outer_ips(capture):
        """(inner src, inner dst) -> (outer src, outer dst) of the first packet
        of an IPv4-in-IPv4-tunnel capture that has those inner addresses
        (tshark lists the IP layers outermost first)."""
        first = {}
        for src, dst in fclib.tshark_fields(capture, "ip.src", "ip.src", "ip.dst"):
            s, d = src.split(","), dst.split(",")
            if len(s) > 1:
                first.setdefault((s[-1], d[-1]), (s[0], d[0]))
        return first


class ZeekAppLogsInTunnels(PeerTestCase):
    """Zeek's dns.log and http.log of flows inside tunnels or in IP fragments."""

    def test_dns_logs(self):
        # gre-sample: the two unanswered queries inside GRE; ipv6-fragmented-dns:
        # the TXT answers of 3 and 3230 bytes, the second from 3 IPv6 fragments.
        for capture, rows in (("encap/gre-sample.pcap", 2), ("encap/ipv6-fragmented-dns.pcap", 3)):
            with self.subTest(capture=capture):
                run = self.convert([capture])
                log = corpus(capture.replace(".pcap", ".expected.zeek.dns.log"))
                self.assertEqual(compare_zeek_dns(self, run, log), rows)

    def test_ipv6_fragment_without_first(self):
        """ipv6-fragmented-dns frame 4 is the last fragment of a datagram whose
        other fragments are not in the capture: flowcase writes it as a UDP
        record without ports (Zeek writes nothing of it)."""
        run = self.convert(["encap/ipv6-fragmented-dns.pcap"])
        lone = [r for r in run.records if r["src_port"] is None]
        self.assertEqual([(r["proto"], r["src_ip"], r["src_packets"], r["src_bytes"]) for r in lone],
                         [(17, "2607:f740:b::f93", 1, 390)])
        self.assertEqual((run.counter("fragments.reassembled"),
                          run.counter("fragments.timeout_frames")), (1, 1))

    def test_http_log_gtpu(self):
        """The HTTP transaction inside GTP-U whose response came in fragmented
        outer datagrams: Zeek's http.log fields (see test_http.py)."""
        run = self.convert(["encap/gtpu-outer-frag-http.pcap"])
        ours = http_transactions(run)
        rows = fclib.zeek_log(corpus("encap/gtpu-outer-frag-http.expected.zeek.http.log"))
        self.assertEqual(len(rows), 1)
        for z in rows:
            key = (z["id.orig_h"], int(z["id.orig_p"]), z["id.resp_h"], int(z["id.resp_p"]))
            (tx,) = ours[key]
            for ours_name, zname in (("method", "method"), ("host", "host"), ("uri", "uri"),
                                     ("user_agent", "user_agent"), ("referrer", "referrer"),
                                     ("status", "status_code"), ("reason", "status_msg"),
                                     ("version", "version"), ("request_body_len", "request_body_len"),
                                     ("response_body_len", "response_body_len")):
                have = tx[ours_name]
                if ours_name == "version":  # Zeek's: the reply's once there is one
                    have = tx["response_version"] or tx["version"]
                if ours_name == "uri":
                    # Zeek logs the URI with its %XX escapes decoded (its http_request
                    # event's unescaped_URI); flowcase keeps the request line's bytes.
                    self.assertNotEqual(have, z["uri"])
                    have = urllib.parse.unquote(have)
                if ours_name == "request_body_len" and have is None:
                    have = 0  # Zeek: 0 for a request without a body
                self.assertEqual(None if have is None else str(have), zeek_value(z[zname]), ours_name)

    def test_gtpu_fragments(self):
        """tshark rebuilds 1 outer datagram from the client's side and 35 from the
        server's, each from 2 fragments, and sees 4 more first fragments from the
        server whose second fragment is missing: flowcase reassembles the 36,
        times out the 4 (counted in the outer UDP flow), and decapsulates the
        27 + 41 datagrams Zeek counts."""
        capture = corpus("encap/gtpu-outer-frag-http.pcap")
        datagrams = rebuilt_datagrams([capture])
        by_side = {}
        for src, _, later in datagrams:
            self.assertEqual(len(later), 1)
            by_side[src[0]] = by_side.get(src[0], 0) + 1
        self.assertEqual(by_side, {"10.131.47.185": 1, "79.101.110.141": 35})
        firsts = fclib.tshark_fields(capture, "ip.flags.mf == 1 and ip.frag_offset == 0", "ip.src",
                                     extra=("-o", "ip.defragment:FALSE"))
        incomplete = len(firsts) - len(datagrams)
        self.assertEqual(incomplete, 4)
        run = self.convert(["encap/gtpu-outer-frag-http.pcap"])
        (outer,) = [r for r in run.records if not r["tunnel"]]
        self.assertEqual((outer["src_ip"], outer["src_packets"], outer["dst_packets"]),
                         ("63.94.149.181", incomplete, 0))
        self.assertEqual((run.counter("fragments.reassembled"), run.counter("fragments.timeout"),
                          run.counter("tunnel.gtpu")), (36, 4, 27 + 41))


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
    # Tunnels: Arkime's sessions are the inner flows (its bytes the whole frames,
    # outer headers included, as flowcase's L2 bytes); its srcOuterIp/dstOuterIp
    # are the addresses of the innermost tunnel layer (the VXLAN one inside
    # GRE/ERSPAN), compared with the record's last `tunnel` layer.
    case("encap/gre-erspan-vxlan-http.pcap", "arkime.json"),
    case("encap/ipv6-in-ipv4.pcap", "arkime.json"),
    case("encap/sll-gtpu-iphone.pcap", "arkime.json",
         community_id_differs={
             "icmp6 [fd01::183] [fd00:183:1:1:1886:9040:8605:32b8]":
             "ICMPv6 destination unreachable (type 1 code 4, 3 packets) is one-way: the "
             "Community ID spec hashes it in packet order (flowcase, Zeek), Arkime orders "
             "the endpoints as for a two-way flow"}),
]


class ArkimeTest(PeerTestCase):
    byte_def = "l2"
    icmp_by_address = True

    def read_peer(self, path):
        return arkime_flows(path)

    def test_sessions(self):
        self.check_cases(ARKIME_CASES)


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

NDPI_CASES = [
    Case("misc/mixed-1kxun (3 parts, one run)", MIXED_1KXUN, "misc/mixed-1kxun.expected.ndpi.txt"),
    case("formats/pcapng-comments-2if-rtp.pcapng", "ndpi.txt"),
    Case("formats/pcapng-comments-2if-rtp.pcapng.gz (read compressed)",
         ["formats/pcapng-comments-2if-rtp.pcapng.gz"],
         "formats/pcapng-comments-2if-rtp.expected.ndpi.txt"),
    # nDPI counts a fragmented datagram as its first fragment only (packets and
    # frame bytes: it skips IPv4 and IPv6 fragments with a non-zero offset, which
    # have no ports); flowcase counts every frame of the rebuilt datagram.
    # fragment_frames adds the later fragments' frames (tshark) to nDPI's counts.
    case("encap/ipv4-fragmented-dns.pcap", "ndpi.txt", fragment_frames=True),
]


class NdpiTest(PeerTestCase):
    byte_def = "l2"
    fragment_frame_bytes = True

    def read_peer(self, path):
        return ndpi_flows(path)

    def test_flow_lists(self):
        self.check_cases(NDPI_CASES)

    def test_later_fragments(self):
        """The 7 datagrams of ipv4-fragmented-dns (4 IPv4, 3 IPv6) tshark rebuilds
        come in 2 fragments each, all responses; flowcase rebuilds the same 7 and
        each such flow has one more packet from the server side than nDPI counts,
        and that fragment's frame bytes more."""
        capture = corpus("encap/ipv4-fragmented-dns.pcap")
        datagrams = rebuilt_datagrams([capture])
        self.assertEqual(sorted((src[1], len(later)) for src, _, later in datagrams), [(53, 1)] * 7)
        flows = ndpi_flows(corpus("encap/ipv4-fragmented-dns.expected.ndpi.txt"))
        run = self.convert(["encap/ipv4-fragmented-dns.pcap"])
        self.assertEqual(run.counter("fragments.reassembled"), 7)
        records = [Record(r, "l2") for r in run.records]
        more = []
        for flow in flows:
            [counts] = [c for c in (r.oriented(flow) for r in records) if c is not None]
            self.assertEqual(counts[:2], flow.counts()[:2], flow)
            if counts[2:] != flow.counts()[2:]:
                more.append((counts[2] - flow.b_packets, counts[3] - flow.b_bytes))
        self.assertEqual(sorted(more), sorted((1, later[0]) for _, _, later in datagrams))


# --------------------------------------------------------------------------
# tcpdump text


class TcpdumpTextTest(PeerTestCase):
    """erspan-type1: tcpdump -v shows each GRE packet's outer addresses and the
    ERSPAN type I payload's IP header and ICMP message."""

    def test_erspan_type1(self):
        path = corpus("encap/erspan-type1.expected.tcpdump.txt")
        with open(path, encoding="utf-8") as f:
            lines = [line.strip() for line in f]
        packets = []  # (outer src, outer dst, inner IP length, inner src, inner dst, ICMP message)
        for i, line in enumerate(lines):
            if line.startswith("erspan type1: IP"):
                outer = lines[i - 1].split(":")[0].split(" > ")
                length = int(line.rsplit("length ", 1)[1].rstrip(")"))
                ends, _, message = lines[i + 1].partition(": ")
                src, dst = ends.split(" > ")
                packets.append((*outer, length, src, dst, message.split(",")[0]))
        self.assertEqual([p[5] for p in packets], ["ICMP echo request", "ICMP echo reply"])
        run = self.convert(["encap/erspan-type1.pcap"])
        (rec,) = run.records
        request, reply = packets
        # The echo request's sender is the originator; ICMP ports: type 8, code 0.
        self.assertEqual((rec["proto"], rec["src_ip"], rec["dst_ip"], rec["src_port"],
                          rec["dst_port"]), (1, request[3], request[4], 8, 0))
        self.assertEqual((reply[3], reply[4]), (rec["dst_ip"], rec["src_ip"]))
        self.assertEqual((rec["src_packets"], rec["src_bytes"], rec["dst_packets"], rec["dst_bytes"]),
                         (1, request[2], 1, reply[2]))
        (layer,) = rec["tunnel"]
        self.assertEqual((layer["type"], layer["src_ip"], layer["dst_ip"], layer["proto"]),
                         ("erspan", request[0], request[1], 47))
        # ERSPAN type I has no header, hence no session id.
        self.assertIsNone(layer["id"])


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
