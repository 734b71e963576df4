"""The convert command line: outputs, determinism, stdout, config, filter, usage errors."""
import json
import os
import unittest

from fclib import Workdir, convert, corpus, run_flowcase

WIKI = corpus("http/wikipedia-keepalive.pcap")
MULTI = corpus("formats/pcapng-multi-interface.pcapng")


class ConvertCli(unittest.TestCase):
    def setUp(self):
        self.work = Workdir()

    def tearDown(self):
        self.work.cleanup()

    def test_outputs_are_byte_identical_between_runs(self):
        a = convert([WIKI, MULTI], self.work.sub("a"), formats="jsonl,csv")
        b = convert([WIKI, MULTI], self.work.sub("b"), formats="jsonl,csv")
        self.assertEqual(a.rc, 0)
        for name in ("flows.jsonl", "flows.csv", "stats.json"):
            self.assertEqual(a.read(name), b.read(name), name)
        self.assertEqual(len(a.records), 34 + 3)
        self.assertFalse([f for f in os.listdir(a.outdir) if f.endswith(".part")])

    def test_csv_has_the_same_records_as_jsonl(self):
        run = convert(WIKI, self.work.sub("o"), formats="jsonl,csv")
        rows = run.csv_rows()
        self.assertEqual(len(rows), len(run.records))
        for rec, row in zip(run.records, rows):
            self.assertEqual(row["flow_id"], rec["flow_id"])
            self.assertEqual(row["first_packet.number"], str(rec["first_packet"]["number"]))
            self.assertEqual(row["src_bytes"], str(rec["src_bytes"]))
            self.assertEqual(row["duration"], json.dumps(rec["duration"]))
            tcp = rec["tcp"]
            self.assertEqual(row["tcp.src_mss"], "" if not tcp or tcp["src_mss"] is None
                             else str(tcp["src_mss"]))
        with open(os.path.join(run.outdir, "flows.csv"), "rb") as f:
            header = f.readline()
        self.assertTrue(header.startswith(b"flow_id,seq,community_id,start,end,"))
        self.assertTrue(header.endswith(b"\r\n"))

    def test_stdout_streams_json_lines(self):
        p = run_flowcase("convert", "-q", "-o", "-", WIKI)
        self.assertEqual(p.returncode, 0)
        lines = [json.loads(line) for line in p.stdout.splitlines()]
        run = convert(WIKI, self.work.sub("o"))
        self.assertEqual(lines, run.records)
        self.assertEqual(p.stderr, "")

    def test_stdout_takes_one_format(self):
        p = run_flowcase("convert", "-o", "-", "--format", "jsonl,csv", WIKI)
        self.assertEqual(p.returncode, 2)
        self.assertIn("one format", p.stderr)

    def test_filter_selects_before_decoding(self):
        run = convert(WIKI, self.work.sub("o"), "--filter", "tcp port 80")
        self.assertEqual(run.rc, 0)
        self.assertEqual(len(run.records), 10)
        self.assertTrue(all(r["proto"] == 6 for r in run.records))
        self.assertEqual(run.counter("packets.read"), 136)
        self.assertEqual(run.counter("packets.filtered_out"), 136 - sum(
            r["src_packets"] + r["dst_packets"] for r in run.records))

    def test_bad_filter_is_a_usage_error(self):
        p = run_flowcase("convert", "-o", self.work.sub("o"), "--filter", "tcp prot 80", WIKI)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--filter", p.stderr)
        self.assertFalse(os.path.exists(self.work.sub("o")))

    def test_config_file_and_flags(self):
        cfg = self.work.sub("case.yaml")
        with open(cfg, "w") as f:
            f.write(f"output: {self.work.sub('from-config')}\nformat: csv\n"
                    f"idle_timeout: 60s\ninputs: [{WIKI}]\n")
        p = run_flowcase("convert", "--config", cfg, "--idle-timeout", "90s", "--print-config")
        self.assertEqual(p.returncode, 0)
        self.assertIn("idle_timeout: 90s", p.stdout)
        self.assertIn("format: csv", p.stdout)
        self.assertIn(WIKI, p.stdout)
        p = run_flowcase("convert", "-q", "--config", cfg)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(os.path.exists(os.path.join(self.work.sub("from-config"), "flows.csv")))

    def test_config_errors_name_file_line_and_key(self):
        cfg = self.work.sub("bad.yaml")
        with open(cfg, "w") as f:
            f.write("output: x\nmax_flows: lots\n")
        p = run_flowcase("convert", "--config", cfg, WIKI)
        self.assertEqual(p.returncode, 2)
        self.assertIn(f"{cfg}:2: key 'max_flows'", p.stderr)

    def test_usage_errors(self):
        self.assertEqual(run_flowcase("convert", WIKI).returncode, 2)  # no -o
        self.assertEqual(run_flowcase("convert", "-o", self.work.sub("o")).returncode, 2)
        self.assertEqual(run_flowcase("convert", "--bogus").returncode, 2)
        self.assertEqual(run_flowcase("frobnicate").returncode, 2)
        p = run_flowcase("convert", "-o", "x", "--format", "xml", WIKI)
        self.assertEqual(p.returncode, 2)
        self.assertIn("'xml'", p.stderr)

    def test_help_and_version(self):
        p = run_flowcase("--version")
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^flowcase \d+\.\d+\.\d+\n$")
        p = run_flowcase("convert", "--help")
        self.assertEqual(p.returncode, 0)
        for flag in ("--output", "--filter", "--idle-timeout", "--config", "--print-config"):
            self.assertIn(flag, p.stdout)
        self.assertEqual(run_flowcase("--help").returncode, 0)

    def test_stats_describe_each_input(self):
        run = convert([WIKI, MULTI], self.work.sub("o"))
        inputs = run.inputs()
        self.assertEqual([i["path"] for i in inputs], [WIKI, MULTI])
        self.assertEqual(inputs[0]["format"], "pcap")
        self.assertEqual(inputs[0]["packets"], 136)
        self.assertEqual(inputs[0]["linktypes"], ["EN10MB"])
        self.assertEqual(inputs[0]["first_packet_time"], "2011-03-18T19:06:07.096535000Z")
        self.assertEqual(inputs[1]["format"], "pcapng")
        self.assertEqual(inputs[1]["packets"], 6)
        self.assertEqual(run.counter("packets.read"), 142)
        self.assertEqual(run.stats["linktypes"], {"EN10MB": 142})
        self.assertEqual(run.counter("flows.records"), len(run.records))

    def test_flow_ids_are_unique_even_for_repeated_packets(self):
        # This capture holds a stretch of packets twice (its time runs
        # 2015 -> 2020 -> 2015 again): same keys, same first packet times.
        run = convert(corpus("tls/tls-ja3-ja4-ipfixprobe.pcap"), self.work.sub("o"))
        ids = [r["flow_id"] for r in run.records]
        self.assertEqual(len(ids), 35)
        self.assertEqual(len(set(ids)), len(ids))

    def test_records_cite_file_and_packet_number(self):
        run = convert([WIKI, MULTI], self.work.sub("o"))
        last = run.records[-1]
        self.assertEqual(last["first_packet"]["file"], MULTI)
        by_file = {}
        for r in run.records:
            by_file.setdefault(r["first_packet"]["file"], []).append(r["first_packet"]["number"])
        self.assertEqual(sorted(by_file), sorted([WIKI, MULTI]))
        self.assertEqual(min(by_file[WIKI]), 1)


if __name__ == "__main__":
    unittest.main()
