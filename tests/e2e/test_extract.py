"""`flowcase extract`: the exact packets of chosen flows, back out of a conversion.

The reference is tshark on the ORIGINAL captures (not flowcase's own reading):

* Acceptance (every flow record of several cases): a plain pcap with many flows
  (IPv4/IPv6, UDP, ICMP and ICMPv6), the two-interface pcapng sample (ns and us
  interfaces), a capture split into parts with editcap at test time, a gzip copy, a
  tar archive holding two captures (one with IPv4 and IPv6 fragments), and two tunnel
  captures (GRE, and VXLAN with two tenants sharing one inner 5-tuple). For each
  record, `extract --flow-id` gives exactly the packets tshark selects with the
  equivalent display filter (see equivalent_filter: 5-tuple both ways, on the inner
  layer for tunnels, plus frame.time_epoch within [start, end], plus the fragment
  frames tshark lists in ip.fragment / ipv6.fragment); bytes, original lengths and
  timestamps (integer ns) are compared; packets = src_packets + dst_packets and the
  sum of frame lengths = src_l2_bytes + dst_l2_bytes; capinfos and tshark read each
  extracted file without a warning, and tshark's times and lengths equal the
  original's.
* Selectors: --community-id, --tuple (both orientations, --from/--to), --direction,
  --packets, --flow-ids FILE and -, -o -.
* pcapng: --pcapng, --comments (flow_id, input[:member], frame number), one IDB per
  original interface when link types are mixed.
* No index (flows.index deleted, or convert --no-index): byte-identical output.
* Bad input: exit codes 1, 2, 3 with no output file (nor .part) and a message.
* The extraction manifest; determinism.
"""
import calendar
import concurrent.futures
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import tarfile
import time
import unittest

from fclib import DATA, FLOWCASE, Workdir, WorkdirCase, corpus

SAMPLES = os.path.normpath(os.path.join(DATA, "..", "..", "samples"))
TUNNELS = os.path.join(DATA, "crafted-tunnels")
TSHARK_ROOT_NOTICE = re.compile(r'^Running as user "root" and group "root"\. This could be dangerous\.$')
WORKERS = 2


# ---------------------------------------------------------------------------
# Reading captures (our own reader: exact integer nanoseconds and raw bytes)
# ---------------------------------------------------------------------------

class Packet:
    __slots__ = ("ts_ns", "orig_len", "data", "linktype", "iface", "comments")

    def __init__(self, ts_ns, orig_len, data, linktype, iface=0, comments=()):
        self.ts_ns, self.orig_len, self.data = ts_ns, orig_len, data
        self.linktype, self.iface, self.comments = linktype, iface, list(comments)

    def key(self):
        """What must be equal between an original packet and its extracted copy."""
        return (self.ts_ns, self.orig_len, self.data)

    def __repr__(self):
        return "Packet(ts=%d, len=%d, caplen=%d)" % (self.ts_ns, self.orig_len, len(self.data))


class Capture:
    def __init__(self, fmt, packets, interfaces, nano=None):
        self.format = fmt            # "pcap" or "pcapng"
        self.packets = packets
        self.interfaces = interfaces  # list of (linktype, tsresol exponent) for pcapng
        self.nano = nano              # pcap: nanosecond magic


def _pcapng_options(b, e):
    opts = []
    p = 0
    while p + 4 <= len(b):
        code, ln = struct.unpack(e + "HH", b[p:p + 4])
        if code == 0:
            break
        opts.append((code, b[p + 4:p + 4 + ln]))
        p += 4 + ln + (-ln % 4)
    return opts


def read_capture(path):
    """A pcap or pcapng file (gzip allowed) as a Capture."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:2] == b"\x1f\x8b":
        b = gzip.decompress(b)
    if b[:4] == b"\x0a\x0d\x0d\x0a":
        return _read_pcapng(b)
    for e in "<>":
        magic, = struct.unpack(e + "I", b[:4])
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            nano = magic == 0xA1B23C4D
            linktype = struct.unpack(e + "I", b[20:24])[0] & 0x0FFFFFFF
            packets, p = [], 24
            while p + 16 <= len(b):
                sec, frac, incl, orig = struct.unpack(e + "IIII", b[p:p + 16])
                data = b[p + 16:p + 16 + incl]
                if len(data) != incl:
                    raise ValueError(f"{path}: truncated record at {p}")
                packets.append(Packet(sec * 10**9 + (frac if nano else frac * 1000), orig, data,
                                      linktype))
                p += 16 + incl
            if p != len(b):
                raise ValueError(f"{path}: {len(b) - p} trailing bytes")
            return Capture("pcap", packets, [(linktype, 9 if nano else 6)], nano)
    raise ValueError(f"{path}: not pcap or pcapng")


def _read_pcapng(b):
    packets, interfaces, all_ifaces = [], [], []
    e, p = "<", 0
    while p + 12 <= len(b):
        btype = struct.unpack("<I", b[p:p + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if b[p + 8:p + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        blen = struct.unpack(e + "I", b[p + 4:p + 8])[0]
        body = b[p + 8:p + blen - 4]
        if btype == 1:
            linktype = struct.unpack(e + "H", body[:2])[0]
            res, offset = 6, 0
            for code, val in _pcapng_options(body[8:], e):
                if code == 9:
                    res = val[0]
                elif code == 14:
                    offset = struct.unpack(e + "q", val)[0]
            interfaces.append((linktype, res, offset))
            all_ifaces.append((linktype, res))
        elif btype in (6, 2):
            if btype == 6:
                iface, hi, lo, incl, orig = struct.unpack(e + "IIIII", body[:20])
            else:
                iface, _drops, hi, lo, incl, orig = struct.unpack(e + "HHIIII", body[:20])
            data = body[20:20 + incl]
            linktype, res, offset = interfaces[iface]
            units = (hi << 32) | lo
            if res & 0x80:
                ns = (units * 10**9) >> (res & 0x7F)
            elif res <= 9:
                ns = units * 10**(9 - res)
            else:
                ns = units // 10**(res - 9)
            comments = [v.decode("utf-8") for c, v in
                        _pcapng_options(body[20 + incl + (-incl % 4):], e) if c == 1]
            packets.append(Packet(ns + offset * 10**9, orig, data, linktype,
                                  len(all_ifaces) - len(interfaces) + iface, comments))
        elif btype == 3:
            raise ValueError("simple packet blocks not expected here")
        p += blen
    return Capture("pcapng", packets, all_ifaces)


# ---------------------------------------------------------------------------
# Helpers: times, tshark, flowcase
# ---------------------------------------------------------------------------

def ns_of(text):
    """'2017-09-12T09:14:00.001000000Z' -> integer epoch nanoseconds."""
    main, _, frac = text.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S")) * 10**9 + \
        int(frac.ljust(9, "0"))


def epoch_text(ns):
    return "%d.%09d" % divmod(ns, 10**9)


def warnings_of(stderr):
    """stderr lines of a Wireshark tool, without the notice about running as root."""
    return [l for l in stderr.splitlines() if l.strip() and not TSHARK_ROOT_NOTICE.match(l)]


def tshark(capture, *args):
    p = subprocess.run(["tshark", "-n", "-r", capture, *args], capture_output=True, text=True,
                       timeout=300)
    return p


def data_of(path):
    with open(path, "rb") as f:
        return f.read()


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def flowcase(*args, stdin=None):
    return subprocess.run([FLOWCASE, *args], input=stdin, capture_output=True, timeout=600)


def convert(outdir, *inputs, options=()):
    p = flowcase("convert", "-q", "-o", outdir, "--format", "jsonl", *options, *inputs)
    if p.returncode != 0:
        raise RuntimeError(f"convert {inputs} failed ({p.returncode}): {p.stderr.decode()}")
    with open(os.path.join(outdir, "flows.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def extract(case, out, *args, stdin=None):
    """Runs `flowcase extract case -q -o out args`; returns the CompletedProcess."""
    return flowcase("extract", case, "-q", "-o", out, *args, stdin=stdin)


# ICMP types that Community ID (and flowcase's flow key) pair as request/answer.
ICMP4_PAIRS = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17, 10: 9, 9: 10}
ICMP6_PAIRS = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131,
               131: 130, 144: 145, 145: 144}


def equivalent_filter(r):
    """The tshark display filter that selects a record's packets on the original.

    The 5-tuple, oriented both ways (ip.src/ip.dst with tcp/udp src/dst ports), and
    frame.time_epoch within [start, end]. Fields are taken on an explicit LAYER
    (Wireshark's field#N): ip.addr alone matches any layer, so for a tunnelled flow it
    would also match the outer header, and for a plain flow it would match the IP
    header quoted in an ICMP error. For a tunnel the record's own addresses are
    those of the innermost IP header, which is layer 1 + the number of tunnel layers
    of the same IP version; the outer layers' addresses from the record's `tunnel`
    list are required too, and the VXLAN VNI (two VXLAN tenants may carry the same
    inner 5-tuple, and they are two flows). TCP/UDP flows exclude ICMP packets (an
    ICMP error quoting a datagram carries its ports). ICMP flows: a paired type
    (echo, ND, ...) is `type` from src and the paired type from dst; any other type
    is its type and code (Community ID's ports) either way. IP fragments carry no
    ports after the first: tshark (reassembly on) matches the frame that completes
    the datagram, and its ip.fragment / ipv6.fragment fields list every fragment
    frame, which are added (see tshark_select)."""
    fam = "ipv6" if r["ip_version"] == 6 else "ip"
    layer = {"ip": 0, "ipv6": 0, 6: 0, 17: 0}
    parts = []
    for t in r["tunnel"] or []:
        tf = "ipv6" if ":" in t["src_ip"] else "ip"
        layer[tf] += 1
        k = layer[tf]
        parts.append(f"{tf}.addr#{k} == {t['src_ip']} && {tf}.addr#{k} == {t['dst_ip']}")
        if t["proto"] in (6, 17):
            layer[t["proto"]] += 1
        if t["type"] == "vxlan":
            parts.append(f"vxlan.vni == {t['id']}")
        elif t["type"] != "gre" or t["id"] is not None:
            raise ValueError(f"no equivalent filter written for tunnel {t}")
    layer[fam] += 1
    k = layer[fam]
    s, d, sp, dp = r["src_ip"], r["dst_ip"], r["src_port"], r["dst_port"]

    def ends(a, b):
        return f"{fam}.src#{k} == {a} && {fam}.dst#{k} == {b}"

    if r["proto"] in (6, 17):
        tn = "tcp" if r["proto"] == 6 else "udp"
        m = layer[r["proto"]] + 1

        def side(a, pa, b, pb):
            return f"({ends(a, b)} && {tn}.srcport#{m} == {pa} && {tn}.dstport#{m} == {pb})"
        parts.append(f"({side(s, sp, d, dp)} || {side(d, dp, s, sp)}) && !icmp && !icmpv6")
    elif r["proto"] in (1, 58):
        it = "icmp" if r["proto"] == 1 else "icmpv6"
        pairs = ICMP4_PAIRS if r["proto"] == 1 else ICMP6_PAIRS
        if pairs.get(sp) == dp:
            parts.append(f"(({ends(s, d)} && {it}.type#1 == {sp}) || "
                         f"({ends(d, s)} && {it}.type#1 == {dp}))")
        else:
            parts.append(f"(({ends(s, d)}) || ({ends(d, s)})) && {it}.type#1 == {sp} && "
                         f"{it}.code#1 == {dp}")
    else:
        raise ValueError(f"no equivalent filter for protocol {r['proto']}")
    if r["vlan"] is not None:
        parts.append(f"vlan.id == {r['vlan']}")
    parts.append(f"frame.time_epoch >= {epoch_text(ns_of(r['start']))} && "
                 f"frame.time_epoch <= {epoch_text(ns_of(r['end']))}")
    return " && ".join(f"({p})" for p in parts)


def tshark_select(capture, display_filter):
    """Frame numbers (1-based, sorted) tshark selects, plus the fragment frames of
    each datagram it matched."""
    p = tshark(capture, "-Y", display_filter, "-T", "fields", "-E", "separator=/t",
               "-e", "frame.number", "-e", "ip.fragment", "-e", "ipv6.fragment")
    if p.returncode != 0:
        raise RuntimeError(f"tshark -Y {display_filter!r} on {capture}: {p.stderr}")
    frames = set()
    for line in p.stdout.splitlines():
        for field in line.split("\t"):
            frames.update(int(x) for x in field.split(",") if x)
    return sorted(frames)


def tshark_times(capture):
    """(frame.time_epoch, frame.len, frame.cap_len) strings per frame, and stderr warnings."""
    p = tshark(capture, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len",
               "-e", "frame.cap_len")
    return ([tuple(l.split("\t")) for l in p.stdout.splitlines()], p.returncode,
            warnings_of(p.stderr))


def _parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(fn, items))


# ---------------------------------------------------------------------------
# 1. Acceptance: every flow of several cases against tshark on the originals
# ---------------------------------------------------------------------------

class Acceptance(WorkdirCase):
    """Each case: the inputs given to convert, and the original captures flowcase's
    capture streams correspond to (in stream order). Expected packets of a record:
    tshark's selection in each original, merged by time (stable: stream order)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._selected = {}   # (original, filter) -> frame numbers (shared by cases)
        cls._originals = {}  # original -> (Capture, tshark rows)

    def original(self, path):
        if path not in self._originals:
            rows, rc, warn = tshark_times(path)
            self.assertEqual((rc, warn), (0, []), path)
            cap = read_capture(path)
            self.assertEqual(len(rows), len(cap.packets), path)
            self._originals[path] = (cap, rows)
        return self._originals[path]

    def expected(self, originals, r):
        """[(Packet, tshark row, original, frame number)] of record r, in output order."""
        flt = equivalent_filter(r)
        out = []
        for s, orig in enumerate(originals):
            key = (orig, flt)
            if key not in self._selected:
                self._selected[key] = tshark_select(orig, flt)
            cap, rows = self.original(orig)
            out += [(cap.packets[n - 1].ts_ns, s, n, cap.packets[n - 1], rows[n - 1], orig)
                    for n in self._selected[key]]
        out.sort(key=lambda x: x[:3])
        return [(p, row, orig, n) for _, _, n, p, row, orig in out]

    def check_case(self, name, inputs, originals, min_flows=1, want_format=None):
        """Converts inputs, extracts every record by flow_id and compares."""
        case = self.work.sub(name)
        records = convert(case, *inputs)
        self.assertGreaterEqual(len(records), min_flows)
        for o in originals:
            self.original(o)
        outdir = self.work.sub(name + "-out")
        os.mkdir(outdir)

        def one(r):
            out = os.path.join(outdir, r["flow_id"] + ".pcap")
            p = extract(case, out, "--flow-id", r["flow_id"])
            want = self.expected(originals, r)
            rows, rc, warn = tshark_times(out) if p.returncode == 0 else ([], None, [])
            return r, out, p, want, rows, rc, warn

        results = _parallel(one, records)
        outs = []
        for r, out, p, want, rows, rc, warn in results:
            label = f"{name}: flow {r['flow_id']} {r['proto']} {r['src_ip']}:{r['src_port']} " \
                    f"-> {r['dst_ip']}:{r['dst_port']}"
            with self.subTest(flow=label):
                self.assertEqual(p.returncode, 0, p.stderr.decode())
                self.assertEqual(p.stderr, b"")
                got = read_capture(out)
                self.assertEqual(len(got.packets), r["src_packets"] + r["dst_packets"])
                self.assertEqual([x.key() for x in got.packets], [w[0].key() for w in want],
                                 "extracted packets differ from tshark's selection "
                                 f"{equivalent_filter(r)!r} (frames {[w[3] for w in want]})")
                self.assertEqual(sum(x.orig_len for x in got.packets),
                                 r["src_l2_bytes"] + r["dst_l2_bytes"])
                # tshark reads the copy without a word, with the original's times.
                self.assertEqual((rc, warn), (0, []))
                self.assertEqual(rows, [w[1] for w in want])
                # pcap when one link type; microseconds only if every source is.
                lts = {w[0].linktype for w in want}
                self.assertEqual(got.format, "pcap" if len(lts) == 1 else "pcapng")
                if want_format:
                    self.assertEqual(("pcap-ns" if got.nano else "pcap"), want_format(r))
                outs.append(out)
        # capinfos on every extracted file: exit 0, no warning.
        for i in range(0, len(outs), 50):
            p = subprocess.run(["capinfos", "-c", *outs[i:i + 50]], capture_output=True,
                               text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(warnings_of(p.stderr), [])
        return case, records

    def test_plain_pcap_many_flows(self):
        # 40 flows: IPv4/IPv6 UDP (DHCP, DNS, mDNS...), ICMP echo and errors, ICMPv6 ND/MLD.
        orig = corpus("misc/mixed-ipfixprobe.pcap")
        self.check_case("plain", [orig], [orig], min_flows=40,
                        want_format=lambda r: "pcap")

    def test_pcapng_two_interfaces(self):
        # Interface 0 has ns timestamps, interface 1 us: each flow keeps its own
        # resolution (pcap-ns for the ns one, pcap for the others), all Ethernet.
        orig = os.path.join(SAMPLES, "pcapng-multi-interface.pcapng")
        cap = read_capture(orig)
        self.assertEqual(sorted({res for _, res in cap.interfaces}), [6, 9])

        def fmt(r):
            return "pcap-ns" if r["src_ip"] == "172.17.0.2" else "pcap"
        self.check_case("ng", [orig], [orig], min_flows=3, want_format=fmt)

    def test_split_parts(self):
        # The capture cut in parts of 10 packets at test time; the directory is the
        # input. Packets must equal those of the unsplit original, also for flows
        # whose packets are in several parts.
        orig = os.path.join(SAMPLES, "wikipedia-keepalive.pcap")
        parts = self.work.sub("parts")
        os.mkdir(parts)
        subprocess.run(["editcap", "-c", "10", orig, os.path.join(parts, "wiki.pcap")],
                       check=True, capture_output=True)
        self.assertGreater(len(os.listdir(parts)), 10)
        case, records = self.check_case("split", [parts], [orig], min_flows=30)
        spanning = [r for r in records if r["first_packet"]["file"] != r["last_packet"]["file"]]
        self.assertGreater(len(spanning), 3, "flows across parts")

    def test_gzip_copy(self):
        orig = corpus("dns/dns-wiresharkrepo.pcap")
        gz = self.work.sub("dns.pcap.gz")
        with open(orig, "rb") as f, gzip.open(gz, "wb") as g:
            g.write(f.read())
        self.check_case("gz", [gz], [orig], min_flows=8)

    def test_tar_archive(self):
        # Two members: an HTTP session, and DNS over IPv4 and IPv6 whose answers are
        # IP fragments (tshark cannot select a non-first fragment by port: the
        # fragment frames come from ip.fragment/ipv6.fragment of the datagram).
        members = [os.path.join(SAMPLES, "http-investigator.pcap"),
                   corpus("encap/ipv4-fragmented-dns.pcap")]
        tar = self.work.sub("case.tar")
        with tarfile.open(tar, "w") as t:
            for m in members:
                t.add(m, arcname="caps/" + os.path.basename(m))
        case, records = self.check_case("tar", [tar], members, min_flows=20)
        self.assertTrue(any(r["src_packets"] + r["dst_packets"] > 2 and r["proto"] == 17
                            for r in records), "a flow with fragments")

    def test_tunnels(self):
        # GRE: the inner flows (TCP, UDP, ICMP echo and an ICMP error) selected on
        # ip layer 2; VXLAN: two tenants with the same inner 5-tuple, told apart by
        # vxlan.vni.
        for orig, n in ((corpus("encap/gre-sample.pcap"), 7),
                        (os.path.join(TUNNELS, "vxlan-two-tenants.pcap"), 2)):
            with self.subTest(capture=orig):
                _, records = self.check_case("tun-" + os.path.basename(orig), [orig], [orig],
                                             min_flows=n)
                self.assertTrue(all(r["tunnel"] for r in records))


# ---------------------------------------------------------------------------
# Shared conversions for the other tests
# ---------------------------------------------------------------------------

class ExtractCase(WorkdirCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wiki = os.path.join(SAMPLES, "wikipedia-keepalive.pcap")
        cls.case = cls.work.sub("wiki")
        cls.records = convert(cls.case, cls.wiki)
        cls.by_id = {r["flow_id"]: r for r in cls.records}
        cls.orig = read_capture(cls.wiki)
        cls.n = 0

    def out(self, suffix=".pcap"):
        type(self).n += 1
        return self.work.sub(f"out{self.n}{suffix}")

    def ok(self, *args, case=None, stdin=None, out=None):
        """Extracts; asserts success; returns (path, Capture)."""
        out = out or self.out()
        p = extract(case or self.case, out, *args, stdin=stdin)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return out, read_capture(out)

    def tcp_flows(self, least=6):
        return [r for r in self.records if r["proto"] == 6
                and r["src_packets"] + r["dst_packets"] >= least]


# ---------------------------------------------------------------------------
# 2. Selectors
# ---------------------------------------------------------------------------

class Selectors(ExtractCase):

    def test_community_id_equals_its_flow_ids(self):
        # The two VXLAN tenants share one inner 5-tuple, hence one Community ID.
        case = self.work.sub("vxlan")
        recs = convert(case, os.path.join(TUNNELS, "vxlan-two-tenants.pcap"))
        cid = recs[0]["community_id"]
        same = [r["flow_id"] for r in recs if r["community_id"] == cid]
        self.assertEqual(len(same), 2)
        a, ca = self.ok("--community-id", cid, case=case)
        b, cb = self.ok("--flow-id", same[0], "--flow-id", same[1], case=case)
        self.assertEqual(len(ca.packets), sum(r["src_packets"] + r["dst_packets"] for r in recs))
        self.assertEqual(data_of(a), data_of(b))
        # and on the plain case, each Community ID gives its flows.
        for r in self.tcp_flows()[:3]:
            a, _ = self.ok("--community-id", r["community_id"])
            b, _ = self.ok("--flow-id", r["flow_id"])
            self.assertEqual(data_of(a), data_of(b))

    def test_tuple_both_orientations_and_window(self):
        r = self.tcp_flows()[0]
        ref, _ = self.ok("--flow-id", r["flow_id"])
        fwd = f"tcp,{r['src_ip']},{r['src_port']},{r['dst_ip']},{r['dst_port']}"
        rev = f"TCP,{r['dst_ip']},{r['dst_port']},{r['src_ip']},{r['src_port']}"
        for sel in (fwd, rev):
            out, _ = self.ok("--tuple", sel)
            self.assertEqual(data_of(out), data_of(ref), sel)
        start, end = ns_of(r["start"]), ns_of(r["end"])
        # A window overlapping the flow (RFC 3339 and epoch seconds) selects it ...
        for frm, to in ((r["start"], r["start"]), (epoch_text(end), epoch_text(end + 10**9)),
                        (epoch_text(start - 10**9), epoch_text(start))):
            out, _ = self.ok("--tuple", fwd, "--from", frm, "--to", to)
            self.assertEqual(data_of(out), data_of(ref), (frm, to))
        # ... one before or after it selects nothing: exit 2, no file.
        for frm, to in ((epoch_text(start - 10**9), epoch_text(start - 1)),
                        (epoch_text(end + 1), epoch_text(end + 10**9))):
            out = self.out()
            p = extract(self.case, out, "--tuple", fwd, "--from", frm, "--to", to)
            self.assertEqual(p.returncode, 2, (frm, to))
            self.assertIn(b"no flow matches", p.stderr)
            self.assertFalse(os.path.exists(out))
        # A tuple with the wrong protocol matches nothing.
        p = extract(self.case, self.out(), "--tuple", "udp" + fwd[3:])
        self.assertEqual(p.returncode, 2)

    def test_direction(self):
        for r in self.tcp_flows():
            _, both = self.ok("--flow-id", r["flow_id"])
            _, src = self.ok("--flow-id", r["flow_id"], "--direction", "src")
            _, dst = self.ok("--flow-id", r["flow_id"], "--direction", "dst")
            self.assertEqual(len(src.packets), r["src_packets"])
            self.assertEqual(len(dst.packets), r["dst_packets"])
            # src = the packets whose IPv4 source is the record's src_ip (Ethernet).
            sip = bytes(int(x) for x in r["src_ip"].split("."))
            self.assertTrue(all(p.data[26:30] == sip for p in src.packets))
            self.assertTrue(all(p.data[26:30] != sip for p in dst.packets))
            merged = sorted(src.packets + dst.packets, key=lambda p: p.ts_ns)
            self.assertEqual([p.key() for p in merged], [p.key() for p in both.packets])

    def test_packets_range(self):
        r = self.tcp_flows(least=6)[0]
        _, full = self.ok("--flow-id", r["flow_id"])
        keys = [p.key() for p in full.packets]
        _, c = self.ok("--flow-id", r["flow_id"], "--packets", "2-3")
        self.assertEqual([p.key() for p in c.packets], keys[1:3])
        _, c = self.ok("--flow-id", r["flow_id"], "--packets", "3-")
        self.assertEqual([p.key() for p in c.packets], keys[2:])
        _, c = self.ok("--flow-id", r["flow_id"], "--packets", "4")
        self.assertEqual([p.key() for p in c.packets], keys[3:4])
        # After the direction filter: the 2nd packet the responder sent.
        _, dst = self.ok("--flow-id", r["flow_id"], "--direction", "dst")
        _, c = self.ok("--flow-id", r["flow_id"], "--direction", "dst", "--packets", "2-2")
        self.assertEqual([p.key() for p in c.packets], [dst.packets[1].key()])
        # Beyond the end of the flow: an empty range of a selected flow.
        for bad in ("0-2", "3-2", "x", "2-x", ""):
            p = extract(self.case, self.out(), "--flow-id", r["flow_id"], "--packets", bad)
            self.assertEqual(p.returncode, 2, bad)

    def test_flow_ids_stdin_and_file(self):
        ids = [r["flow_id"] for r in self.tcp_flows()[:3]]
        ref, _ = self.ok(*[a for i in ids for a in ("--flow-id", i)])
        # jq -r .flow_id style input, with a blank line and a comment.
        text = "\n".join(ids[:2]) + "\n\n# the third\n  " + ids[2] + "\n"
        out, _ = self.ok("--flow-ids", "-", stdin=text.encode())
        self.assertEqual(data_of(out), data_of(ref))
        path = self.work.sub("ids.txt")
        with open(path, "w") as f:
            f.write(text)
        out, _ = self.ok("--flow-ids", path)
        self.assertEqual(data_of(out), data_of(ref))
        # Through a real shell pipe, as in `jq -r .flow_id flows.jsonl | flowcase extract`.
        out = self.out()
        p = subprocess.run(f"printf '%s\\n' {' '.join(ids)} | '{FLOWCASE}' extract "
                           f"'{self.case}' -q --flow-ids - -o '{out}'", shell=True,
                           capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(data_of(out), data_of(ref))

    def test_stdout(self):
        r = self.tcp_flows()[0]
        ref, _ = self.ok("--flow-id", r["flow_id"])
        p = flowcase("extract", self.case, "-q", "--flow-id", r["flow_id"], "-o", "-")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, data_of(ref))


# ---------------------------------------------------------------------------
# 3. pcapng output
# ---------------------------------------------------------------------------

class PcapngOutput(ExtractCase):

    def test_forced_pcapng_same_packets(self):
        r = self.tcp_flows()[0]
        _, pcap = self.ok("--flow-id", r["flow_id"])
        out, ng = self.ok("--flow-id", r["flow_id"], "--pcapng")
        self.assertEqual(ng.format, "pcapng")
        self.assertEqual([p.key() for p in ng.packets], [p.key() for p in pcap.packets])
        self.assertEqual([p.comments for p in ng.packets], [[]] * len(ng.packets))
        self.assertEqual(len(ng.interfaces), 1)
        p = tshark(out, "-c", "1")
        self.assertEqual((p.returncode, warnings_of(p.stderr)), (0, []))

    def test_comments_name_flow_input_and_frame(self):
        flows = self.tcp_flows()[:2]
        args = [a for r in flows for a in ("--flow-id", r["flow_id"])]
        out, ng = self.ok("--comments", *args)
        self.assertEqual(ng.format, "pcapng")
        self.assertEqual(len(ng.packets), sum(r["src_packets"] + r["dst_packets"] for r in flows))
        # Each comment: 'flow_id <id>; <input path>; packet <n>', n the frame number of
        # that very packet in the original (compared by bytes and time).
        where = {p.key(): n for n, p in enumerate(self.orig.packets, 1)}
        comment = re.compile(r"^flow_id ([0-9a-f]{24}); (.*); packet (\d+)$")
        for pkt in ng.packets:
            self.assertEqual(len(pkt.comments), 1)
            m = comment.match(pkt.comments[0])
            self.assertTrue(m, pkt.comments[0])
            self.assertIn(m.group(1), [r["flow_id"] for r in flows])
            self.assertEqual(m.group(2), self.wiki)
            self.assertEqual(int(m.group(3)), where[pkt.key()])
        # tshark shows the same comments.
        p = tshark(out, "-T", "fields", "-e", "frame.comment")
        self.assertEqual((p.returncode, warnings_of(p.stderr)), (0, []))
        self.assertEqual(p.stdout.splitlines(), [pk.comments[0] for pk in ng.packets])

    def test_comments_name_archive_member(self):
        tar = self.work.sub("one.tar")
        with tarfile.open(tar, "w") as t:
            t.add(os.path.join(SAMPLES, "http-investigator.pcap"), arcname="in/http.pcap")
        case = self.work.sub("tarcase")
        recs = convert(case, tar)
        _, ng = self.ok("--comments", "--flow-id", recs[0]["flow_id"], case=case)
        self.assertEqual([p.comments for p in ng.packets],
                         [[f"flow_id {recs[0]['flow_id']}; {tar}:in/http.pcap; packet {n}"]
                          for n in range(1, 12)])

    def test_mixed_link_types_one_idb_per_interface(self):
        # No corpus capture mixes link types in one file: merge an Ethernet pcap and a
        # Linux cooked (SLL) pcap into one pcapng at test time.
        eth = os.path.join(SAMPLES, "http-investigator.pcap")
        sll = os.path.join(SAMPLES, "sll-irc-starttls.pcap")
        merged = self.work.sub("mixed.pcapng")
        subprocess.run(["mergecap", "-F", "pcapng", "-w", merged, eth, sll], check=True,
                       capture_output=True)
        src = read_capture(merged)
        self.assertEqual(sorted(lt for lt, _ in src.interfaces), [1, 113])
        case = self.work.sub("mixed")
        recs = convert(case, merged)
        by_lt = {}
        for r in recs:
            n = r["first_packet"]["number"]
            by_lt.setdefault(src.packets[n - 1].linktype, r)
        self.assertEqual(sorted(by_lt), [1, 113])
        both = [by_lt[1], by_lt[113]]
        out, ng = self.ok(*[a for r in both for a in ("--flow-id", r["flow_id"])], case=case)
        self.assertEqual(ng.format, "pcapng")
        self.assertEqual(sorted(lt for lt, _ in ng.interfaces), [1, 113])
        self.assertEqual(len(ng.packets), sum(r["src_packets"] + r["dst_packets"] for r in both))
        self.assertEqual(sorted(p.key() for p in ng.packets),
                         sorted(p.key() for p in src.packets
                                if p.key() in {q.key() for q in ng.packets}))
        # each packet keeps its link type; packets in time order
        orig_lt = {p.key(): p.linktype for p in src.packets}
        self.assertTrue(all(orig_lt[p.key()] == p.linktype for p in ng.packets))
        self.assertEqual([p.ts_ns for p in ng.packets], sorted(p.ts_ns for p in ng.packets))
        p = subprocess.run(["capinfos", out], capture_output=True, text=True)
        self.assertEqual((p.returncode, warnings_of(p.stderr)), (0, []))
        self.assertRegex(p.stdout, r"Number of interfaces in file: 2")
        self.assertIn("Ethernet", p.stdout)
        self.assertIn("Linux cooked", p.stdout)
        # One flow alone: one link type, a pcap.
        _, one = self.ok("--flow-id", by_lt[113]["flow_id"], case=case)
        self.assertEqual((one.format, one.interfaces[0][0]), ("pcap", 113))


# ---------------------------------------------------------------------------
# 4. Without the index
# ---------------------------------------------------------------------------

class NoIndex(WorkdirCase):

    def compare(self, name, inputs):
        with_idx = self.work.sub(name + "-idx")
        recs = convert(with_idx, *inputs)
        no_idx = self.work.sub(name + "-noidx")
        convert(no_idx, *inputs, options=("--no-index",))
        self.assertFalse(os.path.exists(os.path.join(no_idx, "flows.index")))
        deleted = self.work.sub(name + "-deleted")
        convert(deleted, *inputs)
        os.remove(os.path.join(deleted, "flows.index"))
        recs = sorted(recs, key=lambda r: -(r["src_packets"] + r["dst_packets"]))
        r0 = recs[0]
        selections = [
            ["--flow-id", r0["flow_id"]],
            [a for r in recs[:5] for a in ("--flow-id", r["flow_id"])],
            ["--community-id", r0["community_id"]],
            ["--tuple", f"{r0['proto']},{r0['dst_ip']},{r0['dst_port']},{r0['src_ip']},"
                        f"{r0['src_port']}"],
            ["--flow-id", r0["flow_id"], "--direction", "dst", "--packets", "2-"],
            ["--flow-id", r0["flow_id"], "--comments"],
        ]
        for sel in selections:
            outs = []
            for case in (with_idx, no_idx, deleted):
                out = self.work.sub(f"{name}-{len(os.listdir(self.work.path))}.pcap")
                p = extract(case, out, *sel)
                self.assertEqual(p.returncode, 0, (sel, case, p.stderr))
                with open(out + ".manifest.json") as f:
                    method = json.load(f)["flows_found_by"]["method"]
                self.assertEqual(method, "flows.index" if case == with_idx
                                 else "full scan of the inputs")
                outs.append(data_of(out))
            with self.subTest(name=name, selection=sel):
                self.assertGreater(len(outs[0]), 24)
                self.assertEqual(outs[1], outs[0])
                self.assertEqual(outs[2], outs[0])
        # Unknown flow_id in scan mode: 2 as well.
        p = extract(no_idx, self.work.sub("x.pcap"), "--flow-id", "0" * 24)
        self.assertEqual(p.returncode, 2)

    def test_plain(self):
        self.compare("plain", [os.path.join(SAMPLES, "wikipedia-keepalive.pcap")])

    def test_split_gzip_and_multi_interface(self):
        parts = self.work.sub("parts")
        os.mkdir(parts)
        subprocess.run(["editcap", "-c", "25", os.path.join(SAMPLES, "wikipedia-keepalive.pcap"),
                        os.path.join(parts, "w.pcap")], check=True, capture_output=True)
        gz = self.work.sub("dns.pcap.gz")
        with open(corpus("dns/dns-wiresharkrepo.pcap"), "rb") as f, gzip.open(gz, "wb") as g:
            g.write(f.read())
        self.compare("many", [parts, gz, os.path.join(SAMPLES, "pcapng-multi-interface.pcapng")])

    def test_fragments_and_tunnels(self):
        self.compare("frag", [corpus("encap/ipv4-fragmented-dns.pcap"),
                              corpus("encap/gre-sample.pcap")])


# ---------------------------------------------------------------------------
# 5. Bad input: exit status, no output, a message
# ---------------------------------------------------------------------------

class BadInput(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.work = Workdir()
        self.input = self.work.sub("wiki.pcap")
        shutil.copy2(os.path.join(SAMPLES, "wikipedia-keepalive.pcap"), self.input)
        self.case = self.work.sub("case")
        self.records = convert(self.case, self.input)
        self.flow = max(self.records, key=lambda r: r["src_packets"] + r["dst_packets"])
        self.outdir = self.work.sub("out")
        os.mkdir(self.outdir)
        self.output = os.path.join(self.outdir, "x.pcap")

    def tearDown(self):
        self.work.cleanup()

    def fails(self, status, message, *args, case=None, output=None):
        output = output or self.output
        p = flowcase("extract", case or self.case, "-o", output, *args)
        stderr = p.stderr.decode()
        self.assertEqual(p.returncode, status, stderr)
        self.assertRegex(stderr, message)
        self.assertEqual(os.listdir(self.outdir), [], "nothing written, not even a .part")
        return stderr

    def test_packet_range_past_the_flow(self):
        n = self.flow["src_packets"] + self.flow["dst_packets"]
        self.fails(2, "leave no packet", "--flow-id", self.flow["flow_id"],
                   "--packets", "%d-" % (n + 1))

    def test_unknown_flow_id(self):
        self.fails(2, "no flow with flow_id 0123456789abcdef01234567",
                   "--flow-id", self.flow["flow_id"], "--flow-id", "0123456789abcdef01234567")

    def test_malformed_flow_id(self):
        for bad in ("xyz", self.flow["flow_id"][:-1], self.flow["flow_id"] + "0",
                    "g" * 24):
            self.fails(2, "not a flow_id", "--flow-id", bad)
        p = flowcase("extract", self.case, "-o", self.output, "--flow-ids", "-",
                     stdin=(self.flow["flow_id"] + "\nnope\n").encode())
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"stdin, line 2", p.stderr)
        self.assertEqual(os.listdir(self.outdir), [])

    def test_bad_command_lines(self):
        fid = self.flow["flow_id"]
        for args in (["--flow-id", fid, "--direction", "up"],
                     ["--flow-id", fid, "--community-id", self.flow["community_id"]],
                     ["--tuple", "tcp,1.2.3.4,1,::1,2"],
                     ["--tuple", "tcp,1.2.3.4,1,5.6.7.8"],
                     ["--tuple", "tcp,1.2.3.4,70000,5.6.7.8,1"],
                     ["--community-id", self.flow["community_id"], "--from", "yesterday"],
                     ["--community-id", "1:nosuchid="],
                     []):
            with self.subTest(args=args):
                self.fails(2, "flowcase extract", *args)

    def test_input_mtime_changed(self):
        os.utime(self.input, (1, 1))   # touch -d 1970-01-01T00:00:01
        self.fails(3, r"wiki\.pcap: modified", "--flow-id", self.flow["flow_id"])

    def test_same_size_other_bytes(self):
        # Default check = size + modification time: bytes changed in place with the
        # mtime restored (touch -r) pass it, and the changed packet is extracted as it
        # now is. --verify (full SHA-256) catches it: exit 3, nothing written.
        st = os.stat(self.input)
        cap = read_capture(self.input)
        first = self.flow["first_packet"]["number"]
        offset = 24 + sum(16 + len(p.data) for p in cap.packets[:first - 1]) + 16 + 60
        with open(self.input, "r+b") as f:
            f.seek(offset)
            old = f.read(1)
            f.seek(offset)
            f.write(bytes([old[0] ^ 0xFF]))
        os.utime(self.input, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.assertEqual(os.path.getsize(self.input), st.st_size)
        p = flowcase("extract", self.case, "-q", "-o", self.output, "--flow-id",
                     self.flow["flow_id"])
        self.assertEqual(p.returncode, 0, p.stderr)
        got = read_capture(self.output)
        self.assertEqual(got.packets[0].data[60], old[0] ^ 0xFF)
        for f in os.listdir(self.outdir):
            os.remove(os.path.join(self.outdir, f))
        self.fails(3, "sha256|SHA-256|changed", "--verify", "--flow-id", self.flow["flow_id"])

    def test_damaged_record_same_size_and_mtime(self):
        # A wanted packet's record header made impossible (caplen 0x7fffffff) in place,
        # mtime restored: the size+mtime check passes, reading the packet fails ->
        # exit 3 and nothing written (the packets read before it are not kept).
        st = os.stat(self.input)
        cap = read_capture(self.input)
        n = self.flow["last_packet"]["number"]
        offset = 24 + sum(16 + len(p.data) for p in cap.packets[:n - 1])
        with open(self.input, "r+b") as f:
            f.seek(offset + 8)
            f.write(struct.pack("<I", 0x7FFFFFFF))
        os.utime(self.input, ns=(st.st_atime_ns, st.st_mtime_ns))
        # the message names the packet by its frame number and byte offset
        self.fails(3, r"wiki\.pcap.*packet %d at byte offset %d" % (n, offset),
                   "--flow-id", self.flow["flow_id"])

    def test_failure_to_stdout_writes_nothing(self):
        os.remove(self.input)
        p = flowcase("extract", self.case, "-o", "-", "--flow-id", self.flow["flow_id"])
        self.assertEqual((p.returncode, p.stdout), (3, b""))
        p = flowcase("extract", self.case, "-o", "-", "--flow-id", "0" * 24)
        self.assertEqual((p.returncode, p.stdout), (2, b""))

    def test_output_is_a_directory(self):
        target = os.path.join(self.outdir, "d")
        os.mkdir(target)
        p = flowcase("extract", self.case, "-o", target, "--flow-id", self.flow["flow_id"])
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(b"cannot write", p.stderr)
        self.assertEqual((os.listdir(self.outdir), os.listdir(target)), (["d"], []))

    def test_input_deleted(self):
        os.remove(self.input)
        self.fails(3, r"wiki\.pcap", "--flow-id", self.flow["flow_id"])
        # also without the index (full scan)
        os.remove(os.path.join(self.case, "flows.index"))
        self.fails(3, r"wiki\.pcap", "--flow-id", self.flow["flow_id"])

    def test_index_truncated(self):
        idx = os.path.join(self.case, "flows.index")
        size = os.path.getsize(idx)
        for keep in (size - 1, size // 2, 10, 0):
            with self.subTest(keep=keep):
                with open(idx, "r+b") as f:
                    f.truncate(keep)
                self.fails(3, "index", "--flow-id", self.flow["flow_id"])

    def test_index_of_another_conversion(self):
        other = self.work.sub("other")
        convert(other, corpus("misc/mixed-ipfixprobe.pcap"))
        shutil.copy(os.path.join(other, "flows.index"), os.path.join(self.case, "flows.index"))
        self.fails(3, "index", "--flow-id", self.flow["flow_id"])
        # Same capture converted again: same size index, but another conversion's.
        again = self.work.sub("again")
        convert(again, self.input, options=("--idle-timeout", "1s"))
        shutil.copy(os.path.join(again, "flows.index"), os.path.join(self.case, "flows.index"))
        self.fails(3, "index", "--verify", "--flow-id", self.flow["flow_id"])

    def test_manifest_missing(self):
        os.remove(os.path.join(self.case, "manifest.json"))
        self.fails(2, "manifest", "--flow-id", self.flow["flow_id"])

    def test_output_not_writable(self):
        # Tests may run as root, which permissions do not stop: a missing directory
        # and a path through a regular file.
        self.fails(1, "nosuchdir", "--flow-id", self.flow["flow_id"],
                   output=os.path.join(self.outdir, "nosuchdir", "x.pcap"))
        p = flowcase("extract", self.case, "-o", os.path.join(self.input, "x.pcap"),
                     "--flow-id", self.flow["flow_id"])
        self.assertEqual(p.returncode, 1, p.stderr)
        if os.geteuid() != 0:
            ro = self.work.sub("ro")
            os.mkdir(ro, 0o555)
            p = flowcase("extract", self.case, "-o", os.path.join(ro, "x.pcap"),
                         "--flow-id", self.flow["flow_id"])
            self.assertEqual((p.returncode, os.listdir(ro)), (1, []))


# ---------------------------------------------------------------------------
# Regressions the sanitizer build found (both fixed); they run in both builds
# ---------------------------------------------------------------------------

class SanitizerRegressions(unittest.TestCase):
    """Two bugs that only ASan/UBSan showed, named precisely: the broad tests
    above also catch them, but only in build-sanitize."""

    def setUp(self):
        self.work = Workdir()

    def tearDown(self):
        self.work.cleanup()

    def test_convert_pcapng_does_not_leak(self):
        """The start-time probe of a pcapng file noted its section and interface
        blocks in a scratch capture info and never freed them (LeakSanitizer)."""
        p = flowcase("convert", "-q", "-o", self.work.sub("c"),
                     os.path.join(SAMPLES, "pcapng-multi-interface.pcapng"))
        self.assertEqual((p.returncode, p.stderr), (0, b""))

    def test_scan_of_a_pcap_without_index(self):
        """The full scan copied a pcap stream's (absent) pcapng contexts with
        memcpy from NULL (UBSan)."""
        case = self.work.sub("c")
        recs = convert(case, os.path.join(SAMPLES, "http-investigator.pcap"))
        os.remove(os.path.join(case, "flows.index"))
        p = extract(case, self.work.sub("x.pcap"), "--flow-id", recs[0]["flow_id"])
        self.assertEqual((p.returncode, p.stderr), (0, b""))


# ---------------------------------------------------------------------------
# 6. The extraction manifest; 7. determinism
# ---------------------------------------------------------------------------

class ManifestAndDeterminism(ExtractCase):

    def test_manifest(self):
        flows = self.tcp_flows()[:2]
        ids = [r["flow_id"] for r in flows]
        total = sum(r["src_packets"] + r["dst_packets"] for r in flows)
        for verify, check in ((False, "size+mtime"), (True, "sha256")):
            out, cap = self.ok(*(["--verify"] if verify else []), "--flow-id", ids[0],
                               "--flow-id", ids[1])
            with open(out + ".manifest.json", encoding="utf-8") as f:
                m = json.load(f)
            self.assertEqual(sorted(f["flow_id"] for f in m["flows"]), sorted(ids))
            for f in m["flows"]:
                r = self.by_id[f["flow_id"]]
                self.assertEqual(f["packets"], r["src_packets"] + r["dst_packets"])
                self.assertEqual(f["selected"], f["packets"])
            self.assertEqual(len(m["inputs"]), 1)
            i = m["inputs"][0]
            self.assertEqual(i["check"], check)
            self.assertEqual(os.path.realpath(i["path"]), os.path.realpath(self.wiki))
            self.assertEqual(i["size"], os.path.getsize(self.wiki))
            self.assertEqual(i["sha256"], sha256_file(self.wiki))
            o = m["output"]
            self.assertEqual(o["packets"], total)
            self.assertEqual(len(cap.packets), total)
            self.assertEqual(o["format"], "pcap")
            self.assertEqual(o["size"], os.path.getsize(out))
            self.assertEqual(o["sha256"], sha256_file(out))
            self.assertEqual(m["flows_found_by"]["method"], "flows.index")
            self.assertEqual(m["flows_found_by"]["index_check"], "sha256" if verify else "size")
        # --manifest FILE; selected < packets with --packets
        man = self.work.sub("elsewhere.json")
        out, cap = self.ok("--flow-id", ids[0], "--packets", "1-2", "--manifest", man)
        self.assertFalse(os.path.exists(out + ".manifest.json"))
        with open(man, encoding="utf-8") as f:
            m = json.load(f)
        self.assertEqual([(f["packets"], f["selected"]) for f in m["flows"]],
                         [(flows[0]["src_packets"] + flows[0]["dst_packets"], 2)])
        self.assertEqual((m["output"]["packets"], m["output"]["sha256"]), (2, sha256_file(out)))

    def test_parts_given_out_of_order(self):
        # Parts named on the command line last-first: a flow across parts still comes
        # out as in the unsplit original (stream order, merged by time).
        parts = self.work.sub("rparts")
        os.mkdir(parts)
        subprocess.run(["editcap", "-c", "50", self.wiki, os.path.join(parts, "w.pcap")],
                       check=True, capture_output=True)
        names = sorted(os.listdir(parts), reverse=True)
        case = self.work.sub("rcase")
        recs = convert(case, *[os.path.join(parts, n) for n in names])
        spanning = [r for r in recs if r["first_packet"]["file"] != r["last_packet"]["file"]]
        self.assertGreater(len(spanning), 3)
        for r in spanning:
            ref = [r2 for r2 in self.records if r2["community_id"] == r["community_id"]]
            self.assertEqual(len(ref), 1)
            _, a = self.ok("--flow-id", r["flow_id"], case=case)
            _, b = self.ok("--flow-id", ref[0]["flow_id"])
            self.assertEqual([p.key() for p in a.packets], [p.key() for p in b.packets])

    def test_tunnel_and_outer_flow_share_packets(self):
        # --tunnel-flows: the GRE outer flow holds every frame; selecting it with an
        # inner flow writes each frame once.
        case = self.work.sub("gre")
        gre = corpus("encap/gre-sample.pcap")
        recs = convert(case, gre, options=("--tunnel-flows",))
        outer = [r for r in recs if r["proto"] == 47]
        inner = [r for r in recs if r["tunnel"]]
        self.assertEqual(len(outer), 1)
        _, both = self.ok("--flow-id", outer[0]["flow_id"], "--flow-id", inner[0]["flow_id"],
                          case=case)
        self.assertEqual([p.key() for p in both.packets],
                         [p.key() for p in read_capture(gre).packets])
        with open(self.work.sub(f"out{self.n}.pcap.manifest.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["output"]["packets"], len(both.packets))

    def test_determinism_and_argument_order(self):
        ids = [r["flow_id"] for r in self.records[:8]]
        a, _ = self.ok(*[x for i in ids for x in ("--flow-id", i)])
        b, _ = self.ok(*[x for i in ids for x in ("--flow-id", i)])
        c, _ = self.ok(*[x for i in reversed(ids) for x in ("--flow-id", i)])
        d, cap = self.ok(*[x for i in ids[::2] + ids[1::2] for x in ("--flow-id", i)])
        data = data_of(a)
        for other in (b, c, d):
            self.assertEqual(data_of(other), data)
        # time order; and a flow named twice is written once
        self.assertEqual([p.ts_ns for p in cap.packets], sorted(p.ts_ns for p in cap.packets))
        e, _ = self.ok("--flow-id", ids[0], "--flow-id", ids[0])
        f, _ = self.ok("--flow-id", ids[0])
        self.assertEqual(data_of(e), data_of(f))


if __name__ == "__main__":
    unittest.main()
