"""TCP reassembly and HTTP behaviours on captures made for them
(tests/data/crafted-l7/, written by tests/tools/craft_http.py): the investigator's
question, a request split byte by byte and sent backwards, a retransmission with
other bytes, holes in a body and in a request, HTTP off port 80 and non-HTTP on it,
100-continue, chunked coding with extension and trailer, HEAD and 204."""
import csv
import json
import os
import subprocess
import sys
import unittest

from fclib import DATA, Workdir, WorkdirCase, convert

CRAFTED = os.path.join(DATA, "crafted-l7")
TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")


class CraftedHttp(WorkdirCase):

    def run_capture(self, name, *options):
        run = convert(os.path.join(CRAFTED, name), self.work.sub(name + "-".join(options)),
                      *options)
        self.assertEqual(run.rc, 0, run.stderr)
        return run, json.loads(run.read("stats.json"))["counters"]

    def test_files_are_current(self):
        p = subprocess.run([sys.executable, os.path.join(TOOLS, "craft_http.py"), "--check"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_investigator_question(self):
        run, _ = self.run_capture("http-investigator.pcap")
        (r,) = run.records
        self.assertEqual((r["src_ip"], r["dst_ip"], r["app"]),
                         ("192.168.70.35", "212.11.2.170", "http"))
        first, second = r["http"]
        self.assertEqual(first["host"], "www.rockmax.cz")
        self.assertEqual(first["uri"], "/stream_live/get_songs_json.php?station=rockmax&limit=10")
        self.assertIn("Chrome/60.0.3112.113", first["user_agent"])
        self.assertIn("Windows NT 10.0", first["user_agent"])
        # What the investigator asked: which OS and browser.
        self.assertEqual(first["ua"], {"browser": "Chrome", "browser_version": "60.0.3112",
                                       "os": "Windows", "os_version": "10", "device": "Other"})
        self.assertEqual(second["ua"], first["ua"])
        self.assertEqual(first["referrer"], "http://www.rockmax.cz/")
        self.assertEqual((first["status"], first["reason"], first["server"]),
                         (200, "OK", "nginx"))
        self.assertEqual(first["response_content_type"], "application/json")
        self.assertEqual(first["response_content_length"], 67)
        self.assertEqual(first["response_body_len"], 67)
        self.assertEqual(first["request_time"], "2017-09-12T09:14:00.004000000Z")
        self.assertEqual(first["response_time"], "2017-09-12T09:14:00.027000000Z")
        self.assertEqual(first["srt"], 0.023)
        self.assertEqual((second["uri"], second["status"], second["reason"]),
                         ("/stream_live/cover.jpg", 304, "Not Modified"))
        self.assertEqual(second["response_body_len"], 0)
        self.assertEqual(second["srt"], 0.012)

    def test_readme_investigation_example(self):
        """The README's jq example, done in Python on the sample: its shown output."""
        repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        run = convert(os.path.join(repo, "samples", "http-investigator.pcap"),
                      self.work.sub("readme"))
        got = []
        for r in run.records:
            if (r["src_ip"], r["dst_ip"]) == ("192.168.70.35", "212.11.2.170") and \
                    "2017-09-12T09:00" <= r["start"] < "2017-09-12T10:00":
                for t in r["http"]:
                    ua = "%s %s / %s %s" % (t["ua"]["os"], t["ua"]["os_version"],
                                            t["ua"]["browser"], t["ua"]["browser_version"])
                    got.append(json.dumps({"request_time": t["request_time"], "host": t["host"],
                                           "uri": t["uri"], "status": t["status"], "ua": ua},
                                          separators=(",", ":")))
        with open(os.path.join(repo, "README.md"), encoding="utf-8") as f:
            shown = [line.strip() for line in f if line.startswith('{"request_time"')]
        self.assertEqual(got, shown)

    def test_request_split_byte_by_byte_backwards(self):
        run, stats = self.run_capture("http-byte-by-byte.pcap")
        (r,) = run.records
        (tx,) = r["http"]
        self.assertEqual((tx["method"], tx["uri"], tx["host"], tx["status"]),
                         ("GET", "/split/one/byte/at/a/time", "bytes.example", 200))
        self.assertEqual(r["dst_port"], 8080)
        self.assertEqual(stats["reasm"]["segments_held"], 62)  # 63 bytes: all but the first
        self.assertFalse(tx["gap"])

    def test_retransmission_with_other_bytes(self):
        run, stats = self.run_capture("http-overlap-differs.pcap")
        (tx,) = run.records[0]["http"]
        self.assertEqual(tx["uri"], "/first-copy")  # the first copy wins
        self.assertEqual(tx["host"], "overlap.example")
        self.assertEqual(stats["reasm"]["overlaps"], 2)
        self.assertEqual(stats["reasm"]["overlap_differs"], 1)

    def test_holes(self):
        run, stats = self.run_capture("http-gaps.pcap")
        one, two, three = run.records[0]["http"]
        # In a body of known length the parser keeps its place: 3000 bytes, 1000 missing.
        self.assertEqual((one["uri"], one["status"], one["response_body_len"], one["gap"]),
                         ("/one", 200, 3000, True))
        # The second request lost its request line: its response stands alone.
        self.assertEqual((two["method"], two["status"], two["response_body_len"]),
                         (None, 200, 3))
        # The parser found its place again on the third request line.
        self.assertEqual((three["method"], three["uri"], three["status"]), ("GET", "/three", 404))
        self.assertEqual(stats["reasm"]["gaps"], 2)
        self.assertEqual(stats["reasm"]["gap_bytes"], 1000 + len("GET /two HTTP/1.1\r\n"))
        self.assertEqual(stats["l7"]["http"]["lost_sync"], 1)
        self.assertEqual(stats["l7"]["http"]["unmatched_responses"], 1)

    def test_content_not_ports(self):
        run, stats = self.run_capture("http-ports.pcap")
        by_port = {r["dst_port"]: r for r in run.records}
        self.assertEqual(by_port[31337]["app"], "http")
        self.assertEqual(by_port[31337]["http"][0]["uri"], "/not-port-80")
        self.assertEqual(by_port[80]["app"], "ssh")
        self.assertIsNone(by_port[80]["http"])
        self.assertEqual(by_port[80]["ssh"]["server"], "SSH-2.0-OpenSSH_9.2p1 Debian-2")
        self.assertEqual((stats["l7"]["detected"], stats["l7"]["unrecognised"]), (2, 0))

    def test_continue_chunked_head_204(self):
        run, _ = self.run_capture("http-continue-chunked-head.pcap")
        post, head, empty = run.records[0]["http"]
        self.assertEqual((post["method"], post["info_status"], post["status"]), ("POST", 100, 201))
        self.assertEqual((post["request_body_len"], post["response_body_len"]), (11, 11))
        self.assertEqual(post["request_content_type"], "text/plain")
        self.assertEqual((head["status"], head["response_content_length"],
                          head["response_body_len"]), (200, 1000, 0))
        self.assertEqual((empty["status"], empty["response_body_len"]), (204, 0))

    def test_http_csv_rows_equal_json(self):
        """http.csv: one row per transaction, keyed by flow_id, seq and index, each
        cell the JSON value as the CSV writer renders it."""
        names = sorted(n for n in os.listdir(CRAFTED) if n.endswith(".pcap"))
        for name in names + [os.path.join("..", "corpus", "http", "wikipedia-keepalive.pcap")]:
            with self.subTest(capture=name):
                run = convert(os.path.join(CRAFTED, name), self.work.sub("csv-" + os.path.basename(name)),
                              formats="jsonl,csv")
                self.assertEqual(run.rc, 0, run.stderr)
                with open(os.path.join(run.outdir, "http.csv"), newline="", encoding="utf-8") as f:
                    rows = list(csv.DictReader(f))
                want = [(r["flow_id"], r["seq"], i, tx) for r in run.records
                        for i, tx in enumerate(r["http"] or [])]
                self.assertEqual(len(rows), len(want))
                self.assertGreater(len(rows), 0)
                for row, (flow_id, seq, i, tx) in zip(rows, want):
                    self.assertEqual((row["flow_id"], row["seq"], row["index"]),
                                     (flow_id, str(seq), str(i)))
                    ua = tx.pop("ua") or {}
                    tx.update({"ua." + k: ua.get(k) for k in
                               ("browser", "browser_version", "os", "os_version", "device")})
                    self.assertEqual(sorted(list(row)[3:]), sorted(tx))
                    for key, value in tx.items():
                        cell = "" if value is None else str(value).lower() \
                            if isinstance(value, bool) else str(value)
                        self.assertEqual(row[key], cell, key)

    def test_user_agents_analysed_once(self):
        run, stats = self.run_capture("http-investigator.pcap")
        self.assertEqual(stats["l7"]["user_agents"], {"analysed": 1, "cache_hits": 1})
        manifest = json.loads(run.read("manifest.json"))
        db = manifest["databases"]["ua_regexes"]
        self.assertEqual(db["path"], "/usr/share/uap-core/regexes.yaml")
        self.assertEqual(len(db["sha256"]), 64)

    def test_l7_off(self):
        run, stats = self.run_capture("http-investigator.pcap", "--no-l7")
        (r,) = run.records
        self.assertIsNone(r["app"])
        self.assertIsNone(r["http"])
        self.assertEqual(stats["l7"]["streams"], 0)

    def test_tiny_caps_skip_holes_but_keep_step(self):
        """With a 1-byte connection cap nothing can be held: the byte-by-byte request
        becomes holes, counted, and the run still ends normally."""
        run, stats = self.run_capture("http-byte-by-byte.pcap", "--reasm-flow-cap", "1")
        self.assertGreater(stats["reasm"]["flow_cap_reached"], 0)
        self.assertGreater(stats["reasm"]["gaps"], 0)
        (r,) = run.records
        self.assertEqual(r["app"], "http")  # recognised by its response


if __name__ == "__main__":
    unittest.main()
