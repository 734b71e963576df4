"""HTTP/1.x transactions in flow records, against peers' outputs.

* Zeek http.log (wikipedia keep-alive, pipelining, 27 connections of methods,
  HTTP/1.0 and malformed request lines): the same transactions, in the same order,
  with the same method, host, uri, version, user agent, referrer, status, reason and
  body lengths; the deliberate differences are listed with their reasons.
* Zeek's 1000 requests on one connection with one response dropped: 1000
  transactions, one without its response.
* Arkime sessions (POST upload, retransmissions and out-of-order segments): the same
  methods, paths, hosts, status codes, user agents and versions.
* ipfixprobe HTTP records: per flow, the same method, host, URL, user agent, status,
  content type and server.
* suricata-verify HTTP over IPv6 on a loopback link.
"""
import json
import os
import unittest

from fclib import (Workdir, WorkdirCase, arkime_sessions, convert, corpus, ipfixprobe_records,
                   zeek_log)

HTTP = corpus("http")


def transactions(run):
    """(src_ip, src_port, dst_ip, dst_port) -> the http array of that flow."""
    out = {}
    for r in run.records:
        key = (r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"])
        out.setdefault(key, []).extend(r["http"] or [])
    return out


def zeek_value(v):
    """A Zeek log value as flowcase writes it: '-' is unset, '(empty)' empty."""
    return None if v == "-" else "" if v == "(empty)" else v


class ZeekHttpLog(WorkdirCase):
    # Fields compared: flowcase's name -> Zeek's. Zeek's `version` is the reply's
    # version when there is a reply (its http_reply event overwrites it).
    FIELDS = {"method": "method", "host": "host", "uri": "uri", "user_agent": "user_agent",
              "referrer": "referrer", "status": "status_code", "reason": "status_msg",
              "request_body_len": "request_body_len", "response_body_len": "response_body_len",
              "zeek_version": "version"}

    def compare(self, capture, log, differences=()):
        """differences: (src_port, trans_depth, field) that differ on purpose."""
        run = convert(capture, self.work.sub(os.path.basename(capture)))
        self.assertEqual(run.rc, 0, run.stderr)
        mine = transactions(run)
        theirs = {}
        for z in zeek_log(log):
            key = (z["id.orig_h"], int(z["id.orig_p"]), z["id.resp_h"], int(z["id.resp_p"]))
            theirs.setdefault(key, []).append(z)
        self.assertGreater(len(theirs), 0)
        compared = 0
        for key, zs in theirs.items():
            got = mine.get(key, [])
            self.assertEqual(len(got), len(zs), key)
            for tx, z in zip(got, zs):
                tx = dict(tx, zeek_version=tx["response_version"] or tx["version"])
                for ours, zname in self.FIELDS.items():
                    if (key[1], int(z["trans_depth"]), ours) in differences:
                        continue
                    want = zeek_value(z[zname])
                    have = tx[ours]
                    if zname == "request_body_len" and not tx["method"]:
                        have = 0 if have is None else have  # Zeek: 0 without a request
                    if zname == "status_code" and have is None:
                        have = 0
                    self.assertEqual(None if have is None else str(have), want,
                                     "%s %s depth %s %s" % (capture, key, z["trans_depth"], ours))
                    compared += 1
        return compared

    def test_wikipedia_keepalive(self):
        n = self.compare(os.path.join(HTTP, "wikipedia-keepalive.pcap"),
                         os.path.join(HTTP, "wikipedia-keepalive.expected.zeek.http.log"))
        self.assertEqual(n, 14 * len(self.FIELDS))

    def test_pipelining(self):
        # Zeek counts the body after gunzipping it (Content-Encoding: gzip);
        # flowcase counts the body as transferred (it equals Content-Length).
        gunzipped = {(1673, 1, "response_body_len"), (1673, 2, "response_body_len")}
        n = self.compare(os.path.join(HTTP, "pipelined-requests.pcap"),
                         os.path.join(HTTP, "pipelined-requests.expected.zeek.http.log"),
                         gunzipped)
        self.assertEqual(n, 5 * len(self.FIELDS) - 2)

    def test_methods_and_malformed_request_lines(self):
        # A request line without a version ("GET /HTTP/1.1") is HTTP/0.9 to both.
        # Zeek then takes the whole reply as a 0.9 body without a status line;
        # flowcase reads the status line the server did send (HTTP/1.0 4xx), so
        # status, reason, version and body length differ there on purpose.
        http09 = {46568, 46578, 46583, 46588, 46593, 46598, 46603, 46608}
        differences = {(port, 1, f) for port in http09
                       for f in ("status", "reason", "zeek_version", "response_body_len")}
        n = self.compare(os.path.join(HTTP, "methods-http10-chunked.pcap"),
                         os.path.join(HTTP, "methods-http10-chunked.expected.zeek.http.log"),
                         differences)
        self.assertEqual(n, 49 * len(self.FIELDS) - len(differences))

    def test_thousand_requests_one_response_dropped(self):
        run = convert(corpus("formats/gzip-http-1000-requests.pcap.gz"), self.work.sub("1000"))
        self.assertEqual(run.rc, 0, run.stderr)
        (http,) = [r["http"] for r in run.records if r["app"] == "http"]
        self.assertEqual(len(http), 1000)  # Zeek: "total http.log lines 1000"
        unanswered = [i for i, tx in enumerate(http) if tx["status"] is None]
        self.assertEqual(len(unanswered), 1)
        self.assertTrue(all(tx["method"] == "GET" and tx["uri"] == "/" for tx in http))
        stats = json.loads(run.read("stats.json"))["counters"]
        self.assertEqual(stats["l7"]["http"]["requests"], 1000)
        self.assertEqual(stats["l7"]["http"]["responses"], 999)
        self.assertEqual(stats["reasm"]["gaps"], 1)


class ArkimeSessions(unittest.TestCase):
    def check(self, capture, expected):
        work = Workdir()
        self.addCleanup(work.cleanup)
        run = convert(capture, work.sub("out"))
        self.assertEqual(run.rc, 0, run.stderr)
        for session in arkime_sessions(expected):
            if "http" not in session:
                continue
            want = session["http"]
            src, dst = session["source"], session["destination"]
            (record,) = [r for r in run.records if r["src_ip"] == src["ip"]
                         and r["src_port"] == src["port"] and r["dst_port"] == dst["port"]]
            self.assertEqual(record["app"], "http")
            txs = record["http"]
            self.assertEqual(sorted({t["method"] for t in txs}), sorted(want["method"]))
            self.assertEqual(sorted({t["uri"].split("?")[0] for t in txs}), sorted(want["path"]))
            # Arkime indexes the Host header both as sent and without its port.
            hosts = {t["host"] for t in txs} | {t["host"].rsplit(":", 1)[0] for t in txs}
            self.assertEqual(sorted(hosts), sorted(want["host"]))
            self.assertEqual(sorted({t["status"] for t in txs}), sorted(want["statuscode"]))
            self.assertEqual(sorted({t["user_agent"] for t in txs}), sorted(want["useragent"]))
            self.assertEqual(sorted({t["version"] for t in txs}), sorted(want["clientVersion"]))
            self.assertEqual(sorted({t["response_version"] for t in txs}),
                             sorted(want["serverVersion"]))
            self.assertEqual(len(txs), want["method-" + txs[0]["method"]]
                             if len(want["method"]) == 1 else len(txs))
        return run

    def test_post_upload(self):
        run = self.check(os.path.join(HTTP, "post-multipart-upload.pcap"),
                         os.path.join(HTTP, "post-multipart-upload.expected.arkime.json"))
        (post,) = [t for r in run.records for t in r["http"] or [] if t["method"] == "POST"]
        self.assertEqual(post["request_content_length"], post["request_body_len"])
        self.assertTrue(post["request_content_type"].startswith("multipart/form-data"))

    def test_retransmissions_and_out_of_order(self):
        run = self.check(corpus("tcp/retrans-ooo-http.pcap"),
                         corpus("tcp/retrans-ooo-http.expected.arkime.json"))
        (record,) = [r for r in run.records if r["app"] == "http"]
        # Arkime's requestHeaderValue holds the four Content-Length values.
        self.assertEqual(sorted(t["request_body_len"] for t in record["http"]),
                         [1090, 1098, 1121, 1121])
        self.assertTrue(all(not t["gap"] for t in record["http"]))
        stats = json.loads(run.read("stats.json"))["counters"]
        self.assertGreater(stats["reasm"]["overlaps"], 0)
        self.assertEqual(stats["reasm"]["overlap_differs"], 0)


class IpfixprobeHttp(unittest.TestCase):
    def test_http_fields(self):
        work = Workdir()
        self.addCleanup(work.cleanup)
        run = convert(os.path.join(HTTP, "basicplus-http-ipfixprobe.pcap"), work.sub("out"))
        self.assertEqual(run.rc, 0, run.stderr)
        theirs = ipfixprobe_records(
            os.path.join(HTTP, "basicplus-http-ipfixprobe.expected.ipfixprobe-http.csv"))
        self.assertEqual(len(theirs), 9)
        for rec in theirs:
            (mine,) = [r for r in run.records if r["src_port"] == int(rec["SRC_PORT"])]
            tx = mine["http"][0]
            self.assertEqual(tx["method"], rec["HTTP_REQUEST_METHOD"])
            self.assertEqual(tx["host"], rec["HTTP_REQUEST_HOST"])
            self.assertEqual(tx["uri"], rec["HTTP_REQUEST_URL"])
            self.assertEqual(tx["user_agent"], rec["HTTP_REQUEST_AGENT"])
            self.assertEqual(tx["referrer"] or "", rec["HTTP_REQUEST_REFERER"])
            status = int(rec["HTTP_RESPONSE_STATUS_CODE"])
            self.assertEqual(tx["status"] or 0, status)
            self.assertEqual(tx["response_content_type"] or "", rec["HTTP_RESPONSE_CONTENT_TYPE"])
            self.assertEqual(tx["server"] or "", rec["HTTP_RESPONSE_SERVER"])


class SuricataVerify(unittest.TestCase):
    def test_http_over_ipv6_loopback(self):
        work = Workdir()
        self.addCleanup(work.cleanup)
        run = convert(corpus("formats/null-loopback-http-ipv6.pcap"), work.sub("out"))
        self.assertEqual(run.rc, 0, run.stderr)
        (record,) = [r for r in run.records if r["app"] == "http"]
        (tx,) = record["http"]
        # suricata-verify: one http event with http.hostname "[::1]" (Suricata
        # strips the port; flowcase keeps the Host header as sent).
        self.assertEqual(tx["host"], "[::1]:8000")
        self.assertEqual((tx["method"], tx["uri"], tx["status"]), ("GET", "/", 200))
        self.assertEqual(record["src_ip"], "::1")


if __name__ == "__main__":
    unittest.main()
