"""DNS transactions in the flow record (`dns`, `dns_records`), against the peers' outputs.

* Zeek dns.log: every transaction of the wikipedia capture (DNS, mDNS and LLMNR; the
  NetBIOS name service rows Zeek also writes are another protocol for flowcase) and the
  multiple-string TXT answer: trans_id, query, qclass, qtype, rcode, AA, TC, RD, answers
  (in Zeek's form) and TTLs, rtt where Zeek gives one.
  Zeek writes no rtt and RA false for a response without answers; its TXT-answer
  baseline lost the query, whose UDP checksum is wrong (Zeek drops such packets):
  there the query's values (rtt, qtype, qclass, RD) are not compared.
* suricata-verify: the NXDOMAIN response's SOA authority record; DNS over TCP.
* Arkime: query, type, class, status, header flags and answers of every session.
* tshark: id, query name, rcode, the types of every record (OPT left out) and every
  A/AAAA address of every response of every capture.
* dns.csv and dns_records.csv hold the JSON's values; --no-l7 gives null; IPv4 NetBIOS
  name service is not DNS.
"""
import collections
import os
import re
import subprocess
import sys
import unittest

from fclib import (WorkdirCase, arkime_sessions, canon_ip, convert, corpus, rfc3339_ns, section_csv,
                   suricata_verify_checks, tshark_fields, zeek_log)
from test_tls import inputs

TOOLS = os.path.join(os.path.dirname(__file__), "..", "tools")

CAPTURES = ["dns/dns-tcp.pcap", "dns/dns-txt-multiple.pcap", "dns/dns-wiresharkrepo.pcap",
            "dns/nxdomain-soa.pcap", "http/wikipedia-keepalive.pcap",
            "formats/rawip6-linktype229.pcap", "misc/mixed-1kxun.pcap"]


def txt_strings(data):
    """The character-strings of a TXT record's presentation text."""
    out, cur, i, quoted = [], "", 0, False
    while i < len(data):
        ch = data[i]
        if ch == '"':
            if quoted:
                out.append(cur)
                cur = ""
            quoted = not quoted
        elif ch == "\\" and quoted:
            nxt = data[i + 1]
            if nxt.isdigit():
                cur += chr(int(data[i + 1:i + 4]))
                i += 3
            else:
                cur += nxt
                i += 1
        elif quoted:
            cur += ch
        i += 1
    return out


def name_bytes(name):
    """The bytes of a name in presentation format (RFC 4343 escapes undone)."""
    out, i = bytearray(), 0
    while i < len(name):
        if name[i] == "\\" and name[i + 1:i + 4].isdigit():
            out.append(int(name[i + 1:i + 4]))
            i += 4
        elif name[i] == "\\":
            out += name[i + 1].encode()
            i += 2
        else:
            out += name[i].encode()
            i += 1
    return bytes(out)


def zeek_answer(rec):
    """An answer record's data as Zeek's dns.log `answers` writes it."""
    data, kind = rec["data"], rec["type_name"]
    if kind == "MX":
        return data.split(" ")[1]
    if kind == "SRV":
        return data.split(" ")[3]
    if kind in ("TXT", "SPF"):
        return " ".join("%s %d %s" % (kind, len(s), s) for s in txt_strings(data))
    return data


def transactions(run):
    """(record, tx, its dns_records) of every DNS transaction of a run."""
    out = []
    for r in run.records:
        for i, tx in enumerate(r["dns"] or []):
            out.append((r, tx, [x for x in r["dns_records"] if x["tx"] == i]))
    return out


def compare_zeek_dns(test, run, log, query_lost=False):
    """Asserts that the DNS transactions of a run are a Zeek dns.log's (its NetBIOS
    name service rows left out): per 5-tuple and trans_id, in order, the query,
    answers and TTLs in Zeek's form, rcode, TC, RD, qtype, qclass (unless the
    query was lost), AA and RA with answers, rtt where Zeek has one; and no
    transaction of the run left over. Returns the number of Zeek rows."""
    rows = [z for z in zeek_log(log) if z["id.resp_p"] != "137"]
    ours = transactions(run)
    used = set()
    for z in rows:
        key = (z["id.orig_h"], int(z["id.orig_p"]), z["id.resp_h"], int(z["id.resp_p"]),
               int(z["trans_id"]))
        match = [i for i, (r, tx, _) in enumerate(ours) if i not in used and
                 (r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"],
                  tx["trans_id"]) == key]
        test.assertTrue(match, key)
        used.add(match[0])
        r, tx, recs = ours[match[0]]
        with test.subTest(key=key):
            if tx["query"] is not None:
                test.assertEqual(tx["query"].lower(), z["query"])  # Zeek lowercases
            answers = [x for x in recs if x["section"] == "answer"]
            got_answers = ",".join(zeek_answer(x) for x in answers) or "-"
            test.assertEqual(got_answers, z["answers"])
            got_ttls = ",".join("%.6f" % x["ttl"] for x in answers) or "-"
            test.assertEqual(got_ttls, z["TTLs"])
            test.assertEqual(tx["rcode"], None if z["rcode"] == "-" else int(z["rcode"]))
            test.assertEqual(tx["rcode_name"], None if z["rcode_name"] == "-"
                             else z["rcode_name"])
            test.assertEqual(tx["tc"], z["TC"] == "T")
            if not query_lost:
                test.assertEqual(tx["rd"], z["RD"] == "T")
                test.assertEqual(tx["qtype"], None if z["qtype"] == "-" else int(z["qtype"]))
                test.assertEqual(tx["qclass"],
                                 None if z["qclass"] == "-" else int(z["qclass"]))
            if answers:  # Zeek sets AA and RA while reading an answer
                test.assertEqual(tx["aa"], z["AA"] == "T")
                test.assertEqual(tx["ra"], z["RA"] == "T")
            if z["rtt"] != "-":
                test.assertAlmostEqual(tx["rtt"], float(z["rtt"]), places=6)
    test.assertEqual(len(used), len(ours))
    return len(rows)


class DnsPeers(WorkdirCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runs = {}
        for i, name in enumerate(CAPTURES):
            cls.runs[name] = convert(inputs(name), cls.work.sub(str(i)), formats="jsonl,csv")

    def run_of(self, name):
        run = self.runs[name]
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    def compare_zeek(self, name, log, query_lost=False):
        return compare_zeek_dns(self, self.run_of(name), corpus(log), query_lost)

    def test_zeek_wikipedia(self):
        self.assertEqual(self.compare_zeek("http/wikipedia-keepalive.pcap",
                                           "http/wikipedia-keepalive.expected.zeek.dns.log"), 26)

    def test_zeek_txt_strings(self):
        self.assertEqual(self.compare_zeek("dns/dns-txt-multiple.pcap",
                                           "dns/dns-txt-multiple.expected.zeek.dns.log",
                                           query_lost=True), 1)

    def test_suricata_verify_soa(self):
        (check,) = [c for c in suricata_verify_checks(corpus(
            "dns/nxdomain-soa.expected.suricata-verify.yaml")) if "dns.rcode" in c["match"]]
        (_, tx, recs) = transactions(self.run_of("dns/nxdomain-soa.pcap"))[0:1][0]
        m = check["match"]
        self.assertEqual(tx["rcode_name"], m["dns.rcode"])
        (soa,) = [x for x in recs if x["section"] == "authority"]
        self.assertEqual((soa["name"], soa["type_name"], soa["ttl"]),
                         (m["dns.authorities[0].rrname"], m["dns.authorities[0].rrtype"],
                          int(m["dns.authorities[0].ttl"])))
        fields = ("mname", "rname", "serial", "refresh", "retry", "expire", "minimum")
        self.assertEqual(soa["data"].split(" "),
                         [str(m["dns.authorities[0].soa." + f]) for f in fields])

    def test_suricata_verify_tcp(self):
        run = self.run_of("dns/dns-tcp.pcap")
        checks = suricata_verify_checks(corpus("dns/dns-tcp.expected.suricata-verify.yaml"))
        self.assertEqual(len(checks), 2)  # one request, one response
        ((r, tx, recs),) = transactions(run)
        self.assertEqual((r["app"], r["proto"], r["src_ip"], r["dst_ip"]),
                         ("dns", 6, "10.16.1.11", "8.8.4.4"))
        self.assertEqual((tx["query"], tx["rcode_name"], len(recs)),
                         ("www.google.com", "NOERROR", 12))
        self.assertIsNotNone(tx["query_time"])
        self.assertIsNotNone(tx["response_time"])

    def test_arkime(self):
        sessions = arkime_sessions(corpus("dns/dns-wiresharkrepo.expected.arkime.json"))
        ours = transactions(self.run_of("dns/dns-wiresharkrepo.pcap"))
        used = set()
        compared = 0
        for s in sessions:
            key = (s["source"]["ip"], s["source"]["port"])
            for peer in s["dns"]:
                with self.subTest(key=key, query=peer["queryHost"], qt=peer["qt"]):
                    match = [i for i, (r, tx, _) in enumerate(ours) if i not in used and
                             (r["src_ip"], r["src_port"]) == key and
                             tx["query"].lower() == peer["queryHost"] and  # Arkime lowercases
                             tx["qtype_name"] == peer["qt"]]
                    self.assertTrue(match)
                    # A query asked twice: the one whose answers Arkime gives.
                    peer_answers = sorted((a["name"], a["type"], a["ttl"])
                                          for a in peer.get("answers", []))
                    match.sort(key=lambda i: sorted(
                        (x["name"].lower(), x["type_name"], x["ttl"]) for x in ours[i][2]
                        if x["section"] != "authority") != peer_answers)
                    used.add(match[0])
                    _, tx, recs = ours[match[0]]
                    self.assertEqual(tx["qclass"], {"IN": 1}[peer["qc"]])
                    self.assertEqual(tx["rcode_name"], peer["status"])
                    self.assertEqual(peer["opcode"], "QUERY")
                    self.assertEqual(tx["opcode"], 0)
                    flags = sorted(f.upper() for f in ("aa", "tc", "rd", "ra", "ad", "cd")
                                   if tx[f])
                    self.assertEqual(flags, sorted(peer["headerFlags"]))
                    # Arkime's answers are the answer and additional sections.
                    answers = [x for x in recs if x["section"] != "authority"]
                    self.assertEqual(len(answers), peer["answersCnt"])
                    self.assertEqual(sorted((x["name"].lower(), x["type_name"], x["ttl"])
                                            for x in answers),
                                     sorted((a["name"], a["type"], a["ttl"])
                                            for a in peer.get("answers", [])))
                    datas = " ".join(x["data"].lower() for x in answers)
                    for a in peer.get("answers", []):
                        for k in ("ip", "cname", "nameserver", "mx"):
                            if k in a:
                                self.assertIn(a[k], datas)
                    compared += 1
        self.assertEqual(compared, len(ours))
        self.assertEqual(compared, 19)

    def test_tshark_every_response(self):
        total = 0
        for name in CAPTURES:
            rows = [row for part in inputs(name) for row in tshark_fields(
                part, "dns.flags.response == 1", "frame.time_epoch", "ip.src", "ipv6.src",
                "dns.id", "dns.qry.name", "dns.flags.rcode", "dns.count.answers",
                "dns.count.auth_rr", "dns.count.add_rr", "dns.resp.type", "dns.a", "dns.aaaa",
                extra=("-E", "aggregator=|"))]
            ours = {}
            for r, tx, recs in transactions(self.run_of(name)):
                if tx["response_time"]:
                    for sender in (r["src_ip"], r["dst_ip"]):
                        ours.setdefault((tx["response_time"], sender, tx["trans_id"]),
                                        []).append((tx, recs))
            with self.subTest(name=name):
                self.assertEqual(sum(len(v) for v in ours.values()), 2 * len(rows))
                for when, src4, src6, tid, qname, rcode, an, ns, ar, types, a, aaaa in rows:
                    key = (rfc3339_ns(int(when.replace(".", ""))), canon_ip(src4 or src6),
                           int(tid, 16))
                    self.assertIn(key, ours)
                    tx, recs = ours[key].pop(0)
                    self.assertEqual(tx["query"], qname or None)
                    self.assertEqual(tx["rcode"], int(rcode))
                    types = [int(t) for t in types.split("|") if t]
                    sections = [x["section"] for x in recs]
                    self.assertEqual((sections.count("answer"), sections.count("authority"),
                                      sections.count("additional") + types.count(41)),
                                     (int(an), int(ns), int(ar)))
                    # (tshark lists an NSEC's type bitmap in dns.resp.type too)
                    if 47 not in types:
                        self.assertEqual([x["type"] for x in recs],
                                         [t for t in types if t != 41])
                    self.assertEqual([x["data"] for x in recs if x["type"] == 1],
                                     [x for x in a.split("|") if x])
                    self.assertEqual([x["data"] for x in recs if x["type"] == 28],
                                     [x for x in aaaa.split("|") if x])
                    total += 1
        self.assertEqual(total, 44)

    def test_csv_and_no_l7(self):
        name = "dns/dns-wiresharkrepo.pcap"
        run = self.run_of(name)
        for section in ("dns", "dns_records"):
            rows, want = section_csv(run, section)
            self.assertTrue(want)
            self.assertEqual(rows, want)
        dns = run.stats["counters"]["l7"]["dns"]
        self.assertEqual((dns["queries"], dns["responses"], dns["unanswered"],
                          dns["unsolicited"], dns["malformed"], dns["bad_names"]),
                         (19, 19, 0, 0, 0, 0))
        off = convert(corpus(name), self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertEqual({(r["dns"], r["dns_records"]) for r in off.records}, {(None, None)})

    def test_ndpi_llmnr_mdns_netbios(self):
        """nDPI's LLMNR and MDNS flows of mixed-1kxun are DNS with nDPI's host name as
        the query; its NetBIOS flows are not DNS."""
        run = self.run_of("misc/mixed-1kxun.pcap")
        ours = {(r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"]): r for r in run.records}
        line = re.compile(r"^\t\d+\tUDP \[?([^\]\s]+?)\]?:(\d+) <?-> \[?([^\]\s]+?)\]?:(\d+) "
                          r"\[proto: [\d.]+/(\w+)")
        counts = collections.Counter()
        with open(corpus("misc/mixed-1kxun.expected.ndpi.txt"), encoding="utf-8") as f:
            for text in f:
                m = line.match(text)
                if not m or m.group(5) not in ("LLMNR", "MDNS", "NetBIOS"):
                    continue
                src, sport, dst, dport, proto = m.groups()
                host = re.search(r"\[Hostname/SNI: ([^\]]+)\]", text)
                r = ours[(src, int(sport), dst, int(dport))]
                counts[proto] += 1
                with self.subTest(flow=(src, sport, dst, dport)):
                    if proto == "NetBIOS":
                        self.assertEqual((r["app"], r["dns"]), (None, None))
                        continue
                    self.assertEqual(r["app"], "dns")
                    # nDPI writes each byte outside printable ASCII as '?'.
                    raw = name_bytes(r["dns"][0]["query"])
                    ndpi_form = "".join(chr(b) if 32 <= b < 127 else "?" for b in raw)
                    self.assertEqual(ndpi_form.lower(), host.group(1).lower())
        self.assertEqual(counts, {"LLMNR": 48, "MDNS": 1, "NetBIOS": 8})

    def test_netbios_is_not_dns(self):
        run = self.run_of("http/wikipedia-keepalive.pcap")
        nbns = [r for r in run.records if r["dst_port"] == 137]
        self.assertTrue(nbns)
        self.assertEqual({(r["app"], r["dns"]) for r in nbns}, {(None, None)})


def crafted_dns(name):
    return os.path.join(os.environ["FC_TEST_DATA"], "crafted-dns", name)


class DnsCrafted(WorkdirCase):
    """The captures of tests/tools/craft_dns.py, each with exact expectations."""

    def convert(self, name):
        run = convert(crafted_dns(name), self.work.sub(name))
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    @staticmethod
    def summary(run):
        return [[(tx["trans_id"], tx["query"], tx["query_time"] is not None,
                  tx["response_time"] is not None) for tx in r["dns"] or []] +
                [(x["tx"], x["data"]) for x in r["dns_records"] or []]
                for r in run.records]

    def test_pairing(self):
        run = self.convert("dns-pairing.pcap")
        self.assertEqual(self.summary(run), [[
            (0x1111, "one.example", True, True), (0x2222, "two.example", True, True),
            (0x1111, "three.example", True, True), (0x4444, "lost.example", True, False),
            (0x9999, "nobody.example", False, True),
            (0, "192.0.2.1"), (1, "::1"), (2, "192.0.2.3"), (4, "192.0.2.9")]])
        (record,) = run.records
        self.assertEqual([tx["rtt"] for tx in record["dns"]], [0.01, 0.007, 0.007, None, None])
        dns = run.stats["counters"]["l7"]["dns"]
        self.assertEqual((dns["queries"], dns["responses"], dns["unanswered"],
                          dns["unsolicited"]), (4, 4, 1, 1))

    def test_hostile(self):
        run = self.convert("dns-hostile.pcap")
        (record,) = run.records
        self.assertEqual([(tx["trans_id"], tx["query"], tx["rcode_name"])
                          for tx in record["dns"]],
                         [(1, "loop.example", "NOERROR"), (2, "forward.example", "NOERROR"),
                          (3, None, None), (4, "fine.example", "NOERROR")])
        self.assertEqual([(x["tx"], x["data"]) for x in record["dns_records"]],
                         [(0, "192.0.2.1"), (1, "192.0.2.2"), (3, "192.0.2.4")])
        dns = run.stats["counters"]["l7"]["dns"]
        self.assertEqual((dns["bad_names"], dns["truncated"], dns["malformed"],
                          dns["unanswered"]), (2, 1, 0, 1))

    def test_tcp_framing(self):
        run = self.convert("dns-tcp-framing.pcap")
        self.assertEqual(self.summary(run), [[
            (0x0a0a, "tcp-one.example", True, True), (0x0b0b, "tcp-two.example", True, True),
            (0, "198.51.100.1"), (1, "198.51.100.2")]])

    def test_other_port(self):
        run = self.convert("dns-other-port.pcap")
        self.assertEqual([(r["dst_port"], r["app"]) for r in run.records],
                         [(5300, "dns"), (5301, None)])
        self.assertEqual(self.summary(run)[0], [(0x5300, "odd-port.example", True, True),
                                                (0, "203.0.113.7")])

    def test_same_id_flood(self):
        """5,000 queries of one socket with the same id and names, then their
        responses in order: 16 queries wait per id, older ones are forgotten
        (counted, left unanswered), so each response costs a few steps instead of
        a scan of all the flow's queries; the last 16 are paired."""
        sys.path.insert(0, TOOLS)
        import craft_dns
        from craft_http import pcap
        x = craft_dns.Udp("10.9.0.1", 40000, "10.9.0.53", 53)
        names = [f"q{i}.example" for i in range(5000)]
        for n in names:
            x.send("c", craft_dns.message(7, craft_dns.QUERY, [(n, craft_dns.A)]), gap_ms=0)
        for n in names:
            x.send("s", craft_dns.message(7, craft_dns.RESPONSE, [(n, craft_dns.A)]), gap_ms=0)
        path = self.work.sub("flood.pcap")
        with open(path, "wb") as f:
            f.write(pcap(x.packets))
        run = convert(path, self.work.sub("flood"))
        (record,) = run.records
        dns = run.stats["counters"]["l7"]["dns"]
        self.assertEqual((dns["queries"], dns["responses"], dns["waiting_forgotten"],
                          dns["unsolicited"], dns["unanswered"]), (5000, 5000, 4984, 4984, 4984))
        paired = [tx["query"] for tx in record["dns"]
                  if tx["query_time"] is not None and tx["response_time"] is not None]
        self.assertEqual(paired, names[-16:])
        self.assertEqual(len(record["dns"]), 5000 + 4984)

    def test_captures_current(self):
        tool = os.path.join(TOOLS, "craft_dns.py")
        self.assertEqual(subprocess.run([sys.executable, tool, "--check"]).returncode, 0)


if __name__ == "__main__":
    unittest.main()
