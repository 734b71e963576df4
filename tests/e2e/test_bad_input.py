"""Damaged and malformed input: exit status, diagnostics, what is still converted.

Inputs: the crafted bad files h01-h12 (their damage, packet number and byte offset
come from the generator's manifest, tests/tools/craft_captures.py) and the corpus'
formats/bad/ files. flowcase's contract: exit 3 when an input is damaged or
unreadable (everything readable is still converted), 0 for a valid file; every
problem is reported on stderr naming the file and the packet number or byte offset,
and listed in stats.json (inputs[].messages: level, packet, offset, message); other
inputs on the same command line are read fully; malformed packets are counted by
reason in stats.json's counters and never crash the run.
"""
import os
import re
import struct
import unittest

from fclib import Workdir, convert, corpus, crafted, crafted_manifest, tshark_fields

MANIFEST = crafted_manifest()
H_FILES = sorted(n for n in MANIFEST if n.startswith("h"))

# Damage that is not inside one packet's data: a pcapng block whose own length
# fields are invalid cannot be framed, so naming the packet it would have been is
# optional there; the byte offset must be exact.
PACKET_OPTIONAL = {"h08_pcapng_bad_block_length.pcapng", "h09_pcapng_trailer_mismatch.pcapng"}

GOOD_BEFORE = crafted("a01_pcap_usec_le.pcap")
GOOD_AFTER = crafted("f01_tcp_full.pcap")

TRUNCATED = corpus("formats/bad/truncated-mid-record.pcap")
TRUNCATED_SOURCE = corpus("http/pipelined-requests.pcap")


def pcap_records(path):
    """(packet number, byte offset, complete?) of each record of a classic pcap file,
    read with struct from the file itself; stops at the first incomplete record."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("not a classic pcap file: " + path)
    out, off, n = [], 24, 0
    while off < len(data):
        n += 1
        if off + 16 > len(data):
            out.append((n, off, False))
            break
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        complete = off + 16 + caplen <= len(data)
        out.append((n, off, complete))
        if not complete:
            break
        off += 16 + caplen
    return out


def flow_summary(records):
    return sorted((r["proto"], r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"],
                   r["src_packets"], r["dst_packets"], r["src_bytes"], r["dst_bytes"])
                  for r in records)


def expected_summary(entry):
    return sorted((f["proto"], f["src"], f["key_ports"][0], f["dst"], f["key_ports"][1],
                   f["pkts_fwd"], f["pkts_rev"], f["bytes_fwd"], f["bytes_rev"])
                  for f in entry["flows"])


class BadInputBase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.work = Workdir()
        self.n = 0

    def tearDown(self):
        self.work.cleanup()

    def convert(self, inputs, *options):
        self.n += 1
        return convert(inputs, self.work.sub("out%d" % self.n), *options)

    def assert_invariants(self, run, label):
        """Counters that hold for every run: each packet read is filtered, attributed to
        exactly one flow, not IP, or malformed; the records' packets add up."""
        c = run.stats["counters"]
        p = c["packets"]
        self.assertEqual(p["read"], p["filtered_out"] + p["filter_unusable"] + p["ip"]
                         + p["not_ip"] + p["malformed"], label)
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records),
                         p["ip"], label)
        self.assertEqual(c["flows"]["records"], len(run.records), label)

    def assert_reported(self, run, path, level, packet, offset, packet_optional=False):
        """One diagnostic for `path` at (level, packet, offset), on stderr and in stats."""
        label = os.path.basename(path)
        info = [i for i in run.inputs() if i["path"] == path]
        self.assertEqual(len(info), 1, label)
        info = info[0]
        self.assertEqual(len(info["messages"]), 1, "%s: %s" % (label, info["messages"]))
        m = info["messages"][0]
        self.assertEqual(m["level"], level, label)
        self.assertEqual(m["offset"], offset, label)
        if packet_optional:
            self.assertIn(m["packet"], (packet, None), label)
        else:
            self.assertEqual(m["packet"], packet, label)
        self.assertTrue(m["message"], label)
        self.assertEqual((info["errors"], info["warnings"]),
                         (1, 0) if level == "error" else (0, 1), label)
        # stderr: one line naming the file and the packet number or the byte offset;
        # whichever of the two it gives must be the right one.
        lines = [ln for ln in run.stderr.splitlines() if path in ln]
        self.assertEqual(len(lines), 1, "%s: stderr %r" % (label, run.stderr))
        line = lines[0]
        self.assertIn(level, line)
        self.assertIn(m["message"], line)
        packets = [int(n) for n in re.findall(r"\bpacket (\d+)", line.replace(path, ""))]
        offsets = [int(n) for n in re.findall(r"\boffset (\d+)", line.replace(path, ""))]
        self.assertTrue(packets or offsets, "%s: no packet number or offset in %r"
                        % (label, line))
        for n in packets:
            self.assertEqual(n, m["packet"], line)
        for n in offsets:
            self.assertEqual(n, offset, line)
        return info


class CraftedBadFiles(BadInputBase):
    """h01-h12, one at a time: the damage the generator put in each file."""

    def check_file(self, name):
        entry = MANIFEST[name]
        path = crafted(name)
        run = self.convert(path)
        damage = entry["damage"]
        self.assertIsNotNone(run.stats, name)
        self.assert_invariants(run, name)
        self.assertEqual(flow_summary(run.records), expected_summary(entry), name)
        if damage is None:
            self.assertEqual(run.rc, 0, run.stderr)
            self.assertEqual(run.stderr, "")
            self.assertEqual(run.inputs()[0]["messages"], [])
            self.assertEqual(run.counter("packets.read"), len(entry["packets"]))
            return run
        self.assertEqual(run.rc, 3, "%s: %s" % (name, run.stderr))
        info = self.assert_reported(run, path, damage["level"], damage["packet"],
                                    damage["offset"], name in PACKET_OPTIONAL)
        self.assertEqual(info["packets"], damage["packets_read"], name)
        self.assertEqual(run.counter("packets.read"), damage["packets_read"], name)
        return run

    def test_h01_not_a_capture(self):
        run = self.check_file("h01_not_a_capture.pcap")
        self.assertIsNone(run.inputs()[0]["format"])

    def test_h02_empty(self):
        run = self.check_file("h02_empty.pcap")
        self.assertIsNone(run.inputs()[0]["format"])

    def test_h03_header_only_is_valid(self):
        run = self.check_file("h03_header_only.pcap")
        self.assertEqual(run.inputs()[0]["format"], "pcap")
        self.assertEqual(run.records, [])

    def test_h04_truncated_record_data(self):
        self.check_file("h04_truncated_record_data.pcap")

    def test_h05_truncated_record_header(self):
        self.check_file("h05_truncated_record_header.pcap")

    def test_h04_h05_offsets_agree_with_the_file(self):
        # The damaged record is the 4th, right after 3 complete ones.
        for name in ("h04_truncated_record_data.pcap", "h05_truncated_record_header.pcap"):
            recs = pcap_records(crafted(name))
            self.assertEqual([(n, c) for n, _, c in recs],
                             [(1, True), (2, True), (3, True), (4, False)])
            self.assertEqual(recs[-1][1], MANIFEST[name]["damage"]["offset"])

    def test_h06_caplen_above_snaplen_is_a_warning(self):
        run = self.check_file("h06_caplen_gt_snaplen.pcap")
        self.assertEqual(run.inputs()[0]["errors"], 0)
        self.assertEqual(run.counter("packets.read"), 4)

    def test_h07_caplen_huge(self):
        self.check_file("h07_caplen_huge.pcap")

    def test_h08_pcapng_bad_block_length(self):
        self.check_file("h08_pcapng_bad_block_length.pcapng")

    def test_h09_pcapng_trailer_mismatch(self):
        self.check_file("h09_pcapng_trailer_mismatch.pcapng")

    # The block framing is intact: the EPB on an undeclared interface is skipped
    # with a warning and the packet after it is read (Wireshark stops there).
    def test_h10_pcapng_bad_interface_id(self):
        self.check_file("h10_pcapng_bad_interface_id.pcapng")

    def test_h11_snaplen_truncated_packets(self):
        run = self.check_file("h11_snaplen_truncated.pcap")
        # Frame 6 (IPv4 header cut after 10 bytes) is malformed; frames 1, 2, 4, 5 are
        # IP packets captured shorter than their IP length and still count in the flow;
        # frame 5's TCP header is cut right after the ports.
        self.assertEqual(run.counter("packets.malformed"), 1)
        self.assertEqual(run.counter("decode.ipv4.too_short"), 1)
        self.assertEqual(run.counter("packets.snaplen_truncated"), 4)
        self.assertEqual(run.counter("decode.tcp.header_truncated"), 1)

    def test_h12_malformed_packets_counted_by_reason(self):
        run = self.check_file("h12_malformed_packets.pcap")
        # Frames 3 (IHL 3), 4 (version 5), 6 (IPv6 ext header overrun), 8 (total length
        # 16 < 20) are malformed; frames 5 (TCP data offset 3) and 7 (UDP length 200 >
        # payload) keep their ports and count in flows, with their defect counted.
        self.assertEqual(run.counter("packets.malformed"), 4)
        self.assertEqual(run.counter("packets.ip"), 4)
        for counter in ("decode.ipv4.bad_hlen", "decode.ipv4.bad_version",
                        "decode.ipv6.ext_truncated", "decode.ipv4.bad_total_len",
                        "decode.tcp.bad_data_offset", "decode.udp.bad_length"):
            self.assertEqual(run.counter(counter), 1, counter)


class CorpusBadFiles(BadInputBase):
    """tests/data/corpus/formats/bad/."""

    def test_ip4_packet_truncated_is_a_valid_file(self):
        path = corpus("formats/bad/ip4-packet-truncated.pcap")
        run = self.convert(path)
        self.assertEqual(run.rc, 0, run.stderr)
        self.assertEqual(run.stderr, "")
        self.assert_invariants(run, path)
        info = run.inputs()[0]
        self.assertEqual((info["format"], info["packets"], info["messages"]), ("pcap", 1, []))
        # 20 bytes captured: Ethernet + 6 bytes of the IPv4 header. Nothing to attribute,
        # nothing read past the captured bytes.
        self.assertEqual(run.records, [])
        self.assertEqual(run.counter("packets.malformed"), 1)
        self.assertEqual(run.counter("decode.ipv4.too_short"), 1)

    def test_pcap_invalid_version(self):
        path = corpus("formats/bad/pcap-invalid-version.pcap")
        run = self.convert(path)
        self.assertEqual(run.rc, 3)
        self.assertEqual(run.records, [])
        self.assert_invariants(run, path)
        m = run.inputs()[0]["messages"]
        self.assertEqual(len(m), 1)
        # The header (offset 0) or its version field (offset 4) is named.
        self.assertIn(m[0]["offset"], (0, 4))
        self.assert_reported(run, path, "error", None, m[0]["offset"])
        self.assertIn("version", m[0]["message"])

    def test_pcapng_invalid_version(self):
        path = corpus("formats/bad/pcapng-invalid-version.pcapng")
        run = self.convert(path)
        self.assertEqual(run.rc, 3)
        self.assertEqual(run.records, [])
        m = run.inputs()[0]["messages"]
        self.assertEqual(len(m), 1)
        # The section header block (offset 0) or its version fields (offset 12).
        self.assertIn(m[0]["offset"], (0, 12))
        self.assert_reported(run, path, "error", None, m[0]["offset"])
        self.assertIn("version", m[0]["message"])

    def test_truncated_mid_record_keeps_the_30_packets(self):
        recs = pcap_records(TRUNCATED)
        self.assertEqual(len(recs), 31)
        self.assertFalse(recs[-1][2])
        run = self.convert(TRUNCATED)
        self.assertEqual(run.rc, 3)
        self.assert_invariants(run, TRUNCATED)
        self.assert_reported(run, TRUNCATED, "error", 31, recs[-1][1])
        self.assertEqual(run.inputs()[0]["packets"], 30)
        # The flows of the 30 complete packets, per direction, as tshark reads them.
        rows = tshark_fields(TRUNCATED, "ip", "ip.src", "tcp.srcport", "ip.len",
                             extra=("-c", "30"))
        self.assertEqual(len(rows), 30)
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records), 30)
        got = {}
        for r in run.records:
            got[(r["src_ip"], r["src_port"])] = (r["src_packets"], r["src_bytes"])
            got[(r["dst_ip"], r["dst_port"])] = (r["dst_packets"], r["dst_bytes"])
        want = {}
        for ip, port, iplen in rows:
            n, b = want.get((ip, int(port)), (0, 0))
            want[(ip, int(port))] = (n + 1, b + int(iplen))
        self.assertEqual(got, want)
        # Same endpoints and orientation as the complete capture's flow.
        full = self.convert(TRUNCATED_SOURCE)
        self.assertEqual([(r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"])
                          for r in run.records],
                         [(r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"])
                          for r in full.records])


class BadFileAmongGoodOnes(BadInputBase):
    """A damaged input between two good ones: the good ones are read fully."""

    def separate(self, path):
        run = self.convert(path)
        return flow_summary(run.records), run

    def test_bad_file_between_two_good_ones(self):
        before, before_run = self.separate(GOOD_BEFORE)
        after, after_run = self.separate(GOOD_AFTER)
        self.assertEqual((before_run.rc, after_run.rc), (0, 0))
        bad_files = [crafted(n) for n in H_FILES if MANIFEST[n]["damage"]] + [
            corpus("formats/bad/pcap-invalid-version.pcap"),
            corpus("formats/bad/pcapng-invalid-version.pcapng"), TRUNCATED]
        for bad in bad_files:
            with self.subTest(bad=os.path.basename(bad)):
                alone = self.convert(bad)
                run = self.convert([GOOD_BEFORE, bad, GOOD_AFTER])
                self.assertEqual(run.rc, 3)
                self.assert_invariants(run, bad)
                by_file = {}
                for r in run.records:
                    self.assertEqual(r["first_packet"]["file"], r["last_packet"]["file"])
                    by_file.setdefault(r["first_packet"]["file"], []).append(r)
                self.assertEqual(flow_summary(by_file.get(GOOD_BEFORE, [])), before)
                self.assertEqual(flow_summary(by_file.get(GOOD_AFTER, [])), after)
                self.assertEqual(flow_summary(by_file.get(bad, [])), flow_summary(alone.records))
                inputs = run.inputs()
                self.assertEqual([i["path"] for i in inputs], [GOOD_BEFORE, bad, GOOD_AFTER])
                for i, ref in ((inputs[0], before_run), (inputs[2], after_run)):
                    self.assertEqual((i["warnings"], i["errors"], i["messages"]), (0, 0, []))
                    self.assertEqual(i["packets"], ref.inputs()[0]["packets"])
                self.assertEqual(inputs[1]["messages"], alone.inputs()[0]["messages"])
                self.assertNotIn(GOOD_BEFORE, run.stderr)
                self.assertNotIn(GOOD_AFTER, run.stderr)
                self.assertIn(bad, run.stderr)

    def test_all_bad_files_in_one_run(self):
        bad = [crafted(n) for n in H_FILES] + [
            corpus("formats/bad/" + n) for n in sorted(os.listdir(corpus("formats/bad")))]
        run = self.convert(bad)
        self.assertEqual(run.rc, 3)
        self.assert_invariants(run, "all bad files")
        self.assertEqual([i["path"] for i in run.inputs()], bad)
        for path, info in zip(bad, run.inputs()):
            alone = self.convert(path)
            self.assertEqual(info["messages"], alone.inputs()[0]["messages"], path)
            self.assertEqual(info["packets"], alone.inputs()[0]["packets"], path)


def pcapng_blocks(data):
    """(offset, type, length) of the blocks of a little-endian pcapng file."""
    out, off = [], 0
    while off + 8 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        out.append((off, btype, blen))
        off += blen
    return out


class UnrepresentableTimestamps(BadInputBase):
    """pcapng timestamps beyond what 64-bit nanoseconds since 1970 can hold (after
    2262): flowcase must report the packet, not wrap the time around."""

    SOURCE = "a08_pcapng_multi_if_tsresol.pcapng"
    EARLIEST = "2024-01-02T03:04:05.100000000Z"   # the earliest real packet time

    def mutate(self, fn):
        with open(crafted(self.SOURCE), "rb") as f:
            data = bytearray(f.read())
        fn(data)
        path = self.work.sub("mutated-" + self.SOURCE)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def check_reported_not_wrapped(self, path, packet):
        run = self.convert(path)
        self.assertIsNotNone(run.stats)
        self.assert_invariants(run, path)
        for r in run.records:
            self.assertGreaterEqual(r["duration"], 0, r)
            self.assertGreaterEqual(r["start"], self.EARLIEST, r)
        self.assertEqual(run.rc, 3, "the out-of-range time is not reported")
        packets = [m["packet"] for m in run.inputs()[0]["messages"]]
        self.assertTrue(packet in packets or None in packets, packets)

    # Regression (found by this suite's fuzzing under UBSan, fixed in 3ec0c7a): IDB 3's
    # if_tsoffset set to 10^11 + 1704164645 s (year ~5140; tshark shows packet 6 at
    # 101704164646.234567). flowcase computed tsoffset * 10^9 in int64 (signed
    # overflow), exited 0 with no message, and the UDP record started at
    # 1685-07-20T15:23:23.977257304Z with duration -7766279631.38681.
    def test_if_tsoffset_beyond_the_time_range(self):
        def fn(data):
            old = struct.pack("<q", 1704164645)
            self.assertEqual(data.count(old), 1)
            at = data.find(old)
            data[at:at + 8] = struct.pack("<q", 10 ** 11 + 1704164645)
        self.check_reported_not_wrapped(self.mutate(fn), 6)

    # Regression (fixed in 3ec0c7a): EPB 4 (interface 0, microseconds) with timestamp
    # high word 0x00FFFFFF (tshark: 72057592969.436464 s, year ~4253). units * 1000
    # overflowed 64 bits: flowcase exited 0 with no message, packet 4 got the time
    # 1915-03-14T23:44:34.598257536Z and the TCP flow was split into two records by
    # the active timeout (the first lasting 3433547970 s).
    def test_epb_timestamp_beyond_the_time_range(self):
        def fn(data):
            epbs = [off for off, t, _ in pcapng_blocks(bytes(data)) if t == 6]
            struct.pack_into("<I", data, epbs[3] + 12, 0x00FFFFFF)
        self.check_reported_not_wrapped(self.mutate(fn), 4)


class MutatedCapturesNeverCrash(BadInputBase):
    """Deterministically truncated and corrupted copies of valid captures: flowcase
    must exit 0 or 3 (never crash or hang), write stats.json, keep its counters
    consistent and report every problem with the file named."""

    SOURCES = ["a01_pcap_usec_le.pcap", "a02_pcap_usec_be.pcap", "a05_pcap_modified.pcap",
               "a07_pcapng_two_sections.pcapng", "a08_pcapng_multi_if_tsresol.pcapng",
               "a09_pcapng_block_zoo.pcapng", "b08_null_le.pcap", "b11_ppp.pcap",
               "c03_three_tags.pcap", "c07_mpls_pw_eth.pcap", "c08_pppoe.pcap",
               "d03_ipv6_ext_chain.pcap", "d08_ipv4_fragments.pcap", "d10_other_protocols.pcap",
               "e02_icmp_unreachable.pcap", "f01_tcp_full.pcap"]
    CUTS = 10
    FLIPS = 12

    def mutants(self, data):
        """(kind, bytes): truncations at evenly spaced lengths, and single bytes
        replaced at positions spread over the file (a fixed multiplicative sequence)."""
        n = len(data)
        for k in range(1, self.CUTS + 1):
            cut = n * k // (self.CUTS + 1)
            yield "cut@%d" % cut, data[:cut]
        for k in range(self.FLIPS):
            pos = (k * 2654435761 + 17) % n
            for val in (0x00, 0xFF, data[pos] ^ 0x80):
                yield "byte%d=%02x" % (pos, val), data[:pos] + bytes([val]) + data[pos + 1:]

    def test_mutants(self):
        total = 0
        for name in self.SOURCES:
            with open(crafted(name), "rb") as f:
                data = f.read()
            for kind, mutant in self.mutants(data):
                total += 1
                path = self.work.sub("m%d-%s" % (total, name))
                with open(path, "wb") as f:
                    f.write(mutant)
                with self.subTest(source=name, mutation=kind):
                    run = self.convert(path)
                    self.assertIn(run.rc, (0, 3), "%s: rc %d, stderr %r" % (kind, run.rc,
                                                                              run.stderr))
                    self.assertIsNotNone(run.stats)
                    self.assert_invariants(run, kind)
                    info = run.inputs()[0]
                    damage = [m for m in info["messages"] if m["level"] != "notice"]
                    for m in info["messages"]:
                        self.assertIn(m["level"], ("error", "warning", "notice"))
                        self.assertIsInstance(m["offset"], int)
                        self.assertLessEqual(m["offset"], len(mutant))
                    if run.rc == 3:
                        self.assertTrue(damage)
                        self.assertIn(path, run.stderr)
                    else:  # notices (a time jump) only
                        self.assertEqual(damage, [])
                os.remove(path)
        self.assertEqual(total, len(self.SOURCES) * (self.CUTS + 3 * self.FLIPS))


if __name__ == "__main__":
    unittest.main()
