"""IPFIX files out (convert --format ipfix) and in (flowcase read).

* Round trip: for every corpus capture, every valid crafted capture (HTTP ones included)
  and every sample, `read` of flows.ipfix gives byte for byte the flows.jsonl, flows.csv
  and http.csv that convert wrote in the same run.
* HTTP transactions, TLS handshakes and QUIC connection starts: ipfixDump decodes the lists of every record to
  the JSON values; a 1000-transaction connection spreads over continuation records and reads
  back whole; a transaction bigger than a record is cut and marked; lost continuation
  records are reported with what is missing.
* Independent readers: libfixbuf's ipfixDump reads every file with no warning (its
  sequence-number check included) and, through the file's RFC 5610 records, names every
  flowcase element as the registry does; its decoded values equal the JSON records;
  tshark decodes every message with no malformed or expert item.
* Another exporter: softflowd (IPFIX, reduced-size encoding, options records) exports a
  capture to a local socket; read gives the values ipfixDump decodes from the same file,
  and the flows match flowcase's own.
* Lists and templates: a crafted file with basicList, subTemplateList,
  subTemplateMultiList, options templates, template withdrawal and redefinition,
  variable-length fields (both length encodings), signed, float and unknown enterprise
  elements, checked by ipfixDump first, then decoded value by value.
* Damage: a bad set length, a data set without template, a cut message: an error naming
  the message offset, exit status 3, every other record kept.
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import unittest

import test_tshark
from fclib import (DATA, Workdir, WorkdirCase, canon_ip, convert, corpus, crafted,
                   run_flowcase)

IPFIXDUMP = shutil.which("ipfixDump")
SOFTFLOWD = shutil.which("softflowd") or "/usr/sbin/softflowd"
TSHARK = shutil.which("tshark")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FC_PEN = 32473
# Transactions too big for an IPFIX record: they read back cut (see HttpLists).
HUGE = "http-huge-headers.pcap"


def registry():
    """flowcase's elements from formats/ipfix-flowcase.def: id -> name."""
    out = {}
    with open(os.path.join(REPO, "formats", "ipfix-flowcase.def"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"FC_IE\((\d+), (\w+),", line)
            if m:
                out[int(m.group(1))] = m.group(2)
    return out


def captures():
    """Every capture the round trip covers: corpus, valid crafted files, samples."""
    paths = [os.path.join(DATA, "corpus", k) for k in test_tshark.CORPUS
             if k not in test_tshark.CORPUS_SKIP]
    paths += [crafted(n) for n in test_tshark.CRAFTED]
    l7 = os.path.join(DATA, "crafted-l7")
    paths += sorted(os.path.join(l7, n) for n in os.listdir(l7)
                    if n.endswith(".pcap") and n != HUGE)
    samples = os.path.join(REPO, "samples")
    paths += sorted(os.path.join(samples, n) for n in os.listdir(samples)
                    if n.endswith((".pcap", ".pcapng")))
    return paths


def read(path, outdir, fmt="jsonl"):
    """`flowcase read -o outdir --format fmt path`: (exit status, stderr)."""
    p = run_flowcase("read", "-o", outdir, "--format", fmt, path)
    return p.returncode, p.stderr


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def file_bytes(path):
    if not os.path.exists(path):
        return b""
    with open(path, "rb") as f:
        return f.read()


def ipfixdump(path):
    """ipfixDump --rfc5610 of a file: (exit status, stderr, data records), each record
    a dict with 'tid', 'fields': [(enterprise, id, name, value text)] and 'lists': the
    records of each of its sub-template lists, by the list's (enterprise, id), each a
    dict with 'fields'."""
    p = subprocess.run([IPFIXDUMP, "--rfc5610", "--in", path, "--out", "-"],
                       capture_output=True, text=True, timeout=300)
    records = []
    field = re.compile(r"^(\t+)\((?:(\d+)/)?(\d+)\)\s*(?:\(S\))?\s*(\S+) : (.*)$")
    for line in p.stdout.splitlines():
        if line.startswith("--- data record"):
            records.append({"tid": None, "fields": [], "lists": {}, "list_id": None})
        elif records and line.startswith("\t\t--- data record"):
            records[-1]["lists"].setdefault(records[-1]["list_id"], []).append({"fields": []})
        elif records and "tid:" in line and records[-1]["tid"] is None:
            records[-1]["tid"] = int(line.split("tid:")[1].split()[0])
        elif records:
            m = field.match(line)
            if m:
                eid = (int(m.group(2) or 0), int(m.group(3)))
                if len(m.group(1)) == 1:
                    into = records[-1]
                    records[-1]["list_id"] = eid  # nested records that follow are its
                else:
                    into = records[-1]["lists"][records[-1]["list_id"]][-1]
                into["fields"].append(eid + (m.group(4), m.group(5)))
    return p.returncode, p.stderr, records


def dump_value(text):
    """A value as ipfixDump prints it, without its '(len: N) ' prefix; IPv6 addresses
    (which ipfixDump prints with leading zeros) in canonical form."""
    m = re.match(r"^\(len: \d+\) ?(.*)$", text)
    if m:
        return m.group(1)
    if re.match(r"^[0-9a-f:]+::?[0-9a-f:]*$", text) and text.count(":") >= 2:
        return canon_ip(text)
    return text


def udp_capture(path, nflows):
    """A classic pcap of nflows one-packet UDP flows (IPv4, then IPv6 for every third),
    enough records for several 64 KiB IPFIX messages."""
    def csum(b):
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        s = (s >> 16) + (s & 0xffff)
        return ~(s + (s >> 16)) & 0xffff

    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(nflows):
            payload = b"x" * (i % 50)
            udp_len = 8 + len(payload)
            if i % 3 == 2:
                src = bytes.fromhex("20010db8000000000000000000000001")
                dst = bytes.fromhex("20010db80000000000000000%08x" % i)
                ip = struct.pack("!IHBB", 0x60000000, udp_len, 17, 64) + src + dst
                ethertype = 0x86dd
            else:
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, i & 0xffff, 0, 64, 17,
                                 0, bytes([10, 0, 0, 1]), struct.pack("!I", 0x0a010000 + i))
                ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
                ethertype = 0x0800
            udp = struct.pack("!HHHH", 1024 + i % 60000, 53, udp_len, 0) + payload
            frame = b"\x02" * 6 + b"\x04" * 6 + struct.pack("!H", ethertype) + ip + udp
            ts = 1700000000 + i // 1000
            f.write(struct.pack("<IIII", ts, (i % 1000) * 997, len(frame), len(frame)))
            f.write(frame)


class FlowcaseFiles(WorkdirCase):
    """Every capture converted once to JSON lines, CSV and IPFIX: the round trip, then
    ipfixDump and tshark over the IPFIX file."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.names = registry()

    def check_capture(self, path, name):
        out = self.work.sub(name)
        run = convert(path, out, formats="jsonl,csv,ipfix")
        self.assertIn(run.rc, (0, 3), path + run.stderr)
        ipfix = os.path.join(out, "flows.ipfix")
        for fmt, names in (("jsonl", ["flows.jsonl"]), ("csv", ["flows.csv", "http.csv"])):
            back = os.path.join(out, "back-" + fmt)
            rc, err = read(ipfix, back, fmt)
            self.assertEqual((rc, err), (0, ""), path)
            for name in names:
                self.assertEqual(file_bytes(os.path.join(back, name)),
                                 file_bytes(os.path.join(out, name)), path + " " + name)
        self.check_ipfixdump(ipfix, run)
        if run.records:
            self.check_tshark(ipfix)
        return run, ipfix

    def check_ipfixdump(self, ipfix, run):
        """No warning; flowcase elements named through RFC 5610; values as in JSON."""
        rc, err, records = ipfixdump(ipfix)
        self.assertEqual((rc, err), (0, ""))
        by_id = {(r["flow_id"], r["seq"]): r for r in run.records}
        flows = 0
        transactions = {}  # (flow_id, seq) -> the transactions' fields, in order
        handshakes = {}    # (flow_id, seq) -> the TLS handshake's fields
        certificates = {}  # (flow_id, seq) -> the certificates' fields, in order
        quics = {}         # (flow_id, seq) -> the QUIC connection start's fields
        for rec in records:
            fields = {(e, i): (n, v) for e, i, n, v in rec["fields"]}
            if (FC_PEN, 1) not in fields:
                continue
            nested = [f for items in rec["lists"].values() for t in items for f in t["fields"]]
            for e, i, n, _ in rec["fields"] + nested:
                if e == FC_PEN:
                    self.assertEqual(n, self.names[i], "element %d named through RFC 5610" % i)
            key = (dump_value(fields[(FC_PEN, 1)][1]), int(fields[(FC_PEN, 2)][1]))
            txs = transactions.setdefault(key, [])
            if (FC_PEN, 29) in fields:  # a continuation: the list goes on
                self.assertEqual(int(fields[(FC_PEN, 29)][1]), len(txs))
            else:
                flows += 1
                self.check_values(fields, by_id[key])
            txs += [{(e, i): v for e, i, _, v in t["fields"]}
                    for t in rec["lists"].get((0, 293), [])]
            for t in rec["lists"].get((FC_PEN, 49), []):
                handshakes[key] = {(e, i): v for e, i, _, v in t["fields"]}
            certificates.setdefault(key, []).extend(
                {(e, i): v for e, i, _, v in t["fields"]}
                for t in rec["lists"].get((FC_PEN, 62), []))
            for t in rec["lists"].get((FC_PEN, 120), []):
                quics[key] = {(e, i): v for e, i, _, v in t["fields"]}
        self.assertEqual(flows, len(run.records))
        for key, record in by_id.items():
            self.check_transactions(transactions.get(key, []), record["http"] or [])
            self.check_handshake(handshakes.get(key), record["tls"])
            self.check_certificates(certificates.get(key, []), record["certificates"] or [])
            self.check_quic(quics.get(key), record["quic"])

    def check_handshake(self, dumped, want):
        """ipfixDump's TLS handshake against the JSON `tls` object."""
        self.assertEqual(dumped is None, want is None)
        elements = {"sni": 50, "version": 51, "cipher": 52, "client_alpn": 54,
                    "server_alpn": 55, "ja3": 56, "ja3s": 57, "ja4": 58}
        for name, eid in elements.items():
            if want is not None:
                got = dumped.get((FC_PEN, eid))
                self.assertEqual(dump_value(got) if got else None, want[name], name)

    def check_quic(self, dumped, want):
        """ipfixDump's QUIC connection start against the JSON `quic` object (a
        zero-length connection ID is an empty string, not absent)."""
        self.assertEqual(dumped is None, want is None)
        if want is None:
            return
        for eid, name in enumerate(("version", "client_initial_dcid", "client_scid",
                                    "server_scid", "sni", "client_alpn", "cipher", "ja3",
                                    "ja4"), 121):
            got = dumped.get((FC_PEN, eid))
            self.assertEqual(dump_value(got) if got is not None else None, want[name], name)

    def check_certificates(self, dumped, want):
        """ipfixDump's certificates against the JSON `certificates` array, in order."""
        self.assertEqual(len(dumped), len(want))
        for got, cert in zip(dumped, want):
            for name, eid in {"side": 63, "subject": 68, "sha256": 81}.items():
                value = got.get((FC_PEN, eid))
                self.assertEqual(dump_value(value) if value else None, cert[name], name)

    def check_transactions(self, dumped, want):
        """ipfixDump's transactions against the JSON `http` array, field by field."""
        self.assertEqual(len(dumped), len(want))
        elements = {"method": (0, 459), "host": (0, 460), "uri": (0, 461),
                    "version": (0, 462), "user_agent": (0, 468), "status": (0, 457),
                    "reason": (0, 470), "response_version": (29305, 462),
                    "request_content_type": (0, 469), "response_content_type": (29305, 469),
                    "referrer": (FC_PEN, 35), "server": (FC_PEN, 40),
                    "location": (FC_PEN, 41), "response_body_len": (FC_PEN, 43),
                    "srt": (FC_PEN, 46)}
        for got, tx in zip(dumped, want):
            for name, eid in elements.items():
                value = tx[name]
                if name == "srt" and value is not None:
                    value = round(value * 1e9)
                self.assertEqual(dump_value(got[eid]) if eid in got else None,
                                 None if value is None else str(value), name)
            self.assertEqual(dump_value(got[(FC_PEN, 30)]) if (FC_PEN, 30) in got else None,
                             tx["ua"] and tx["ua"]["browser"])
            # Booleans as RFC 7011 encodes them: 1 true, 2 false.
            self.assertEqual(got[(FC_PEN, 47)], "1" if tx["truncated"] else "2")

    def check_tshark(self, ipfix):
        """Every message decoded, no malformed or expert item."""
        p = subprocess.run([TSHARK, "-n", "-r", ipfix, "-Y", "_ws.malformed || _ws.expert",
                            "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual((p.returncode, p.stdout), (0, ""), p.stderr)
        p = subprocess.run([TSHARK, "-n", "-r", ipfix, "-T", "fields", "-e", "cflow.od_id"],
                           capture_output=True, text=True, timeout=300)
        with open(ipfix, "rb") as f:
            data = f.read()
        messages, offset = 0, 0
        while offset < len(data):
            offset += struct.unpack_from("!H", data, offset + 2)[0]
            messages += 1
        self.assertEqual(len(p.stdout.splitlines()), messages)

    def check_values(self, fields, j):
        """ipfixDump's decoding of one flow record against the JSON record."""
        def val(eid):
            return dump_value(fields[eid][1]) if eid in fields else None

        expect = {
            (0, 4): j["proto"], (0, 60): j["ip_version"],
            (0, 2): j["src_packets"], (29305, 2): j["dst_packets"],
            (0, 1): j["src_bytes"], (29305, 1): j["dst_bytes"],
            (0, 7): j["src_port"], (0, 11): j["dst_port"],
            (FC_PEN, 3): j["community_id"], (FC_PEN, 4): j["initiator"],
            (FC_PEN, 5): j["end_reason"], (FC_PEN, 8): j["first_packet"]["number"],
            (FC_PEN, 6): j["first_packet"]["file"],
        }
        addr = (8, 12) if j["ip_version"] == 4 else (27, 28)
        expect[(0, addr[0])] = j["src_ip"]
        expect[(0, addr[1])] = j["dst_ip"]
        for eid, want in expect.items():
            if want is None:
                self.assertNotIn(eid, fields)
            else:
                self.assertEqual(val(eid), str(want), "%s in %s" % (fields.get(eid), j["flow_id"]))
        # ipfixDump prints nanosecond times to the second.
        self.assertEqual(val((0, 156))[:19], j["start"][:19].replace("T", " "))
        self.assertEqual(val((0, 157))[:19], j["end"][:19].replace("T", " "))
        self.assertEqual(val((0, 239)), "1" if j["initiator"] in ("syn", "synack") else "0")

    def test_every_capture(self):
        paths = captures()
        self.assertGreater(len(paths), 100)
        for i, path in enumerate(paths):
            with self.subTest(capture=os.path.relpath(path, REPO)):
                self.check_capture(path, "c%d" % i)

    def test_many_messages(self):
        """5000 flows: many full messages (ipfixDump checks each sequence number)."""
        cap = self.work.sub("udp.pcap")
        udp_capture(cap, 5000)
        run, ipfix = self.check_capture(cap, "udp")
        self.assertEqual(len(run.records), 5000)
        with open(ipfix, "rb") as f:
            data = f.read()
        offset, sequences = 0, []
        while offset < len(data):
            _, length, _, seq, _ = struct.unpack_from("!HHIII", data, offset)
            self.assertLessEqual(length, 65535)
            sequences.append(seq)
            offset += length
        self.assertEqual(offset, len(data))
        self.assertGreater(len(sequences), 5)
        self.assertEqual(sequences[0], 0)


class HttpLists(WorkdirCase):
    """HTTP transactions that do not fit one IPFIX record."""

    def messages(self, ipfix):
        """The file's messages: [(sequence, bytes)]."""
        data = file_bytes(ipfix)
        out, offset = [], 0
        while offset < len(data):
            _, length, _, seq, _ = struct.unpack_from("!HHIII", data, offset)
            out.append((seq, data[offset:offset + length]))
            offset += length
        return out

    def test_thousand_transactions(self):
        """Zeek's 1000-request connection: the flow record holds the transactions that
        fit, two continuation records the rest; ipfixDump finds all 1000 (blocks of at
        most 128), and read gives back convert's files."""
        out = self.work.sub("1000")
        run = convert(corpus("formats/gzip-http-1000-requests.pcap.gz"), out,
                      formats="jsonl,csv,ipfix")
        self.assertEqual(run.rc, 0, run.stderr)
        ipfix = os.path.join(out, "flows.ipfix")
        rc, err, records = ipfixdump(ipfix)
        self.assertEqual((rc, err), (0, ""))
        firsts = [dict(((e, i), v) for e, i, _, v in r["fields"]) for r in records]
        flow = [f for f in firsts if (FC_PEN, 1) in f and (FC_PEN, 29) not in f]
        more = [f for f in firsts if (FC_PEN, 29) in f]
        self.assertEqual(len(flow), 1)
        self.assertEqual(flow[0][(FC_PEN, 28)], "1000")
        self.assertEqual([int(f[(FC_PEN, 29)]) for f in more], [411, 825])
        self.assertEqual(sum(len(r["lists"].get((0, 293), [])) for r in records), 1000)
        listing = subprocess.run([IPFIXDUMP, "--rfc5610", "--in", ipfix], capture_output=True,
                                 text=True).stdout
        blocks = [int(n) for n in re.findall(r"subTemplateMultiListEntry \d+ \+\+\+\n\t+count: (\d+)",
                                             listing)]
        self.assertEqual(sum(blocks), 1000)
        self.assertLessEqual(max(blocks), 128)
        for fmt, names in (("jsonl", ["flows.jsonl"]), ("csv", ["flows.csv", "http.csv"])):
            back = self.work.sub("1000-" + fmt)
            self.assertEqual(read(ipfix, back, fmt), (0, ""))
            for name in names:
                self.assertEqual(file_bytes(os.path.join(back, name)),
                                 file_bytes(os.path.join(out, name)), name)

    def test_transaction_bigger_than_a_record(self):
        """Ten header values of 8 KiB: the transaction goes alone in a continuation
        record with its texts cut to 3072 bytes (it was already marked truncated);
        the transactions around it read back unchanged."""
        out = self.work.sub("huge")
        run = convert(os.path.join(DATA, "crafted-l7", HUGE), out, formats="jsonl,ipfix")
        self.assertEqual(run.rc, 0, run.stderr)
        ipfix = os.path.join(out, "flows.ipfix")
        rc, err, _ = ipfixdump(ipfix)
        self.assertEqual((rc, err), (0, ""))
        back = self.work.sub("huge-back")
        self.assertEqual(read(ipfix, back), (0, ""))
        (want,), (got,) = run.records, lines(os.path.join(back, "flows.jsonl"))
        self.assertEqual(len(got["http"]), 3)
        self.assertEqual(got["http"][0], want["http"][0])
        self.assertEqual(got["http"][2], want["http"][2])
        big_want, big_got = want["http"][1], got["http"][1]
        self.assertEqual(len(big_want["user_agent"]), 8192)
        self.assertTrue(big_got["truncated"])
        for key, value in big_want.items():
            if isinstance(value, str) and len(value) > 3072:
                self.assertEqual(big_got[key], value[:3072], key)
            else:
                self.assertEqual(big_got[key], value, key)
        got["http"] = want["http"] = None
        self.assertEqual(got, want)

    def test_lost_continuation(self):
        """The message holding the first continuation record is gone: the second one
        no longer follows its flow record (skipped, said), the flow record is written
        with the 411 transactions it holds and the number missing; exit status 3."""
        out = self.work.sub("lost")
        run = convert(corpus("formats/gzip-http-1000-requests.pcap.gz"), out,
                      formats="jsonl,ipfix")
        self.assertEqual(run.rc, 0, run.stderr)
        messages = self.messages(os.path.join(out, "flows.ipfix"))
        holding = [i for i, (_, m) in enumerate(messages) if b"python-requests" in m]
        self.assertEqual(len(holding), 3)  # the flow record and two continuations
        damaged = self.work.sub("lost.ipfix")
        with open(damaged, "wb") as f:
            f.write(b"".join(m for i, (_, m) in enumerate(messages) if i != holding[1]))
        back = self.work.sub("lost-back")
        rc, err = read(damaged, back)
        self.assertEqual(rc, 3)
        self.assertIn("continuation record that does not follow its flow record: skipped", err)
        self.assertRegex(err, r"flow [0-9a-f]{24} record 0: 589 of its 1000 HTTP transactions "
                              r"are missing \(continuation records lost\)")
        (got,) = lines(os.path.join(back, "flows.jsonl"))
        (want,) = run.records
        self.assertEqual(got["http"], want["http"][:411])


class Stdout(unittest.TestCase):
    """`read FILE` with no -o: the data records alone on stdout, options records left
    out with a notice; flows and other records never share one CSV stream."""

    @classmethod
    def setUpClass(cls):
        cls.work = Workdir()
        cls.out = cls.work.sub("conv")
        run = convert(os.path.join(REPO, "samples", "wikipedia-keepalive.pcap"), cls.out,
                      formats="jsonl,csv,ipfix")
        assert run.rc == 0, run.stderr
        cls.ipfix = os.path.join(cls.out, "flows.ipfix")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_flows_on_stdout_equal_convert(self):
        for fmt in ("jsonl", "csv"):
            p = subprocess.run([os.environ.get("FLOWCASE", "flowcase"), "read", "--format", fmt,
                                self.ipfix], capture_output=True)
            self.assertEqual(p.returncode, 0)
            want = file_bytes(os.path.join(self.out, "flows." + fmt))
            self.assertEqual(p.stdout, want)
            self.assertEqual(p.stderr.decode(),
                             "flowcase read: 2 options records (file metadata) not written to "
                             "stdout; -o DIR writes them to records.%s\n" % fmt)

    def test_mixed_csv_refused(self):
        """A flowcase file then softflowd-like foreign records: one CSV stream cannot
        hold both; the flows already written stay, exit status 1."""
        foreign = self.work.sub("foreign.ipfix")
        template = struct.pack("!HHHHHH", 2, 12, 300, 1, 8, 4)
        data = struct.pack("!HH4s", 300, 8, bytes([192, 0, 2, 1]))
        body = template + data
        with open(foreign, "wb") as f:
            f.write(struct.pack("!HHIII", 10, 16 + len(body), 1700000000, 0, 7) + body)
        p = subprocess.run([os.environ.get("FLOWCASE", "flowcase"), "read", "--format", "csv",
                            self.ipfix, foreign], capture_output=True)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, file_bytes(os.path.join(self.out, "flows.csv")))
        self.assertIn(b"cannot share one CSV stream; use -o DIR", p.stderr)
        p = subprocess.run([os.environ.get("FLOWCASE", "flowcase"), "read", self.ipfix, foreign],
                           capture_output=True)
        self.assertEqual(p.returncode, 0)
        out = p.stdout.decode().splitlines()
        self.assertEqual(("\n".join(out[:-1]) + "\n").encode(),
                         file_bytes(os.path.join(self.out, "flows.jsonl")))
        self.assertEqual(json.loads(out[-1]), {"template_id": 300, "observation_domain_id": 7,
                                               "sourceIPv4Address": "192.0.2.1"})


class Documentation(unittest.TestCase):
    def test_mapping_tables_current(self):
        """docs/ipfix.md's generated tables match fields.def and the registries."""
        run = subprocess.run([os.path.join(REPO, "scripts", "gen-ipfix-doc"), "--check"],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(os.path.join(REPO, "docs", "ipfix.md")) as f:
            doc = f.read()
        for eid, name in registry().items():
            self.assertIn("| %d | `%s` |" % (eid, name), doc)


class OtherExporter(unittest.TestCase):
    """softflowd exports a capture as IPFIX to a local UDP socket; the datagrams, in
    order, make an IPFIX file (RFC 5655: a file is a sequence of messages)."""
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.work = Workdir()
        cls.capture = os.path.join(REPO, "samples", "wikipedia-keepalive.pcap")
        cls.ipfix = cls.work.sub("softflowd.ipfix")
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        port = sock.getsockname()[1]
        p = subprocess.run([SOFTFLOWD, "-r", cls.capture, "-n", "127.0.0.1:%d" % port,
                            "-v", "10", "-d"], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("softflowd failed: " + p.stderr)
        sock.settimeout(2)
        with open(cls.ipfix, "wb") as f:
            try:
                while True:
                    f.write(sock.recv(70000))
            except socket.timeout:
                pass
        sock.close()
        cls.rc, cls.err = read(cls.ipfix, cls.work.sub("read"))
        cls.records = lines(cls.work.sub("read/records.jsonl"))

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_values_equal_ipfixdump(self):
        rc, err, dumped = ipfixdump(self.ipfix)
        self.assertEqual(rc, 0)
        self.assertEqual(len(self.records), len(dumped))
        self.assertGreater(len(dumped), 20)
        for mine, theirs in zip(self.records, dumped):
            self.assertEqual(mine["template_id"], theirs["tid"])
            for e, i, name, value in theirs["fields"]:
                key = name if e == 0 else "e%did%d" % (e, i)
                self.assertIn(key, mine, theirs)
                got = mine[key]
                if name.endswith("Milliseconds"):  # ipfixDump prints to the second
                    self.assertEqual(got[:19].replace("T", " "), value[:19])
                elif isinstance(got, str) and value.startswith("(len:"):
                    self.assertEqual(got, dump_value(value))
                elif name == "interfaceName":
                    self.assertEqual(got, dump_value(value))
                else:
                    self.assertEqual(str(got), dump_value(value), name)

    def test_sequence_notices_match_ipfixdump(self):
        """softflowd's sequence numbers do not count records as RFC 7011 says; flowcase
        notices each jump exactly where libfixbuf warns."""
        _, err, _ = ipfixdump(self.ipfix)
        theirs = [(int(a, 16), int(b, 16)) for a, b in
                  re.findall(r"expected 0x([0-9a-f]+), got 0x([0-9a-f]+)", err)]
        mine = [(int(b), int(a)) for a, b in
                re.findall(r"sequence number (\d+) where (\d+) was expected", self.err)]
        self.assertEqual(mine, theirs)
        self.assertEqual(self.rc, 0, self.err)  # notices only: nothing was damaged

    def test_flows_match_flowcase(self):
        """Every softflowd flow is one direction of a flowcase biflow, same counts."""
        run = convert(self.capture, self.work.sub("convert"))
        sides = {}
        for r in run.records:
            key = (r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"], r["proto"])
            sides[key] = (r["src_packets"], r["src_bytes"])
            rkey = (r["dst_ip"], r["dst_port"], r["src_ip"], r["src_port"], r["proto"])
            sides[rkey] = (r["dst_packets"], r["dst_bytes"])
        flows = [r for r in self.records if "protocolIdentifier" in r]
        self.assertGreater(len(flows), 20)
        for f in flows:
            src = f.get("sourceIPv4Address") or f.get("sourceIPv6Address")
            dst = f.get("destinationIPv4Address") or f.get("destinationIPv6Address")
            key = (src, f.get("sourceTransportPort"), dst, f.get("destinationTransportPort"),
                   f["protocolIdentifier"])
            self.assertIn(key, sides)
            self.assertEqual((f["packetDeltaCount"], f["octetDeltaCount"]), sides[key], key)
        self.assertEqual(sum(f["packetDeltaCount"] for f in flows),
                         sum(r["src_packets"] + r["dst_packets"] for r in run.records))


# ---------------------------------------------------------------------------
# A crafted file: lists, options, withdrawals, variable lengths
# ---------------------------------------------------------------------------

def ie(eid, length, pen=None):
    if pen is None:
        return struct.pack("!HH", eid, length)
    return struct.pack("!HHI", eid | 0x8000, length, pen)


def varlen(b):
    if len(b) < 255:
        return bytes([len(b)]) + b
    return b"\xff" + struct.pack("!H", len(b)) + b


def ipfix_set(set_id, body):
    return struct.pack("!HH", set_id, 4 + len(body)) + body


def message(seq, *sets, export=1700000000, odid=7):
    body = b"".join(sets)
    return struct.pack("!HHIII", 10, 16 + len(body), export, seq, odid) + body


def crafted_lists_file():
    """Three messages; the expected JSON records of the data records, in order; the
    length of the first two (the third withdraws all templates, which libfixbuf does
    not support: ipfixDump crashes on it)."""
    long_text = "L" * 300
    # Templates: 300 the main record, 301 and 302 sub-templates, 400 an options template.
    t300 = struct.pack("!HH", 300, 7) + ie(8, 4) + ie(291, 65535) + ie(292, 65535) \
        + ie(293, 65535) + ie(7, 65535, pen=9999) + ie(82, 65535) + ie(434, 4)
    t301 = struct.pack("!HH", 301, 2) + ie(459, 65535) + ie(457, 2)
    t302 = struct.pack("!HH", 302, 1) + ie(27, 16)
    t400 = struct.pack("!HHH", 400, 2, 1) + ie(149, 4) + ie(320, 8)
    # basicList of destinationTransportPort (semantic allOf=3); subTemplateList of 301
    # (two HTTP transactions); subTemplateMultiList of one 301 and two 302 records.
    basic = b"\x03" + ie(11, 2) + struct.pack("!HHH", 80, 443, 8080)
    stl = b"\x03" + struct.pack("!H", 301) + varlen(b"GET") + struct.pack("!H", 200) \
        + varlen(b"POST") + struct.pack("!H", 404)
    v6a = bytes.fromhex("20010db8000000000000000000000001")
    v6b = bytes.fromhex("20010db8000000000000000000000002")
    stml_301 = varlen(b"HEAD") + struct.pack("!H", 304)
    stml = b"\x04" + struct.pack("!HH", 301, 4 + len(stml_301)) + stml_301 \
        + struct.pack("!HH", 302, 4 + 32) + v6a + v6b
    rec300 = bytes([192, 0, 2, 1]) + varlen(basic) + varlen(stl) + varlen(stml) \
        + varlen(b"\x01\x02\x03") + varlen(long_text.encode()) + struct.pack("!i", -5)
    opts = struct.pack("!IQ", 3, 0x3ff8000000000000)  # 1.5 as a float64 (ie 320)
    m1 = message(0, ipfix_set(2, t300 + t301 + t302), ipfix_set(3, t400),
                 ipfix_set(300, rec300), ipfix_set(400, opts))
    # Message 2: withdraw 301 and redefine it with other fields; a record of the new one.
    t301b = struct.pack("!HH", 301, 1) + ie(4, 1)
    m2 = message(2, ipfix_set(2, struct.pack("!HH", 301, 0)), ipfix_set(2, t301b),
                 ipfix_set(301, b"\x11\x06"))
    # Message 3: withdraw all templates of the domain; then a record of 301 is unknown.
    m3 = message(4, ipfix_set(2, struct.pack("!HH", 2, 0)))
    expected = [
        {"template_id": 300, "observation_domain_id": 7, "sourceIPv4Address": "192.0.2.1",
         "basicList": [80, 443, 8080],
         "subTemplateList": [{"httpRequestMethod": "GET", "httpStatusCode": 200},
                             {"httpRequestMethod": "POST", "httpStatusCode": 404}],
         "subTemplateMultiList": [
             {"template_id": 301, "records": [{"httpRequestMethod": "HEAD",
                                               "httpStatusCode": 304}]},
             {"template_id": 302, "records": [{"sourceIPv6Address": "2001:db8::1"},
                                              {"sourceIPv6Address": "2001:db8::2"}]}],
         "e9999id7": "010203", "interfaceName": long_text, "mibObjectValueInteger": -5},
        {"template_id": 400, "observation_domain_id": 7, "observationDomainId": 3,
         "absoluteError": 1.5},
        {"template_id": 301, "observation_domain_id": 7, "protocolIdentifier": 17},
        {"template_id": 301, "observation_domain_id": 7, "protocolIdentifier": 6},
    ]
    return m1 + m2 + m3, expected, len(m1 + m2)


class ListsAndTemplates(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.work = Workdir()

    def tearDown(self):
        self.work.cleanup()

    def test_crafted_file(self):
        data, expected, checkable = crafted_lists_file()
        path = self.work.sub("lists.ipfix")
        with open(path, "wb") as f:
            f.write(data[:checkable])
        # The file itself is valid: ipfixDump reads it without a complaint.
        rc, err, dumped = ipfixdump(path)
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual([r["tid"] for r in dumped], [300, 400, 301, 301])
        self.assertEqual([f[2] for f in dumped[0]["fields"]],
                         ["sourceIPv4Address", "basicList", "subTemplateList",
                          "subTemplateMultiList", "_alienInformationElement", "interfaceName",
                          "mibObjectValueInteger"])
        with open(path, "wb") as f:
            f.write(data)
        rc, err = read(path, self.work.sub("out"))
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(lines(self.work.sub("out/records.jsonl")), expected)

    def test_csv(self):
        data, expected, _ = crafted_lists_file()
        path = self.work.sub("lists.ipfix")
        with open(path, "wb") as f:
            f.write(data)
        rc, err = read(path, self.work.sub("out"), "csv")
        self.assertEqual((rc, err), (0, ""))
        with open(self.work.sub("out/records.csv"), newline="", encoding="utf-8") as f:
            rows = f.read().split("\r\n")
        self.assertEqual(rows[0].split(",")[:4],
                         ["template_id", "observation_domain_id", "sourceIPv4Address",
                          "basicList"])
        self.assertEqual(len(rows), 6)  # header, 4 records, final empty
        self.assertTrue(rows[1].startswith('300,7,192.0.2.1,"[80,443,8080]"'), rows[1])

    def test_template_withdrawn(self):
        """After 'withdraw all', a record of template 301 is an error at its message."""
        data, expected, _ = crafted_lists_file()
        extra = message(4, ipfix_set(301, b"\x06"))
        path = self.work.sub("withdrawn.ipfix")
        with open(path, "wb") as f:
            f.write(data + extra)
        rc, err = read(path, self.work.sub("out"))
        self.assertEqual(rc, 3)
        self.assertIn("byte offset %d: data set for template 301, which was never defined"
                      % len(data), err)
        self.assertEqual(lines(self.work.sub("out/records.jsonl")), expected)


class Damaged(unittest.TestCase):
    """Damage in a flowcase file of 5000 flows: the message offset is named, every
    record outside the damaged part is kept, exit status 3."""
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.work = Workdir()
        cap = cls.work.sub("udp.pcap")
        udp_capture(cap, 5000)
        cls.base = convert(cap, cls.work.sub("ok"), formats="jsonl,ipfix")
        with open(cls.work.sub("ok/flows.ipfix"), "rb") as f:
            cls.data = f.read()
        cls.offsets = []
        offset = 0
        while offset < len(cls.data):
            cls.offsets.append(offset)
            offset += struct.unpack_from("!H", cls.data, offset + 2)[0]

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def damaged(self, name, data):
        path = self.work.sub(name + ".ipfix")
        with open(path, "wb") as f:
            f.write(data)
        rc, err = read(path, self.work.sub(name))
        return rc, err, lines(self.work.sub(name + "/flows.jsonl"))

    def records_in(self, start, end):
        """Flow records of the messages in [start, end), as ipfixDump counts them (it
        reads from the start: the templates are in earlier messages)."""
        def upto(offset):
            path = self.work.sub("part.ipfix")
            with open(path, "wb") as f:
                f.write(self.data[:offset])
            rc, err, dumped = ipfixdump(path)
            return len([r for r in dumped if r["tid"] >= 260])
        return upto(end) - (upto(start) if start else 0)

    def first_data_set(self, msg):
        """Offset of the first flow data set (id >= 260) in the message at msg."""
        off = msg + 16
        while True:
            set_id, length = struct.unpack_from("!HH", self.data, off)
            if set_id >= 260:
                return off
            off += length

    def test_bad_set_length(self):
        msg = self.offsets[2]
        at = self.first_data_set(msg)
        bad = bytearray(self.data)
        struct.pack_into("!H", bad, at + 2, 65535)
        rc, err, recs = self.damaged("setlen", bytes(bad))
        self.assertEqual(rc, 3)
        self.assertIn("byte offset %d: set at byte %d claims 65535 bytes" % (msg, at), err)
        self.assertIn("byte offset %d: message without its checksum record" % msg, err)
        # Everything but the rest of that message is kept.
        lost = self.records_in(msg, self.offsets[3])
        self.assertEqual(len(recs), 5000 - lost)
        self.assertEqual(recs[:10], self.base.records[:10])
        self.assertEqual(recs[-10:], self.base.records[-10:])

    def test_unknown_template(self):
        msg = self.offsets[1]
        at = self.first_data_set(msg)
        bad = bytearray(self.data)
        set_id, length = struct.unpack_from("!HH", bad, at)
        struct.pack_into("!H", bad, at, 999)
        rc, err, recs = self.damaged("unknown", bytes(bad))
        self.assertEqual(rc, 3)
        self.assertIn("byte offset %d: data set for template 999, which was never defined: "
                      "skipped" % msg, err)
        self.assertIn("message checksum (messageMD5Checksum) does not match", err)
        # Lost: exactly the records of that set (found by their flow ids).
        body = self.data[at:at + length]
        kept = {r["flow_id"] for r in recs}
        for r in self.base.records:
            self.assertEqual(r["flow_id"] in kept, r["flow_id"].encode() not in body)
        self.assertLess(len(recs), 5000)
        self.assertEqual(recs, [r for r in self.base.records if r["flow_id"] in kept])

    def test_cut_message(self):
        msg = self.offsets[-1]
        cut = self.data[:msg + 1000]
        rc, err, recs = self.damaged("cut", cut)
        self.assertEqual(rc, 3)
        self.assertIn("byte offset %d: file cut short in a message: 1000 of %d bytes"
                      % (msg, len(self.data) - msg), err)
        before = self.records_in(0, msg)
        self.assertGreaterEqual(len(recs), before)
        self.assertLess(len(recs), 5000)
        self.assertEqual(recs, self.base.records[:len(recs)])

    def test_not_ipfix(self):
        rc, err, recs = self.damaged("garbage", self.data[:self.offsets[1]] + b"\x00" * 40)
        self.assertEqual(rc, 3)
        self.assertIn("byte offset %d: not an IPFIX message (version 0, length 0)"
                      % self.offsets[1], err)
        self.assertEqual(len(recs), self.records_in(0, self.offsets[1]))

    def test_template_with_too_many_fields(self):
        """A template of 600 fields (more than a record view holds) is refused as
        damaged; its data set then has no template; the reader goes on."""
        fields = b"".join(struct.pack("!HH", 210, 1) for _ in range(600))  # paddingOctets
        tset = struct.pack("!HHHH", 2, 8 + len(fields), 300, 600) + fields
        dset = struct.pack("!HH", 300, 4 + 600) + b"\0" * 600
        body = tset + dset
        msg = struct.pack("!HHIII", 10, 16 + len(body), 1700000000, 0, 0) + body
        rc, err, _ = self.damaged("wide", msg)
        self.assertEqual(rc, 3)
        self.assertIn("byte offset 0: template set at byte 16 is damaged", err)
        self.assertIn("data set for template 300, which was never defined", err)


if __name__ == "__main__":
    unittest.main()
