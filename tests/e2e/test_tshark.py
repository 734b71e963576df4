"""flowcase against tshark, capture by capture.

For every capture under tests/data/corpus and every valid crafted capture:

* packets: the sum of src_packets + dst_packets over all records equals the number of
  frames tshark matches with the display filter "ip or ipv6" (frames with an IP layer;
  frames are counted once however deep the IP is nested). Where the two legitimately
  differ, the exact difference is asserted and explained (DIFFERENCES).
* Community ID (captures without tunnels): each record's community_id equals the one
  tshark computes (`--enable-protocol communityid`) for the record's first and for its
  last packet, and every id tshark computes for any packet of the capture is one of the
  records' ids. tshark hashes an IP fragment it has not reassembled without ports: for
  those frames its id must be the port-less id of the record's addresses and protocol.
  Frames tshark gives no id (protocols it has no rule for, IPv6 fragments, packets
  without addresses) are skipped, and counted.
"""
import glob
import os
import shutil
import subprocess
import unittest

from fclib import DATA, Workdir, community_id, convert, corpus, crafted, crafted_manifest

TSHARK = shutil.which("tshark")
IP_FILTER = "ip or ipv6"
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz")

CORPUS_DIR = os.path.join(DATA, "corpus")
CORPUS = sorted(os.path.relpath(p, CORPUS_DIR)
                for p in glob.glob(os.path.join(CORPUS_DIR, "**", "*"), recursive=True)
                if p.endswith(CAPTURE_SUFFIXES))
MANIFEST = crafted_manifest()

# Crafted files that are not valid captures (test_bad_input.py covers them).
CRAFTED_SKIP = {
    "h01_not_a_capture.pcap": "not a capture file (tshark cannot read it either)",
    "h02_empty.pcap": "empty file, no capture header",
    "h04_truncated_record_data.pcap": "damaged: last record cut short",
    "h05_truncated_record_header.pcap": "damaged: last record header cut short",
    "h07_caplen_huge.pcap": "damaged: impossible record length",
    "h08_pcapng_bad_block_length.pcapng": "damaged pcapng block (tshark reads past it, "
                                          "flowcase stops)",
    "h09_pcapng_trailer_mismatch.pcapng": "damaged pcapng block",
    "h10_pcapng_bad_interface_id.pcapng": "damaged pcapng block (undeclared interface)",
}
CRAFTED = sorted(n for n in MANIFEST if n not in CRAFTED_SKIP)

# Corpus files that neither tool can read.
CORPUS_SKIP = {
    "formats/bad/pcap-invalid-version.pcap": "invalid pcap version: no tool reads it",
    "formats/bad/pcapng-invalid-version.pcapng": "invalid pcapng version: no tool reads it",
}
# Damaged files read up to the damage: tshark exits non-zero after the frames it read.
TSHARK_MAY_FAIL = {"formats/bad/truncated-mid-record.pcap"}

# Extra tshark options for a capture (decode-as for what tshark does not guess).
TSHARK_OPTIONS = {
    # tshark's MPLS heuristic takes the pseudowire control word for an Ethernet header;
    # with decode-as it decodes eth:mpls:pwethcw:eth:ip as flowcase does.
    "c07_mpls_pw_eth.pcap": ("-d", "mpls.label==2000,pwethcw", "-d", "mpls.label==4000,pwethcw"),
}

# Legitimate differences: (tshark "ip or ipv6" frames) - (packets in flowcase records).
# "malformed": the difference must equal flowcase's packets.malformed counter.
DIFFERENCES = {
    # DLT_NULL family 10 (Linux AF_INET6) is IPv6 to flowcase; Wireshark only knows the
    # BSD AF_INET6 values (24, 28, 30) and shows frames 13-14 as null:data.
    "b08_null_le.pcap": (-2, None),
    "b09_null_be.pcap": (-2, None),
    # Frame 6: IPv4 header cut after 10 bytes by the snaplen; tshark shows an ip layer
    # without addresses, flowcase counts it as malformed (no flow can hold it).
    "h11_snaplen_truncated.pcap": (1, "malformed"),
    # Frames 3, 4, 6, 8: invalid IPv4/IPv6 headers (IHL 3, version 5, extension header
    # overrun, total length 16) that tshark still shows as ip/ipv6 with expert errors;
    # flowcase counts them as malformed.
    "h12_malformed_packets.pcap": (4, "malformed"),
    # 20 bytes captured: Ethernet + 6 bytes of IPv4 header; tshark shows an ip layer,
    # flowcase cannot read the addresses and counts the packet as malformed.
    "formats/bad/ip4-packet-truncated.pcap": (1, "malformed"),
}

# Captures with tunnels (IP in GRE/ERSPAN/VXLAN/Geneve/GTP-U/IPv6-in-IPv4): tshark's
# Community ID is the inner flow's; flowcase does not decapsulate tunnels yet.
TUNNELS = {
    "encap/erspan-type1.pcap", "encap/erspan-type2.pcap", "encap/erspan-type3.pcap",
    "encap/geneve.pcap", "encap/gre-erspan-vxlan-http.pcap", "encap/gre-sample.pcap",
    "encap/gtpu-outer-frag-http.pcap", "encap/ipv6-in-ipv4.pcap",
    "encap/sll-gtpu-iphone.pcap", "encap/vxlan.pcap",
}

CID_FIELDS = ("frame.number", "frame.encap_type", "communityid", "ip.flags.mf",
              "ip.frag_offset", "ipv6.fraghdr.offset")


def tshark_rows(path, display_filter, fields, extra=(), may_fail=False):
    cmd = [TSHARK, "-n", "-r", path, *extra, "-T", "fields"]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0 and not may_fail:
        raise RuntimeError("tshark failed on %s: %s" % (path, p.stderr))
    return [line.split("\t") for line in p.stdout.splitlines()]


def first(value):
    return value.split(",")[0] if value else ""


@unittest.skipIf(TSHARK is None, "tshark is not installed")
class TsharkBase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.work = Workdir()
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def flowcase(self, paths):
        type(self).count += 1
        return convert(paths, self.work.sub("run%d" % self.count))

    def tshark_ip_frames(self, path, key, may_fail=False):
        rows = tshark_rows(path, IP_FILTER, ("frame.number",), TSHARK_OPTIONS.get(key, ()),
                           may_fail)
        return len(rows)

    def check_packets(self, key, path, run, tshark_path=None, may_fail=False):
        """Packets in records vs tshark's IP frames, with the known difference."""
        in_records = sum(r["src_packets"] + r["dst_packets"] for r in run.records)
        self.assertEqual(in_records, run.counter("packets.ip"), key)
        frames = self.tshark_ip_frames(tshark_path or path, key, may_fail)
        diff, why = DIFFERENCES.get(key, (0, None))
        self.assertEqual(frames - in_records, diff,
                         "%s: tshark %d IP frames, flowcase %d packets in records"
                         % (key, frames, in_records))
        if why == "malformed":
            self.assertEqual(run.counter("packets.malformed"), diff, key)
        return in_records

    def check_community_ids(self, key, path, run):
        """Record ids against tshark's per-packet ids (see the module doc)."""
        rows = tshark_rows(path, None, CID_FIELDS,
                           ("--enable-protocol", "communityid") + TSHARK_OPTIONS.get(key, ()))
        # flowcase numbers the packets of a file; tshark also numbers non-packet
        # pcapng blocks it shows (custom blocks): those have no encapsulation type.
        packets = [r for r in rows if r[1]]
        by_number = {i + 1: r for i, r in enumerate(packets)}
        self.assertEqual(len(packets), run.inputs()[0]["packets"], key)

        def is_fragment(row):
            return (first(row[3]) == "1" or first(row[4]) not in ("", "0")
                    or row[5] != "")

        ids = {r["community_id"] for r in run.records if r["community_id"]}
        portless = {}
        for r in run.records:
            portless[community_id(r["src_ip"], r["dst_ip"], r["proto"])] = r
        checked = skipped = 0
        for r in run.records:
            for which in ("first_packet", "last_packet"):
                row = by_number[r[which]["number"]]
                tid = row[2]
                if not tid or not r["community_id"]:
                    skipped += 1          # tshark (or flowcase) has no id for this packet
                    continue
                checked += 1
                if is_fragment(row) and tid != r["community_id"]:
                    self.assertEqual(tid, community_id(r["src_ip"], r["dst_ip"], r["proto"]),
                                     "%s %s %d: un-reassembled fragment"
                                     % (key, which, r[which]["number"]))
                else:
                    self.assertEqual(r["community_id"], tid,
                                     "%s: %s %d of %s:%s -> %s:%s"
                                     % (key, which, r[which]["number"], r["src_ip"],
                                        r["src_port"], r["dst_ip"], r["dst_port"]))
        for row in packets:
            tid = row[2]
            if not tid or tid in ids:
                continue
            self.assertTrue(is_fragment(row) and tid in portless,
                            "%s: frame %s has tshark id %s, which no record has"
                            % (key, row[0], tid))
        return checked, skipped


def _corpus_test(rel):
    def test(self):
        if rel in CORPUS_SKIP:
            self.skipTest(CORPUS_SKIP[rel])
        path = corpus(rel)
        tshark_path = path
        run = self.flowcase(path)  # tshark and flowcase both read .gz directly
        may_fail = rel in TSHARK_MAY_FAIL
        self.assertEqual(run.rc, 3 if may_fail else 0, run.stderr)
        self.check_packets(rel, path, run, tshark_path, may_fail)
        if rel in TUNNELS:
            return          # Community IDs: see TUNNELS
        if may_fail:
            return          # tshark stops with an error; packets compared above
        self.check_community_ids(rel, path, run)
    test.__doc__ = "corpus/%s: packets and Community IDs agree with tshark" % rel
    return test


def _crafted_test(name):
    def test(self):
        path = crafted(name)
        run = self.flowcase(path)
        self.assertEqual(run.rc, 3 if MANIFEST[name]["damage"] else 0, run.stderr)
        self.check_packets(name, path, run)
        self.check_community_ids(name, path, run)
    test.__doc__ = "crafted/%s: packets and Community IDs agree with tshark" % name
    return test


def _name(s):
    return "".join(c if c.isalnum() else "_" for c in s)


class TsharkCorpus(TsharkBase):
    """One test per corpus capture (generated below)."""

    def test_mixed_1kxun_parts_in_one_run(self):
        # The three pieces of misc/mixed-1kxun.pcap, read in order as one capture.
        parts = [corpus("misc/mixed-1kxun.part%d.pcap" % i) for i in (1, 2, 3)]
        run = self.flowcase(parts)
        self.assertEqual(run.rc, 0, run.stderr)
        frames = sum(self.tshark_ip_frames(p, p) for p in parts)
        self.assertEqual(frames, 1723)
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records), frames)


class TsharkCrafted(TsharkBase):
    """One test per valid crafted capture (generated below)."""

    def test_skipped_crafted_files_are_the_damaged_ones(self):
        for name, why in CRAFTED_SKIP.items():
            self.assertIsNotNone(MANIFEST[name]["damage"], "%s skipped: %s" % (name, why))


for _rel in CORPUS:
    setattr(TsharkCorpus, "test_" + _name(_rel), _corpus_test(_rel))
for _n in CRAFTED:
    setattr(TsharkCrafted, "test_" + _name(_n), _crafted_test(_n))


if __name__ == "__main__":
    unittest.main()
