"""SIP transactions in the flow record (`sip`), against Zeek's sip.log and tshark.

Captures with SIP: app/sip-wireshark.pcap (UDP, the corpus capture with a sip.log
beside it; the SIP inside GTP-U of encap/sll-gtpu-iphone.pcap has only Arkime's sessions,
compared in test_peers), and the SIP over TCP captures of tests/data/crafted-sip/
(tests/tools/craft_sip.py).

* Zeek's sip.log: every row's request values (method, uri, date, from, to, reply_to,
  call_id, CSeq, subject, user agent, request body length) equal those of the
  transaction with its Call-ID and CSeq; a row logged at a final response has that
  response's values (status, reason, from, to, warning, body length, content type); a
  row logged at a 1xx response has its code in `provisional`. Where the cells differ,
  it is how Zeek pairs (one pending record per connection, which later requests
  overwrite and whose Via lists grow with every message), listed in ZEEK_DIFFERENCES and
  docs/sip.md.
* tshark: every SIP message of each capture; one transaction per Call-ID and CSeq with
  the method and Request-URI of its request, the final status tshark reads (else the
  last 1xx), the 1xx codes in order; the request and response counters.
* TCP: messages split across segments and several per segment, CRLF keep-alives, a
  hole inside a body (in step) and at a message start (lost until a start line).
* sip.csv holds the same values as the JSON; --no-l7 gives null; the active timeout
  splits transactions over records without losing or repeating one; the IPFIX file reads
  back to the same flows.jsonl and sip.csv, and ipfixDump decodes the fcSipTransactions
  list to the JSON values.
"""
import os
import shutil
import subprocess
import sys
import unittest

from fclib import (DATA, WorkdirCase, convert, corpus, run_flowcase, section_csv, tshark_fields,
                   zeek_log)
from test_ipfix import FC_PEN, dump_value, file_bytes, ipfixdump

UDP = corpus("app/sip-wireshark.pcap")
CRAFTED = os.path.join(DATA, "crafted-sip")
TCP_CALL = os.path.join(CRAFTED, "sip-tcp-call.pcap")
TCP_GAPS = os.path.join(CRAFTED, "sip-tcp-gaps.pcap")
TOOLS = os.path.join(os.path.dirname(__file__), "..", "tools")

REQUEST_FIELDS = {"method": "method", "uri": "uri", "date": "date",
                  "request_from": "request_from", "request_to": "request_to",
                  "reply_to": "reply_to", "call_id": "call_id", "seq": "cseq",
                  "subject": "subject", "user_agent": "user_agent",
                  "request_body_len": "request_body_len"}
RESPONSE_FIELDS = {"status_code": "status_code", "status_msg": "reason",
                   "response_from": "response_from", "response_to": "response_to",
                   "warning": "warning", "response_body_len": "response_body_len",
                   "content_type": "content_type"}

# Zeek rows (0-based, in log order) whose cells differ from the transaction they name,
# and why. Zeek keeps one pending record per connection: a request that comes while a
# transaction waits for its final response writes into the same record.
ZEEK_DIFFERENCES = {
    # Frame 26, the 408 that ends INVITE 1, is logged after the CANCEL (frames 23-25)
    # overwrote the pending INVITE's request values: the row has the CANCEL's request
    # and the INVITE's response.
    11: {"response_of": "1 INVITE"},
    # The 480 has no Content-Type: Zeek keeps the 183's; flowcase reports the final
    # response's own headers.
    32: {"content_type": "application/sdp"},
}


def zeek_value(text):
    return {"-": None, "(empty)": ""}.get(text, text)


def items_of(run):
    return [t for r in run.records for t in (r["sip"] or [])]


def hops(path):
    return path.split(",") if path else []


class SipPeers(WorkdirCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runs = {}
        for i, path in enumerate((UDP, TCP_CALL, TCP_GAPS)):
            cls.runs[path] = convert(path, cls.work.sub(str(i)), formats="jsonl,csv,ipfix")

    def run_of(self, path):
        run = self.runs[path]
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    def by_key(self, path):
        items = items_of(self.run_of(path))
        keyed = {(t["call_id"], t["cseq"]): t for t in items}
        self.assertEqual(len(keyed), len(items), "one transaction per Call-ID and CSeq")
        return keyed

    def test_crafted_current(self):
        p = subprocess.run([sys.executable, os.path.join(TOOLS, "craft_sip.py"), "--check"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_zeek_sip_log(self):
        rows = zeek_log(corpus("app/sip-wireshark.expected.zeek.sip.log"))
        self.assertEqual(len(rows), 36)
        items = self.by_key(UDP)
        for record in self.run_of(UDP).records:
            self.assertEqual((record["app"], record["src_ip"], record["src_port"]),
                             ("sip", "192.168.1.2", 5060))
        for i, row in enumerate(rows):
            with self.subTest(row=i, seq=row["seq"], status=row["status_code"]):
                diff = ZEEK_DIFFERENCES.get(i, {})
                tx = items[(row["call_id"], row["seq"])]
                for z, ours in REQUEST_FIELDS.items():
                    want = None if tx[ours] is None else str(tx[ours])
                    self.assertEqual(zeek_value(row[z]), want, z)
                # Zeek appends the Via hops of every request the record took in
                # (retransmissions, and the next request): the last are this one's.
                zeek_path = hops(row["request_path"])
                self.assertEqual(zeek_path[len(zeek_path) - len(hops(tx["request_path"])):],
                                 hops(tx["request_path"]))
                status = zeek_value(row["status_code"])
                if status is None:  # never answered (an ACK)
                    self.assertIsNone(tx["status_code"])
                    self.assertEqual(tx["method"], "ACK")
                    continue
                if int(status) < 200:  # Zeek logs each 1xx as a row of its own
                    self.assertIn(status, tx["provisional"].split(","))
                    continue
                answered = items[(row["call_id"], diff["response_of"])] if "response_of" in diff \
                    else tx
                for z, ours in RESPONSE_FIELDS.items():
                    want = diff.get(ours, answered[ours])
                    self.assertEqual(zeek_value(row[z]), None if want is None else str(want), z)
                # Zeek appends every response's hops, 1xx included: the last are the
                # final response's.
                zeek_path = hops(row["response_path"])
                ours = hops(answered["response_path"])
                self.assertEqual(zeek_path[len(zeek_path) - len(ours):], ours)
        # The transactions without a row of their own are ACKs Zeek folded into the
        # next request's record.
        logged = {(r["call_id"], r["seq"]) for r in rows}
        self.assertEqual({t["method"] for k, t in items.items() if k not in logged}, {"ACK"})
        self.assertEqual(len(items), 33)

    def check_tshark(self, path, transport):
        rows = tshark_fields(path, "sip", "sip.Method", "sip.r-uri", "sip.Call-ID", "sip.CSeq",
                             "sip.Status-Code")
        items = self.by_key(path)
        want = {}
        requests = responses = 0
        for method, uri, call_id, cseqs, statuses in rows:
            # A segment with several responses gives each field once per message.
            for cseq, status in zip(cseqs.split(","), statuses.split(",")) if statuses \
                    else [(cseqs, "")]:
                tx = want.setdefault((call_id.split(",")[0], cseq),
                                     {"method": None, "uri": None, "final": None, "prov": []})
                if method:
                    requests += 1
                    if tx["method"] is None:
                        tx["method"], tx["uri"] = method, uri
                    continue
                responses += 1
                code = int(status)
                if code >= 200:
                    tx["final"] = tx["final"] or code
                elif tx["final"] is None and tx["prov"][-1:] != [status]:
                    tx["prov"].append(status)
        self.assertEqual(set(items), set(want))
        for key, tx in want.items():
            got = items[key]
            self.assertEqual((got["method"], got["uri"]), (tx["method"], tx["uri"]), key)
            last = tx["final"] or (int(tx["prov"][-1]) if tx["prov"] else None)
            self.assertEqual(got["status_code"], last, key)
            self.assertEqual(got["provisional"], ",".join(tx["prov"]) or None, key)
        counters = self.run_of(path).stats["counters"]["l7"]["sip"]
        self.assertEqual((counters["requests"], counters["responses"]), (requests, responses))
        self.assertEqual(counters["bad_messages"], 0)
        self.assertEqual(self.run_of(path).records[0]["proto"], transport)

    def test_tshark_udp(self):
        self.check_tshark(UDP, 17)
        counters = self.run_of(UDP).stats["counters"]["l7"]["sip"]
        # Frames 20-21 (INVITE), 24-25 and 28-35 (CANCEL), 38-39 (INVITE) resend a
        # request: 14 copies.
        self.assertEqual(counters["retransmissions"], 14)
        self.assertEqual(counters["unmatched_responses"], 0)

    def test_tshark_tcp(self):
        self.check_tshark(TCP_CALL, 6)
        (record,) = self.run_of(TCP_CALL).records
        invite, ack, message, bye, options = record["sip"]
        self.assertEqual((invite["provisional"], invite["status_code"], invite["content_type"],
                          invite["request_body_len"], invite["response_body_len"]),
                         ("100,180", 200, "application/sdp", 130, 128))
        self.assertEqual((invite["subject"], invite["date"], invite["request_from"]),
                         ("lunch", "Sat, 13 Nov 2010 23:29:00 GMT",
                          "Alice <sip:alice@example.com>"))
        self.assertIsNone(ack["status_code"])
        # Compact names, the folded Subject, two hops on one Via line.
        self.assertEqual((message["subject"], message["request_path"], message["request_body_len"]),
                         ("are you there?", "SIP/2.0/TCP pc33.example.com,SIP/2.0/TCP "
                          "relay.example.com;received=203.0.113.1", 9))
        # A request from the responder: paired all the same.
        self.assertEqual((bye["request_from"], bye["user_agent"], bye["status_code"]),
                         ("Bob <sip:bob@example.com>", "bob-phone/2", 200))
        self.assertEqual((options["status_code"], options["response_time"]), (None, None))

    def test_tcp_gaps(self):
        run = self.run_of(TCP_GAPS)
        (record,) = run.records
        self.assertEqual((record["dst_port"], record["app"]), (15060, "sip"))
        got = [(t["cseq"], t["status_code"], t["request_body_len"]) for t in record["sip"]]
        # The hole inside MESSAGE's body keeps the stream in step (INFO is read); the
        # hole at INFO 3's start loses it until NOTIFY's segment.
        self.assertEqual(got, [("1 MESSAGE", 200, 3000), ("2 INFO", 200, 0),
                               ("4 NOTIFY", None, 0)])
        self.assertEqual(run.stats["counters"]["l7"]["sip"]["lost"], 1)

    def test_csv_equals_json(self):
        for path in (UDP, TCP_CALL):
            run = self.run_of(path)
            rows, want = section_csv(run, "sip")
            self.assertEqual(rows, want)

    def test_no_l7(self):
        off = convert(UDP, self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertEqual([r["sip"] for r in off.records], [None] * len(off.records))
        self.assertEqual([r["app"] for r in off.records], [None] * len(off.records))

    def test_active_timeout(self):
        split = convert(UDP, self.work.sub("split"), "--active-timeout", "60s")
        self.assertEqual(split.rc, 0, split.stderr)
        self.assertGreater(len(split.records), len(self.run_of(UDP).records))

        def key(t):
            return (t["call_id"], t["cseq"], t["status_code"], t["request_time"])
        self.assertEqual(sorted(map(key, items_of(split))),
                         sorted(map(key, items_of(self.run_of(UDP)))))

    @unittest.skipUnless(shutil.which("ipfixDump"), "ipfixDump not installed")
    def test_ipfix(self):
        elements = {"method": 161, "uri": 162, "call_id": 169, "cseq": 170,
                    "request_path": 172, "status_code": 175, "reason": 176,
                    "provisional": 178, "request_body_len": 179}
        for path in (UDP, TCP_CALL, TCP_GAPS):
            run = self.run_of(path)
            ipfix = os.path.join(run.outdir, "flows.ipfix")
            for fmt, names in (("jsonl", ["flows.jsonl"]), ("csv", ["flows.csv", "sip.csv"])):
                back = os.path.join(run.outdir, "back-" + fmt)
                p = run_flowcase("read", "-o", back, "--format", fmt, ipfix)
                self.assertEqual((p.returncode, p.stderr), (0, ""))
                for name in names:
                    self.assertEqual(file_bytes(os.path.join(back, name)),
                                     file_bytes(os.path.join(run.outdir, name)), name)
            rc, err, records = ipfixdump(ipfix)
            self.assertEqual((rc, err), (0, ""))
            dumped = [{i: dump_value(v) for e, i, _, v in t["fields"] if e == FC_PEN}
                      for rec in records for t in rec["lists"].get((FC_PEN, 160), [])]
            want = items_of(run)
            self.assertEqual(len(dumped), len(want))
            for got, tx in zip(dumped, want):
                for name, eid in elements.items():
                    value = tx[name]
                    self.assertEqual(got.get(eid), None if value is None else str(value), name)


if __name__ == "__main__":
    unittest.main()
