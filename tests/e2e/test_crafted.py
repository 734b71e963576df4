"""Every crafted capture (tests/data/crafted) against the facts its generator states.

The expected records come from tests/tools/craft_captures.py --manifest (the same
facts as the README tables, computed by the script from the packets it writes): per
flow the protocol, the oriented endpoints (initiator as src; for ICMP the Community
ID type mapping as ports), VLAN ids, per-direction packets, IP bytes and wire bytes,
first/last times, seq, initiator rule, end reason, Community ID and, for TCP, the
handshake options, RTTs, retransmissions, out-of-order segments and zero windows.
Each capture is converted on its own with the default options; one test per file.
"""
import os
import sys
import unittest

from fclib import (TOOLS, Workdir, canon_ip, convert, crafted, crafted_manifest,
                   rfc3339_ns)

MANIFEST = crafted_manifest()

TCP_FACTS = ("syn_size", "init_window", "mss", "wscale", "sack_ok", "retransmits",
             "out_of_order", "zero_windows")


def vlan_pair(ids):
    """(vlan, inner_vlan) as a record shows them: the two outermost tags."""
    return (ids[0] if ids else None, ids[1] if len(ids) > 1 else None)


def expected_key(f, ignore=()):
    """Orientation-free identity of an expected flow record."""
    ends = frozenset([(canon_ip(f["src"]), f["key_ports"][0]),
                      (canon_ip(f["dst"]), f["key_ports"][1])])
    return (None if "proto" in ignore else f["proto"], ends, vlan_pair(f["vlan_ids"]),
            rfc3339_ns(f["first"]))


def record_key(r, ignore=()):
    ends = frozenset([(canon_ip(r["src_ip"]), r["src_port"]),
                      (canon_ip(r["dst_ip"]), r["dst_port"])])
    return (None if "proto" in ignore else r["proto"], ends, (r["vlan"], r["inner_vlan"]),
            r["start"])


class CraftedBase(unittest.TestCase):
    maxDiff = None
    runs = {}

    @classmethod
    def setUpClass(cls):
        cls.work = Workdir()
        cls.runs = {}

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def run_capture(self, name, *options):
        key = (name, options)
        if key not in self.runs:
            out = self.work.sub("%s-%d" % (name, len(self.runs)))
            self.runs[key] = convert(crafted(name), out, *options)
        return self.runs[key]

    def check_capture(self, name, ignore=()):
        """Converts `name` and compares every record with the manifest's.
        `ignore` names record fields left out of the comparison."""
        entry = MANIFEST[name]
        run = self.run_capture(name)
        damaged = entry["damage"] is not None
        self.assertEqual(run.rc, 3 if damaged else 0,
                         "exit status of %s; stderr: %s" % (name, run.stderr))
        if not damaged:
            self.assertEqual(run.stderr, "", name)
        self.assertIsNotNone(run.stats, "stats.json missing for " + name)
        expected = entry["flows"]
        self.assertEqual(len(run.records), len(expected),
                         "number of flow records of %s: %s" % (
                             name, [(r["proto"], r["src_ip"], r["src_port"], r["dst_ip"],
                                     r["dst_port"], r["start"]) for r in run.records]))
        by_key = {}
        for r in run.records:
            by_key.setdefault(record_key(r, ignore), []).append(r)
        for i, f in enumerate(expected):
            label = "%s flow %d (%s)" % (name, i + 1, f["label"])
            cands = by_key.get(expected_key(f, ignore), [])
            self.assertEqual(len(cands), 1, "%s: no single record with endpoints %s:%s / %s:%s, "
                             "VLANs %s, start %s; records: %s" % (
                                 label, f["src"], f["key_ports"][0], f["dst"], f["key_ports"][1],
                                 f["vlan_ids"], rfc3339_ns(f["first"]),
                                 [record_key(r, ignore) for r in run.records]))
            self.check_record(label, f, cands[0], ignore)
        # Packet totals: every packet read counts once, in one flow or as not attributed.
        pkts = entry["packets"]
        read = entry["damage"]["packets_read"] if damaged else len(pkts)
        self.assertEqual(run.counter("packets.read"), read, name)
        in_flows = sum(f["pkts_fwd"] + f["pkts_rev"] for f in expected)
        self.assertEqual(run.counter("packets.ip"), in_flows, name)
        if not damaged and pkts:
            info = run.inputs()[0]
            self.assertEqual(info["packets"], len(pkts), name)
            self.assertEqual(info["first_packet_time"], rfc3339_ns(min(p["ts"] for p in pkts)))
            self.assertEqual(info["last_packet_time"], rfc3339_ns(max(p["ts"] for p in pkts)))
        return run

    def check_record(self, label, f, r, ignore=()):
        want = {
            "ip_version": 6 if ":" in f["src"] else 4,
            "proto": f["proto"],
            "src_ip": canon_ip(f["src"]),
            "src_port": f["key_ports"][0],
            "dst_ip": canon_ip(f["dst"]),
            "dst_port": f["key_ports"][1],
            "vlan": vlan_pair(f["vlan_ids"])[0],
            "inner_vlan": vlan_pair(f["vlan_ids"])[1],
            "src_packets": f["pkts_fwd"],
            "dst_packets": f["pkts_rev"],
            "src_bytes": f["bytes_fwd"],
            "dst_bytes": f["bytes_rev"],
            "src_l2_bytes": f["l2_fwd"],
            "dst_l2_bytes": f["l2_rev"],
            "start": rfc3339_ns(f["first"]),
            "end": rfc3339_ns(f["last"]),
            "seq": f["seq"],
            "end_reason": f["end_reason"],
            "community_id": f["community_id"],
        }
        if f["initiator"] is not None:
            want["initiator"] = f["initiator"]
        got = {k: canon_ip(r[k]) if k in ("src_ip", "dst_ip") else r[k] for k in want}
        for k in ignore:
            want.pop(k, None)
            got.pop(k, None)
        self.assertEqual(got, want, label)
        self.assertAlmostEqual(r["duration"], (f["last"] - f["first"]) / 1e9, delta=1e-9,
                               msg=label + ": duration")
        if f["proto"] != 6:
            self.assertIsNone(r.get("tcp"), label + ": a non-TCP record has no TCP facts")
            return
        self.assertIsInstance(r.get("tcp"), dict, label)
        t = f["tcp"]
        if t is None:                      # malformed TCP header: no TCP facts expected
            return
        tcp = r["tcp"]
        want_tcp = {"%s_%s" % (side, k): t["%s_%s" % (side, k)]
                    for side in ("src", "dst") for k in TCP_FACTS}
        got_tcp = {k: tcp[k] for k in want_tcp}
        self.assertEqual(got_tcp, want_tcp, label + ": TCP facts")
        for name in ("rtt_server", "rtt_client"):
            ns = t[name + "_ns"]
            if ns is None:
                self.assertIsNone(tcp[name], "%s: %s" % (label, name))
            else:
                self.assertIsNotNone(tcp[name], "%s: %s" % (label, name))
                self.assertAlmostEqual(tcp[name], ns / 1e9, delta=1e-9,
                                       msg="%s: %s" % (label, name))


class CraftedCaptures(CraftedBase):
    """One test per crafted capture (generated below), plus regressions."""

    def test_every_crafted_file_has_expectations(self):
        files = sorted(n for n in os.listdir(os.path.dirname(crafted("x")))
                       if n.endswith((".pcap", ".pcapng")))
        self.assertEqual(files, sorted(MANIFEST))

    def test_d05_mobility_header_names_the_protocol(self):
        # Regression (found by this suite, fixed in 3ec0c7a): IPv6 next header 135
        # (Mobility Header) with payload proto 59 was reported as proto 59 with the
        # Community ID of protocol 59; the flow's protocol is 135.
        run = self.run_capture("d05_ipv6_mobility.pcap")
        f = MANIFEST["d05_ipv6_mobility.pcap"]["flows"][0]
        self.assertEqual([(r["proto"], r["community_id"]) for r in run.records],
                         [(135, f["community_id"])])


def _make_test(name):
    def test(self):
        self.check_capture(name)
    test.__doc__ = "crafted/%s: flow records as the generator states them" % name
    return test


for _name in sorted(MANIFEST):
    setattr(CraftedCaptures, "test_" + os.path.splitext(_name)[0], _make_test(_name))


class CraftedVlanKey(CraftedBase):
    """--no-vlan-key: records of the same flow on different VLANs merge into one."""

    def merged(self, name):
        groups = {}
        for f in MANIFEST[name]["flows"]:
            key = (f["proto"], canon_ip(f["src"]), f["key_ports"][0], canon_ip(f["dst"]),
                   f["key_ports"][1])
            g = groups.setdefault(key, {"src_packets": 0, "dst_packets": 0, "src_bytes": 0,
                                        "dst_bytes": 0, "first": f["first"], "last": f["last"]})
            g["src_packets"] += f["pkts_fwd"]
            g["dst_packets"] += f["pkts_rev"]
            g["src_bytes"] += f["bytes_fwd"]
            g["dst_bytes"] += f["bytes_rev"]
            g["first"] = min(g["first"], f["first"])
            g["last"] = max(g["last"], f["last"])
        return groups

    def test_no_vlan_key_merges_vlans(self):
        for name in ("c01_vlan_8021q.pcap", "c02_qinq_88a8_8100.pcap", "c03_three_tags.pcap",
                     "c04_vlan_9100.pcap", "c12_same_tuple_two_vlans.pcap"):
            with self.subTest(name=name):
                run = self.run_capture(name, "--no-vlan-key")
                self.assertEqual(run.rc, 0, run.stderr)
                want = self.merged(name)
                self.assertEqual(len(run.records), len(want))
                for r in run.records:
                    key = (r["proto"], canon_ip(r["src_ip"]), r["src_port"],
                           canon_ip(r["dst_ip"]), r["dst_port"])
                    self.assertIn(key, want)
                    g = want[key]
                    self.assertEqual((r["vlan"], r["inner_vlan"]), (None, None))
                    self.assertEqual(
                        {k: r[k] for k in ("src_packets", "dst_packets", "src_bytes",
                                           "dst_bytes", "start", "end")},
                        {"src_packets": g["src_packets"], "dst_packets": g["dst_packets"],
                         "src_bytes": g["src_bytes"], "dst_bytes": g["dst_bytes"],
                         "start": rfc3339_ns(g["first"]), "end": rfc3339_ns(g["last"])})


def simulate_udp(entry, idle_ns, active_ns):
    """The records of a capture holding one UDP 5-tuple, by the documented rules: a gap
    strictly greater than the idle timeout ends the flow (the next packet starts a new
    flow, seq 0, initiated by its sender); the first packet MORE than the active timeout
    after the record's first packet opens the next record (seq + 1, same orientation)."""
    records = []
    cur = None
    for p in sorted(entry["packets"], key=lambda p: p["ts"]):
        if p["flow"] is None:
            continue
        if cur is not None and p["ts"] - cur["last"] > idle_ns:
            cur["end_reason"] = "idle"
            cur = None
        elif cur is not None and p["ts"] - cur["first"] > active_ns:
            cur["end_reason"] = "active"
            cur = dict(first=p["ts"], last=p["ts"], seq=cur["seq"] + 1, init=cur["init"],
                       src_packets=0, dst_packets=0, src_bytes=0, dst_bytes=0)
            records.append(cur)
        if cur is None:
            cur = dict(first=p["ts"], last=p["ts"], seq=0, init=p["dir"],
                       src_packets=0, dst_packets=0, src_bytes=0, dst_bytes=0)
            records.append(cur)
        side = "src" if p["dir"] == cur["init"] else "dst"
        cur[side + "_packets"] += 1
        cur[side + "_bytes"] += p["ip_bytes"]
        cur["last"] = p["ts"]
    if cur is not None:
        cur["end_reason"] = "eof"
    return [{"start": rfc3339_ns(r["first"]), "end": rfc3339_ns(r["last"]), "seq": r["seq"],
             "end_reason": r["end_reason"], "src_packets": r["src_packets"],
             "dst_packets": r["dst_packets"], "src_bytes": r["src_bytes"],
             "dst_bytes": r["dst_bytes"]} for r in records]


class CraftedTimeoutOptions(CraftedBase):
    """--idle-timeout / --active-timeout / --tcp-close-grace at and around the
    boundaries, against the documented rules applied to the generator's packets."""

    S = 10 ** 9

    def check_udp(self, name, idle_s, active_s, n_expected):
        entry = MANIFEST[name]
        run = self.run_capture(name, "--idle-timeout", "%ds" % idle_s,
                               "--active-timeout", "%ds" % active_s)
        self.assertEqual(run.rc, 0, run.stderr)
        want = simulate_udp(entry, idle_s * self.S, active_s * self.S)
        self.assertEqual(len(want), n_expected)
        f = entry["flows"][0]
        got = []
        for r in sorted(run.records, key=lambda r: r["start"]):
            self.assertEqual((r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"]),
                             (f["src"], f["sport"], f["dst"], f["dport"]))
            got.append({k: r[k] for k in want[0]})
        self.assertEqual(got, want)

    def test_idle_gap_equal_to_the_timeout_does_not_split(self):
        # g01: gaps of 0.01 s, 298.99 s and exactly 400 s.
        self.check_udp("g01_udp_idle_timeout.pcap", 400, 1800, 1)

    def test_idle_gap_just_above_the_timeout_splits(self):
        self.check_udp("g01_udp_idle_timeout.pcap", 399, 1800, 2)
        self.check_udp("g01_udp_idle_timeout.pcap", 298, 1800, 3)

    def test_active_timeout_strictly_greater(self):
        # g02: one packet every 60 s. With 60 s the packet exactly 60 s after a record's
        # first stays in it: records of 2 packets; with 59 s every packet opens a record;
        # with 1799 s the packet at +1800 s opens the next record: 4 records of 30.
        self.check_udp("g02_udp_active_timeout.pcap", 300, 60, 60)
        self.check_udp("g02_udp_active_timeout.pcap", 300, 59, 120)
        self.check_udp("g02_udp_active_timeout.pcap", 300, 1799, 4)
        self.check_udp("g02_udp_active_timeout.pcap", 300, 1800, 4)

    def test_idle_timeout_below_the_packet_interval(self):
        self.check_udp("g02_udp_active_timeout.pcap", 59, 1800, 120)

    def test_tcp_close_grace(self):
        # f08: FINs at .030/.031, final ACK .032, the server's trailing ACK at 1.032 s.
        name = "f08_tcp_trailing_ack.pcap"
        f = MANIFEST[name]["flows"][0]
        pkts = MANIFEST[name]["packets"]
        late = pkts[-1]
        self.assertEqual((late["dir"], late["ts"] - f["first"]), ("r", 1032 * 10 ** 6))
        # 2 s: the trailing ACK is within the grace period: one record (as by default).
        run = self.run_capture(name, "--tcp-close-grace", "2s")
        self.assertEqual([(r["src_packets"], r["dst_packets"], r["end_reason"])
                          for r in run.records], [(f["pkts_fwd"], f["pkts_rev"], "fin")])
        # 500 ms: it comes after the grace period and opens a new flow, initiated by its
        # sender (the server) since it is not a SYN.
        run = self.run_capture(name, "--tcp-close-grace", "500ms")
        self.assertEqual(run.rc, 0, run.stderr)
        got = sorted(((r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"], r["src_packets"],
                       r["dst_packets"], r["src_bytes"], r["start"], r["end"], r["initiator"],
                       r["end_reason"]) for r in run.records), key=lambda t: t[7])
        self.assertEqual(got, [
            (f["src"], f["sport"], f["dst"], f["dport"], f["pkts_fwd"], f["pkts_rev"] - 1,
             f["bytes_fwd"], rfc3339_ns(f["first"]), rfc3339_ns(pkts[-2]["ts"]), "syn", "fin"),
            (f["dst"], f["dport"], f["src"], f["sport"], 1, 0, late["ip_bytes"],
             rfc3339_ns(late["ts"]), rfc3339_ns(late["ts"]), "first_packet", "eof")])


class SimplePacketBlockTime(CraftedBase):
    """A pcapng Simple Packet Block has no timestamp: it takes the time of the previous
    packet in the file, or 0 when it comes first (a09 covers the common case)."""

    def test_spb_first_in_the_file_and_after_a_packet(self):
        sys.path.insert(0, TOOLS)
        import craft_captures as cc          # the generator's block and packet builders
        pk = cc.a_packets(cc.A_TIMES_US)       # SYN, SYN-ACK, ACK, UDP
        E = "<"
        data = cc.ng_shb(E) + cc.ng_idb(E, cc.LINKTYPE_ETHERNET, 65535)
        udp_ip, syn, synack = pk[3], pk[0], pk[1]
        data += cc.ng_spb(E, cc.eth_ip(udp_ip[1], udp_ip[2]))          # first: time 0
        data += cc.ng_epb(E, 0, syn[0] // 1000, cc.eth_ip(syn[1], syn[2]))
        data += cc.ng_spb(E, cc.eth_ip(synack[1], synack[2]))           # the SYN's time
        path = self.work.sub("spb-first.pcapng")
        with open(path, "wb") as f:
            f.write(data)
        run = convert(path, self.work.sub("spb-first"))
        self.assertEqual(run.rc, 0, run.stderr)
        got = sorted((r["proto"], r["src_packets"], r["dst_packets"], r["start"], r["end"])
                     for r in run.records)
        syn_time = rfc3339_ns(syn[0])
        self.assertEqual(got, [(6, 1, 1, syn_time, syn_time),
                               (17, 1, 0, rfc3339_ns(0), rfc3339_ns(0))])


if __name__ == "__main__":
    unittest.main()
