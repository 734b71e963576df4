"""ICMP and ICMPv6 flows (`icmp`, `icmp_quoted`).

* Crafted errors of both versions (tests/tools/craft_icmp.py), exact: type and code
  names, the flows quoted (addresses, protocol, ports, messages) and their Community
  ID, which equals the community_id of the quoted flow's own record.
* tshark: every error message of mixed-ipfixprobe: the quoted packet's addresses,
  protocol and ports, counted per quoted flow.
* Zeek's ICMP event output: type and code of the echo flows.
* icmp.csv and icmp_quoted.csv hold the JSON's values; --no-l7 gives null; app stays null.
"""
import collections
import os
import re
import subprocess
import sys
import unittest

from fclib import WorkdirCase, convert, corpus, section_csv, tshark_fields


TOOLS = os.path.join(os.path.dirname(__file__), "..", "tools")


def crafted_icmp(name):
    return os.path.join(os.environ["FC_TEST_DATA"], "crafted-icmp", name)


class IcmpCrafted(WorkdirCase):
    def convert(self, path, *options, formats="jsonl"):
        run = convert(path, self.work.sub(os.path.basename(path) + "".join(options)), *options,
                      formats=formats)
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    def errors(self, run):
        return [(r["src_ip"], r["icmp"]["type_name"], r["icmp"]["code_name"],
                 [(q["src_ip"], q["dst_ip"], q["proto"], q["src_port"], q["dst_port"],
                   q["messages"]) for q in r["icmp_quoted"]])
                for r in run.records if r["icmp_quoted"]]

    def check_community_ids(self, run):
        by_key = {(r["src_ip"], r["dst_ip"], r["proto"], r["src_port"], r["dst_port"]):
                  r["community_id"] for r in run.records}
        checked = 0
        for r in run.records:
            for q in r["icmp_quoted"] or []:
                key = (q["src_ip"], q["dst_ip"], q["proto"], q["src_port"], q["dst_port"])
                if q["community_id"] is not None:
                    self.assertEqual(q["community_id"], by_key[key])
                    checked += 1
        return checked

    def test_error_flood(self):
        """A router's 20,000 port-unreachables for 5,000 distinct probes (each
        quoted 4 times): the first 4,096 quoted flows are items (each with its 4
        messages, found again through the index), the others counted as dropped."""
        sys.path.insert(0, TOOLS)
        from craft_captures import icmp4, ipv4, udp
        from craft_http import pcap
        import craft_icmp
        x = craft_icmp.Timeline()
        probes = [ipv4("10.8.0.1", "10.8.0.9", 17, udp("10.8.0.1", "10.8.0.9", 20000 + i, 33434, b"p"))
                  for i in range(5000)]
        for _ in range(4):
            for probe in probes:
                x.add(ipv4("10.8.0.9", "10.8.0.1", 1, icmp4(3, 3, bytes(4), probe[:28])), "s",
                      gap_ms=0)
        os.makedirs(self.work.sub("in"), exist_ok=True)
        path = os.path.join(self.work.sub("in"), "icmp-flood.pcap")
        with open(path, "wb") as f:
            f.write(pcap(x.packets))
        run = self.convert(path)
        (record,) = run.records
        quoted = record["icmp_quoted"]
        self.assertEqual(len(quoted), 4096)
        self.assertEqual([q["src_port"] for q in quoted], list(range(20000, 20000 + 4096)))
        self.assertTrue(all(q["messages"] == 4 for q in quoted))
        self.assertEqual(run.counter("l7.icmp.quoted_dropped"), 4 * (5000 - 4096))

    def test_v4(self):
        run = self.convert(crafted_icmp("icmp-errors-v4.pcap"))
        self.assertEqual(self.errors(run), [
            ("10.2.0.9", "destination-unreachable", "port-unreachable",
             [("10.2.0.1", "10.2.0.9", 17, 40000, 33434, 3)]),
            ("10.2.0.254", "time-exceeded", "ttl-exceeded",
             [("10.2.0.1", "192.0.2.80", 6, 40001, 443, 1)]),
            ("10.2.0.254", "destination-unreachable", "host-unreachable",
             [("10.2.0.1", "192.0.2.7", 1, 8, 0, 1)]),
        ])
        self.assertEqual(self.check_community_ids(run), 3)
        cut = [r for r in run.records if r["icmp"] and r["icmp"]["code"] == 13]
        self.assertEqual([(r["icmp"]["code_name"], r["icmp_quoted"]) for r in cut],
                         [("communication-prohibited", [])])
        self.assertEqual(run.stats["counters"]["l7"]["icmp"],
                         {"no_quote": 1, "quoted_dropped": 0})
        echo = [r for r in run.records if r["proto"] == 1 and r["src_port"] == 8]
        self.assertEqual([(r["app"], r["icmp"]["type_name"]) for r in echo],
                         [(None, "echo-request")])

    def test_v6(self):
        run = self.convert(crafted_icmp("icmp-errors-v6.pcap"))
        self.assertEqual(self.errors(run), [
            ("2001:db8::53", "destination-unreachable", "port-unreachable",
             [("2001:db8::1", "2001:db8::53", 17, 40002, 5000, 1)]),
            ("2001:db8::fe", "packet-too-big", None,
             [("2001:db8::1", "2001:db8::53", 6, 40003, 443, 1)]),
            ("2001:db8::fe", "time-exceeded", "fragment-reassembly-time-exceeded",
             [("2001:db8::1", "2001:db8::53", 17, 40004, 6000, 1),
              ("2001:db8::1", "2001:db8::53", 17, None, None, 1)]),  # a later fragment
        ])
        self.assertEqual(self.check_community_ids(run), 3)

    def test_tshark_mixed(self):
        path = corpus("misc/mixed-ipfixprobe.pcap")
        run = self.convert(path)
        rows = tshark_fields(path, "icmp.type==3 || icmp.type==11", "ip.src", "ip.dst",
                             "ip.proto", "udp.srcport", "udp.dstport", "icmp.type",
                             extra=("-E", "aggregator=|"))
        want = collections.Counter()
        for src, dst, proto, sport, dport, types in rows:
            srcs, dsts, protos = src.split("|"), dst.split("|"), proto.split("|")
            inner_proto = int(protos[1])
            if inner_proto == 1:  # an echo: type 8 maps to the counterpart 0
                ports = (int(types.split("|")[1]), 0)
            else:
                ports = (int(sport), int(dport))
            want[(srcs[0], srcs[1], dsts[1], inner_proto) + ports] += 1
        got = collections.Counter()
        for r in run.records:
            for q in r["icmp_quoted"] or []:
                got[(r["src_ip"], q["src_ip"], q["dst_ip"], q["proto"], q["src_port"],
                     q["dst_port"])] += q["messages"]
        self.assertEqual(sum(want.values()), 17)
        self.assertEqual(got, want)
        self.assertGreater(self.check_community_ids(run), 0)

    def test_zeek_echo(self):
        for name, v6 in (("app/icmp-ping", False), ("app/icmp6-ping", True)):
            with open(corpus(name + ".expected.zeek.output.txt"), encoding="utf-8") as f:
                text = f.read()
            run = self.convert(corpus(name + ".pcap"))
            for r in run.records:
                m = re.search(r"conn_id: \[orig_h=%s, orig_p=(\d+)/icmp, resp_h=%s, "
                              r"resp_p=(\d+)/icmp.*\n  icmp_info: \[v6=%s, itype=(\d+), "
                              r"icode=(\d+)" % (re.escape(r["src_ip"]), re.escape(r["dst_ip"]),
                                                "T" if v6 else "F"), text)
                self.assertTrue(m, r["src_ip"])
                self.assertEqual((r["icmp"]["type"], r["icmp"]["code"]),
                                 (int(m.group(3)), int(m.group(4))))
                self.assertEqual(r["icmp"]["type_name"], "echo-request")

    def test_csv_and_no_l7(self):
        path = crafted_icmp("icmp-errors-v4.pcap")
        run = self.convert(path, formats="jsonl,csv")
        for section in ("icmp", "icmp_quoted"):
            rows, want = section_csv(run, section)
            self.assertTrue(want)
            self.assertEqual(rows, want)
        off = self.convert(path, "--no-l7")
        self.assertEqual({(r["icmp"], r["icmp_quoted"]) for r in off.records}, {(None, None)})

    def test_captures_current(self):
        tool = os.path.join(os.path.dirname(__file__), "..", "tools", "craft_icmp.py")
        self.assertEqual(subprocess.run([sys.executable, tool, "--check"]).returncode, 0)


if __name__ == "__main__":
    unittest.main()
