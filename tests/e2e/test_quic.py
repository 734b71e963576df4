"""QUIC connection starts in the flow record (`quic`, and the `tls` object its Initial
packets' hellos fill), against the peers' outputs in the corpus.

* suricata-verify (quic-ietf): one QUIC connection, its SNI and its first ALPN.
* Zeek quic.log (quic-go handshake over PPP): version, client_initial_dcid,
  client_scid (zero-length: "(empty)"), server_scid, server_name, client_protocol;
  Zeek's ssl.log of the same connection: TLS version, cipher and server name.
* tshark, which decrypts Initial packets: for every capture of the corpus with QUIC,
  the same QUIC flows, and of each the version, the connection IDs of the first
  Initials, the ClientHello's SNI, ALPN and JA3, the ServerHello's cipher and JA3S.
* nDPI (mixed-1kxun): it lists no QUIC flow (neither IETF QUIC nor Google QUIC), and
  flowcase reports none; tshark finds none in its three parts either.
* quic.csv holds the same values as the JSON; --no-l7 gives null; the counters; the
  connection is no longer followed once both hellos are read.
"""
import csv
import os
import re
import unittest

from fclib import (WorkdirCase, convert, corpus, csv_text, suricata_verify_checks, tshark_fields,
                   zeek_log)
from test_tls import version_name

QUIC_CAPTURES = ["app/quic-ietf.pcap", "app/quic-go-handshake-ppp.pcap",
                 "tls/tls-ja3-ja4-ipfixprobe.pcap"]
MIXED = ["misc/mixed-1kxun.part%d.pcap" % n for n in (1, 2, 3)]
# The TLS 1.3 suites (RFC 8446 B.4), the only ones QUIC allows (RFC 9001 5.3).
SUITES = {"0x1301": "TLS_AES_128_GCM_SHA256", "0x1302": "TLS_AES_256_GCM_SHA384",
          "0x1303": "TLS_CHACHA20_POLY1305_SHA256"}


def first(text):
    """The first of tshark's comma-separated values (one per coalesced packet)."""
    return text.split(",")[0]


class QuicPeers(WorkdirCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runs = {}
        for i, name in enumerate(QUIC_CAPTURES):
            cls.runs[name] = convert(corpus(name), cls.work.sub(str(i)), formats="jsonl,csv")
        cls.runs["mixed"] = convert([corpus(p) for p in MIXED], cls.work.sub("mixed"))

    def quic_records(self, name):
        """(client port) -> the record of each flow flowcase says is QUIC."""
        run = self.runs[name]
        self.assertEqual(run.rc, 0, run.stderr)
        out = {}
        for r in run.records:
            self.assertEqual(r["app"] == "quic", r["quic"] is not None, r["flow_id"])
            if r["quic"]:
                self.assertEqual(r["proto"], 17)  # UDP
                out[r["src_port"]] = r
        return out

    def test_suricata_verify(self):
        (check,) = suricata_verify_checks(
            corpus("app/quic-ietf.expected.suricata-verify.yaml"))
        want = check["match"]
        self.assertEqual((want["event_type"], check["count"]), ("quic", 1))
        (record,) = self.quic_records("app/quic-ietf.pcap").values()
        quic = record["quic"]
        self.assertEqual(want["quic.extensions[1].name"], "server_name")
        self.assertEqual(quic["sni"], want["quic.extensions[1].values[0]"])
        self.assertEqual(want["quic.extensions[2].name"], "alpn")
        self.assertEqual(quic["client_alpn"].split(",")[0], want["quic.extensions[2].values[0]"])

    def test_zeek_quic_and_ssl_logs(self):
        name = "app/quic-go-handshake-ppp.pcap"
        (zeek,) = zeek_log(corpus(name).replace(".pcap", ".expected.zeek.quic.log"))
        (ssl,) = zeek_log(corpus(name).replace(".pcap", ".expected.zeek.ssl.log"))
        (record,) = self.quic_records(name).values()
        quic, tls = record["quic"], record["tls"]
        self.assertEqual((record["src_ip"], record["src_port"], record["dst_ip"],
                          record["dst_port"]),
                         (zeek["id.orig_h"], int(zeek["id.orig_p"]), zeek["id.resp_h"],
                          int(zeek["id.resp_p"])))
        empty = {"(empty)": ""}  # Zeek's zero-length string
        for mine, theirs in (("version", "version"),
                             ("client_initial_dcid", "client_initial_dcid"),
                             ("client_scid", "client_scid"), ("server_scid", "server_scid"),
                             ("sni", "server_name"), ("client_alpn", "client_protocol")):
            self.assertEqual(quic[mine], empty.get(zeek[theirs], zeek[theirs]), mine)
        self.assertEqual(quic["client_scid"], "")  # known and empty, not null
        self.assertEqual((tls["version"], tls["cipher"], tls["sni"]),
                         (version_name(ssl["version"]), ssl["cipher"], ssl["server_name"]))
        self.assertEqual(quic["cipher"], ssl["cipher"])

    def test_tls_object(self):
        """The quic object's TLS values are the tls object's; JA4 has transport q."""
        for name in QUIC_CAPTURES:
            for record in self.quic_records(name).values():
                quic, tls = record["quic"], record["tls"]
                for field in ("sni", "client_alpn", "cipher", "ja3", "ja4"):
                    self.assertEqual(quic[field], tls[field], (name, field))
                self.assertEqual(tls["ja4"][0], "q")
                self.assertEqual(tls["version"], "TLS 1.3")
                self.assertIsNone(tls["server_alpn"])  # sent encrypted (EncryptedExtensions)
                self.assertGreaterEqual(tls["handshake_time"], 0)
                self.assertIsNone(record["certificates"])

    def test_tshark(self):
        """tshark decrypts the Initials: every QUIC flow, its IDs and hellos."""
        checked = 0
        for name in QUIC_CAPTURES:
            mine = self.quic_records(name)
            rows = tshark_fields(corpus(name), "quic.long.packet_type == 0", "udp.srcport",
                                 "udp.dstport", "quic.version", "quic.dcid", "quic.scid",
                                 "tls.handshake.type", "tls.handshake.extensions_server_name",
                                 "tls.handshake.extensions_alpn_str", "tls.handshake.ja3",
                                 "tls.handshake.ciphersuite", "tls.handshake.ja3s")
            clients = {}  # client port -> the client's first Initial; then the server's
            servers = {}
            for row in rows:
                sport, dport = int(row[0]), int(row[1])
                if sport not in servers and dport not in clients:
                    clients.setdefault(sport, row)
                elif dport in clients:
                    servers.setdefault(dport, row)
            self.assertEqual(sorted(mine), sorted(clients), name)
            for port, c in clients.items():
                _, _, version, dcid, scid, kinds, sni, alpn, ja3, _, _ = c
                quic = mine[port]["quic"]
                self.assertEqual(first(version), "0x00000001")
                self.assertEqual(quic["version"], "1")
                self.assertEqual((quic["client_initial_dcid"], quic["client_scid"]),
                                 (first(dcid), first(scid)), name)
                self.assertEqual(first(kinds), "1")
                self.assertEqual((quic["sni"], quic["client_alpn"], quic["ja3"]),
                                 (sni, alpn, ja3), name)
                s = servers[port]
                self.assertEqual(first(s[5]), "2")
                self.assertEqual(quic["server_scid"], first(s[4]), name)
                self.assertEqual(quic["cipher"], SUITES[s[9]], name)
                self.assertEqual(mine[port]["tls"]["ja3s"], s[10], name)
                checked += 1
        self.assertEqual(checked, 3)

    def test_mixed_capture_has_no_quic(self):
        """nDPI lists no QUIC flow in mixed-1kxun (its UDP is DNS, LLMNR, SSDP,
        NetBIOS, DHCP, NTP, MDNS and unknown), tshark finds no QUIC or Google QUIC
        packet, and flowcase reports none."""
        with open(corpus("misc/mixed-1kxun.expected.ndpi.txt"), encoding="utf-8") as f:
            ndpi = f.read()
        protos = set(re.findall(r"\[proto: [\d.]+/([\w.]+)\]", ndpi))
        self.assertIn("DNS", {p.split(".")[0] for p in protos})
        self.assertFalse({p for p in protos if "QUIC" in p.upper()})
        for part in MIXED:
            self.assertEqual(tshark_fields(corpus(part), "quic || gquic", "frame.number"), [])
        self.assertEqual(self.quic_records("mixed"), {})
        udp = [r for r in self.runs["mixed"].records if r["proto"] == 17]
        self.assertGreater(len(udp), 50)
        self.assertEqual(self.runs["mixed"].stats["counters"]["l7"]["quic"],
                         {"initials": 0, "decrypt_failed": 0, "unsupported": 0, "hellos": 0,
                          "bad_hello": 0})

    def test_csv_counters_and_no_l7(self):
        name = "app/quic-go-handshake-ppp.pcap"
        run = self.runs[name]
        (record,) = self.quic_records(name).values()
        with open(os.path.join(run.outdir, "quic.csv"), newline="", encoding="utf-8") as f:
            (row,) = list(csv.DictReader(f))
        want = {"flow_id": record["flow_id"], "seq": str(record["seq"]), "index": "0"}
        want.update((k, csv_text(v)) for k, v in record["quic"].items())
        self.assertEqual(row, want)
        with open(os.path.join(run.outdir, "tls.csv"), newline="", encoding="utf-8") as f:
            (row,) = list(csv.DictReader(f))
        self.assertEqual((row["flow_id"], row["sni"], row["ja4"]),
                         (record["flow_id"], record["tls"]["sni"], record["tls"]["ja4"]))
        # The client sends a third Initial (an ACK) after both hellos: not read, as
        # the connection is no longer followed by then.
        self.assertEqual(run.stats["counters"]["l7"]["quic"],
                         {"initials": 2, "decrypt_failed": 0, "unsupported": 0, "hellos": 2,
                          "bad_hello": 0})
        self.assertEqual(len(tshark_fields(corpus(name), "quic.long.packet_type == 0",
                                           "frame.number")), 3)
        off = convert(corpus(name), self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertTrue(off.records)
        self.assertEqual([(r["app"], r["quic"], r["tls"]) for r in off.records],
                         [(None, None, None)] * len(off.records))


if __name__ == "__main__":
    unittest.main()
