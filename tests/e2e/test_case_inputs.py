"""Case inputs: split, shuffled, compressed and archived captures, directories,
overlapping taps and --dedup, damaged containers, the manifest and `flowcase verify`.

The variants are built at test time with the system tools (editcap, gzip, xz,
zstd, bzip2, lz4, tar, zip, 7zz, cpio), never committed.
"""
import datetime
import hashlib
import json
import os
import random
import shutil
import subprocess
import unittest

from fclib import Workdir, convert, corpus, run_flowcase

WIKI = corpus("http/wikipedia-keepalive.pcap")
MIXED = [corpus("misc/mixed-1kxun.part%d.pcap" % n) for n in (1, 2, 3)]
PCAPNG = corpus("formats/pcapng-comments-2if-rtp.pcapng")

# Provenance names the file (and member) a packet came from, so it differs
# between forms of the same evidence; everything else must not.
PROVENANCE = ("first_packet", "last_packet")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def without_provenance(records):
    return [{k: v for k, v in r.items() if k not in PROVENANCE} for r in records]


def sh(*cmd, cwd=None):
    subprocess.run(cmd, check=True, cwd=cwd, capture_output=True)


class CaseInputs(unittest.TestCase):
    def setUp(self):
        self.work = Workdir()
        self.n = 0

    def tearDown(self):
        self.work.cleanup()

    def run_case(self, inputs, *options):
        self.n += 1
        return convert(inputs, self.work.sub("out%d" % self.n), *options)

    def split(self, capture, packets_per_part):
        """editcap -c pieces of a capture, in their natural order."""
        d = self.work.sub("split-%d" % self.n)
        os.makedirs(d, exist_ok=True)
        self.n += 1
        sh("editcap", "-c", str(packets_per_part), capture, os.path.join(d, "part.pcap"))
        return sorted(os.path.join(d, f) for f in os.listdir(d))

    def test_split_parts_in_any_order_give_the_same_records(self):
        whole = self.run_case(MIXED)
        self.assertEqual(whole.rc, 0)
        parts = self.split(MIXED[2], 40) + self.split(MIXED[0], 100) + MIXED[1:2]
        self.assertGreater(len(parts), 15)
        ordered = self.run_case(parts)
        shuffled = list(parts)
        random.Random(7).shuffle(shuffled)
        self.assertNotEqual(shuffled, parts)
        mixed_up = self.run_case(shuffled)
        self.assertEqual(ordered.rc, 0)
        for name in ("flows.jsonl", "stats.json", "flows.index"):
            self.assertEqual(ordered.read(name), mixed_up.read(name), name)
        self.assertEqual(without_provenance(ordered.records), without_provenance(whole.records))
        self.assertEqual(ordered.counter("packets.read"), 1723)

    def test_flow_spanning_files_is_one_flow(self):
        parts = [corpus("formats/split/" + f) for f in
                 sorted(os.listdir(corpus("formats/split")))]
        run = self.run_case(list(reversed(parts)))
        whole = self.run_case(WIKI)
        self.assertEqual(without_provenance(run.records), without_provenance(whole.records))
        spanning = [r for r in run.records
                    if r["first_packet"]["file"] != r["last_packet"]["file"]]
        self.assertTrue(spanning)
        for r in spanning:
            self.assertLess(parts.index(r["first_packet"]["file"]),
                            parts.index(r["last_packet"]["file"]))

    def compressed_forms(self, capture):
        """The capture compressed and archived in every supported way."""
        d = self.work.sub("forms")
        os.makedirs(d, exist_ok=True)
        name = os.path.basename(capture)
        plain = os.path.join(d, name)
        shutil.copy(capture, plain)
        forms = {}
        for tool, ext in (("gzip", "gz"), ("xz", "xz"), ("zstd", "zst"), ("bzip2", "bz2"),
                          ("lz4", "lz4")):
            out = "%s.%s" % (plain, ext)
            with open(out, "wb") as f:
                subprocess.run([tool, "-c", plain], check=True, stdout=f)
            forms[ext] = out
        forms["tar.gz"] = os.path.join(d, "case.tar.gz")
        sh("tar", "czf", forms["tar.gz"], name, cwd=d)
        forms["tar.xz of .pcap.gz"] = os.path.join(d, "case-gz.tar.xz")
        sh("tar", "cJf", forms["tar.xz of .pcap.gz"], name + ".gz", cwd=d)
        forms["zip"] = os.path.join(d, "case.zip")
        sh("zip", "-q", forms["zip"], name, cwd=d)
        forms["7z"] = os.path.join(d, "case.7z")
        sh("7zz", "a", "-bd", "-bso0", forms["7z"], name, cwd=d)
        forms["cpio.zst"] = os.path.join(d, "case.cpio.zst")
        listing = subprocess.run(["cpio", "-o", "-H", "newc"], input=name.encode(), cwd=d,
                                 check=True, capture_output=True).stdout
        with open(forms["cpio.zst"], "wb") as f:
            subprocess.run(["zstd", "-c"], input=listing, check=True, stdout=f)
        return plain, forms

    def test_every_compressed_and_archived_form_gives_the_same_records(self):
        plain, forms = self.compressed_forms(PCAPNG)
        ref = self.run_case(plain)
        self.assertEqual(ref.rc, 0)
        for kind, path in forms.items():
            with self.subTest(form=kind):
                run = self.run_case(path)
                self.assertEqual(run.rc, 0, run.stderr)
                self.assertEqual(without_provenance(run.records), without_provenance(ref.records))
                self.assertEqual(run.read("stats.json"), ref.read("stats.json"))
                [entry] = run.manifest["inputs"]
                self.assertEqual(entry["sha256"], sha256(path))
                [cap] = entry["captures"]
                self.assertEqual(cap["packets"], 112)
                self.assertEqual(cap["format"], "pcapng")
                member = run.records[0]["first_packet"]["member"]
                if kind in ("tar.gz", "zip", "7z", "cpio.zst"):
                    self.assertEqual(member, os.path.basename(PCAPNG))
                    self.assertEqual(cap["member_sha256"], sha256(plain))
                elif kind == "tar.xz of .pcap.gz":
                    self.assertEqual(member, os.path.basename(PCAPNG) + ".gz")
                    self.assertEqual(cap["member_sha256"], sha256(forms["gz"]))
                    self.assertEqual(cap["capture_sha256"], sha256(plain))
                    self.assertEqual(cap["compression"], "gzip")
                else:
                    self.assertIsNone(member)
                    self.assertEqual(cap["capture_sha256"], sha256(plain))
                    self.assertEqual(entry["compression"], cap["compression"])

    def test_manifest_describes_the_run(self):
        _, forms = self.compressed_forms(PCAPNG)
        run = self.run_case([forms["zip"], WIKI])
        m = run.manifest
        self.assertEqual(m["command_line"][1:5], ["convert", "-q", "-o", run.outdir])
        self.assertEqual(m["exit_status"], 0)
        self.assertEqual(m["options"]["idle_timeout"], "300s")
        self.assertLessEqual(m["started"], m["finished"])
        self.assertEqual([i["path"] for i in m["inputs"]], [forms["zip"], WIKI])
        wiki = m["inputs"][1]
        self.assertEqual((wiki["size"], wiki["sha256"]), (os.path.getsize(WIKI), sha256(WIKI)))
        self.assertEqual(wiki["absolute_path"], os.path.realpath(WIKI))
        mtime = os.stat(WIKI).st_mtime_ns
        self.assertEqual(wiki["modified"], "%s.%09dZ" % (
            datetime.datetime.fromtimestamp(mtime // 10**9, datetime.timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%S"), mtime % 10**9))
        self.assertIsNone(wiki["container"])
        self.assertEqual(wiki["captures"][0]["linktypes"], ["EN10MB"])
        self.assertEqual(wiki["captures"][0]["first_packet_time"],
                         "2011-03-18T19:06:07.096535000Z")
        self.assertEqual(m["inputs"][0]["container"], "zip")
        outputs = {o["path"]: o for o in m["outputs"]}
        self.assertEqual(sorted(outputs), ["flows.index", "flows.jsonl", "stats.json"])
        for name, o in outputs.items():
            path = os.path.join(run.outdir, name)
            self.assertEqual((o["size"], o["sha256"]), (os.path.getsize(path), sha256(path)))

    def test_directories_are_walked_and_other_files_reported(self):
        d = self.work.sub("case")
        os.makedirs(os.path.join(d, "tap2", "rotated"))
        parts = sorted(os.listdir(corpus("formats/split")))
        for i, f in enumerate(parts):
            sub = d if i == 0 else os.path.join(d, "tap2", "rotated")
            shutil.copy(corpus("formats/split/" + f), sub)
        with open(os.path.join(d, "notes.txt"), "w") as f:
            f.write("case 42: taps 1 and 2\n")
        run = self.run_case(d)
        whole = self.run_case(WIKI)
        self.assertEqual(run.rc, 0, run.stderr)
        self.assertEqual(without_provenance(run.records), without_provenance(whole.records))
        inputs = run.manifest["inputs"]
        self.assertEqual(len(inputs), 4)
        notes = [i for i in inputs if i["path"].endswith("notes.txt")][0]
        self.assertFalse(notes["named"])
        [cap] = notes["captures"]
        self.assertTrue(cap["skipped"])
        self.assertEqual(cap["notices"], 1)
        self.assertIn("not a pcap or pcapng capture", cap["messages"][0]["message"])

    def test_overlapping_taps_merge_and_dedup_drops_the_copies(self):
        a, b = self.work.sub("tap-a.pcap"), self.work.sub("tap-b.pcap")
        shutil.copy(WIKI, a)
        shutil.copy(WIKI, b)
        one = self.run_case(WIKI)
        both = self.run_case([b, a])
        self.assertEqual(len(both.records), len(one.records))
        for r1, r2 in zip(one.records, both.records):
            self.assertEqual(r2["src_packets"], 2 * r1["src_packets"])
            self.assertEqual(r2["flow_id"], r1["flow_id"])
        dedup = self.run_case([b, a], "--dedup")
        self.assertEqual(without_provenance(dedup.records), without_provenance(one.records))
        self.assertEqual(dedup.counter("packets.duplicates"), one.counter("packets.ip"))
        self.assertEqual(dedup.counter("packets.ip"), one.counter("packets.ip"))
        self.assertEqual(dedup.counter("flows"), one.counter("flows"))
        # Copies further apart than the window (default 50 ms) are not duplicates.
        late = self.work.sub("late.pcap")
        sh("editcap", "-t", "0.2", WIKI, late)
        far = self.run_case([a, late], "--dedup")
        self.assertEqual(far.counter("packets.duplicates"), 0)
        # The capture repeats one IPv6 datagram byte for byte 99.8 ms later
        # (frames 129 and 133): a window that long takes it for a copy.
        wide = self.run_case(WIKI, "--dedup", "--dedup-window", "100ms")
        self.assertEqual(wide.counter("packets.duplicates"), 1)

    def test_truncated_gzip_keeps_what_was_readable(self):
        gz = self.work.sub("cut.pcap.gz")
        with open(gz, "wb") as f:
            subprocess.run(["gzip", "-c", MIXED[2]], check=True, stdout=f)
        size = os.path.getsize(gz)
        with open(gz, "r+b") as f:
            f.truncate(size // 2)
        run = self.run_case([gz, WIKI])
        self.assertEqual(run.rc, 3)
        self.assertIn(gz, run.stderr)
        self.assertIn("truncated gzip input", run.stderr)
        cut = run.inputs()[0]
        self.assertGreater(cut["packets"], 100)
        self.assertEqual(cut["errors"], 2)  # the gzip stream, and the packet it cut
        packet_msgs = [m for m in cut["messages"] if m["packet"]]
        self.assertEqual(packet_msgs[0]["packet"], cut["packets"] + 1)
        self.assertEqual(run.inputs()[1]["packets"], 136)  # the next input is read whole
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records),
                         run.counter("packets.ip"))
        self.assertEqual(run.manifest["inputs"][0]["sha256"], sha256(gz))

    def test_corrupt_zip_member_is_reported(self):
        _, forms = self.compressed_forms(PCAPNG)
        bad = self.work.sub("corrupt.zip")
        with open(forms["zip"], "rb") as f:
            data = bytearray(f.read())
        data[len(data) // 2] ^= 0xFF  # inside the deflated member
        with open(bad, "wb") as f:
            f.write(data)
        run = self.run_case(bad)
        self.assertEqual(run.rc, 3)
        self.assertIn("corrupt.zip (member pcapng-comments-2if-rtp.pcapng)", run.stderr)
        [cap] = run.manifest["inputs"][0]["captures"]
        self.assertTrue(any(m["level"] in ("error", "warning") for m in cap["messages"]))

    def test_unreadable_input_is_reported(self):
        missing = self.work.sub("no-such.pcap")
        run = self.run_case([missing, WIKI])
        self.assertEqual(run.rc, 3)
        self.assertIn(missing, run.stderr)
        self.assertEqual(len(run.records), 34)
        self.assertIsNone(run.manifest["inputs"][0]["sha256"])


class Verify(unittest.TestCase):
    def setUp(self):
        self.work = Workdir()
        self.capture = self.work.sub("evidence.pcap.xz")
        with open(self.capture, "wb") as f:
            subprocess.run(["xz", "-c", WIKI], check=True, stdout=f)
        self.out = self.work.sub("out")
        run = convert(self.capture, self.out, formats="jsonl,csv")
        self.assertEqual(run.rc, 0)

    def tearDown(self):
        self.work.cleanup()

    def flip(self, path, offset):
        with open(path, "r+b") as f:
            f.seek(offset)
            byte = f.read(1)
            f.seek(offset)
            f.write(bytes([byte[0] ^ 1]))

    def test_fresh_output_verifies(self):
        p = run_flowcase("verify", self.out)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("ok       input  " + self.capture, p.stdout)
        with open(os.path.join(self.out, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        names = [o["path"] for o in manifest["outputs"]]
        for name in ("flows.jsonl", "flows.csv", "http.csv", "tls.csv", "dns.csv", "stats.json"):
            self.assertIn(name, names)
        for name in names:
            self.assertIn("ok       output " + name, p.stdout)
        self.assertIn("%d ok, 0 missing or changed" % (len(names) + 1), p.stdout)

    def test_a_changed_byte_anywhere_is_named(self):
        for target in (self.capture, os.path.join(self.out, "flows.csv"),
                       os.path.join(self.out, "stats.json")):
            with self.subTest(target=os.path.basename(target)):
                self.flip(target, 50)
                p = run_flowcase("verify", self.out)
                self.assertEqual(p.returncode, 1)
                changed = [line for line in p.stdout.splitlines() if line.startswith("CHANGED")]
                self.assertEqual(len(changed), 1, p.stdout)
                self.assertIn(os.path.basename(target), changed[0])
                self.flip(target, 50)
        self.assertEqual(run_flowcase("verify", self.out).returncode, 0)

    def test_missing_files_and_bad_manifests(self):
        os.remove(os.path.join(self.out, "flows.jsonl"))
        p = run_flowcase("verify", self.out)
        self.assertEqual(p.returncode, 1)
        self.assertIn("MISSING  output flows.jsonl", p.stdout)
        self.assertEqual(run_flowcase("verify", self.work.sub("nowhere")).returncode, 2)
        with open(os.path.join(self.out, "manifest.json"), "w") as f:
            json.dump({"hello": 1}, f)
        p = run_flowcase("verify", self.out)
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a flowcase manifest", p.stderr)


if __name__ == "__main__":
    unittest.main()
