"""TLS handshakes in the flow record (`tls`), against the peers' outputs in the corpus.

* suricata-verify: JA4 (ja4-tls12), client and server ALPN (rawip-tls-alpn), SNI and
  version (tls13-community-id).
* ipfixprobe: SNI, the server's ALPN, JA3 and JA4 of 28 connections. ipfixprobe counts
  GREASE extensions in JA4's extension count, which the JA4 specification leaves out:
  where its count differs, it differs by exactly the GREASE extensions the hello sent.
* Arkime: version, cipher, JA3, JA3S and JA4 (a ClientHello split over segments, and a
  TLS 1.2 handshake with a long cipher list).
* Zeek ssl.log: version, cipher and server name of a TLS 1.0 handshake (RC4 suite).
* nDPI: JA3, JA3S, JA4, version and cipher of every TLS connection nDPI fingerprints in a
  mixed capture.
* tshark: SNI, JA3 and JA3S of every hello in every TLS capture.
* The connection is no longer followed after the handshake; app is "tls"; tls.csv holds
  one row per handshake.
* Certificates (`certificates`): every certificate of Zeek's x509.log in chain order and
  its ssl.log cert_chain_fps; Arkime's cert array (SHA-1, serial, validity, alt names);
  certificates.csv holds the same rows as the JSON; --no-l7 gives null.
"""
import calendar
import csv
import os
import re
import subprocess
import unittest

from fclib import (WorkdirCase, arkime_sessions, convert, corpus, csv_text, ipfixprobe_records,
                   suricata_verify_checks, zeek_log)

CAPTURES = ["tls/ja4-tls12.pcap", "tls/tls-ja3-ja4-ipfixprobe.pcap",
            "formats/rawip-tls-alpn.pcap", "tls/tls13-community-id.pcap",
            "tls/split-client-hello.pcap", "tls/tls10-cert-extensions.pcap",
            "tls/tls12-cert-openssl.pcap", "misc/mixed-1kxun.pcap"]
# The copy in tests/data is split in three parts (read in one run).
PARTS = {"misc/mixed-1kxun.pcap": ["misc/mixed-1kxun.part%d.pcap" % n for n in (1, 2, 3)]}


def inputs(name):
    return [corpus(p) for p in PARTS.get(name, [name])]


def version_name(peer):
    """"TLSv1.3" (Arkime, nDPI) or "TLSv13" (Zeek) as flowcase writes it: "TLS 1.3"."""
    m = re.match(r"^TLSv?(\d)\.?(\d)$", peer)
    return "TLS %s.%s" % m.groups() if m else peer


def epoch_seconds(text):
    """flowcase's "2012-04-11T00:04:37.000000000Z" as seconds since the epoch."""
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z$", text)
    parts = [int(g) for g in m.groups()]
    return calendar.timegm(tuple(parts[:6]) + (0, 0, 0)) + parts[6] / 1e9


def is_grease(value):
    return value & 0x0f0f == 0x0a0a and value >> 8 == value & 0xff


class TlsPeers(WorkdirCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runs = {}
        for i, name in enumerate(CAPTURES):
            run = convert(inputs(name), cls.work.sub("c%d" % i), formats="jsonl,csv")
            assert run.rc == 0, run.stderr
            cls.runs[name] = run

    def handshakes(self, name):
        """(client port) -> the tls object of that connection."""
        out = {}
        for r in self.runs[name].records:
            if r["tls"]:
                # QUIC's Initials carry a handshake too (test_quic.py checks those).
                self.assertIn(r["app"], ("tls", "quic"))
                if r["app"] == "tls":
                    out[r["src_port"]] = r["tls"]
        return out

    def only(self, name):
        (tls,) = self.handshakes(name).values()
        return tls

    def test_suricata_verify(self):
        cases = {"tls/ja4-tls12.pcap": {"tls.ja4": "ja4"},
                 "tls/tls13-community-id.pcap": {"tls.sni": "sni", "tls.version": "version"}}
        checked = 0
        for name, keys in cases.items():
            tls = self.only(name)
            path = corpus(name).replace(".pcap", ".expected.suricata-verify.yaml")
            for check in suricata_verify_checks(path):
                if check["match"].get("event_type") != "tls":
                    continue
                for theirs, mine in keys.items():
                    self.assertEqual(tls[mine], check["match"][theirs], name)
                    checked += 1
        self.assertEqual(checked, 3)
        tls = self.only("formats/rawip-tls-alpn.pcap")
        (check,) = [c for c in suricata_verify_checks(
            corpus("formats/rawip-tls-alpn.expected.suricata-verify.yaml"))
            if c["match"].get("event_type") == "tls"]
        want = check["match"]
        self.assertEqual(tls["client_alpn"],
                         want["tls.client_alpns[0]"] + "," + want["tls.client_alpns[1]"])
        self.assertEqual(tls["server_alpn"], want["tls.server_alpns[0]"])

    def test_ipfixprobe(self):
        theirs = ipfixprobe_records(
            corpus("tls/tls-ja3-ja4-ipfixprobe.expected.ipfixprobe-tls.csv"))
        mine = self.handshakes("tls/tls-ja3-ja4-ipfixprobe.pcap")
        self.assertEqual(len(theirs), 28)
        exact = 0
        for rec in theirs:
            tls = mine[int(rec["SRC_PORT"])]
            self.assertEqual(tls["sni"], rec["TLS_SNI"])
            self.assertEqual(tls["server_alpn"] or "", rec["TLS_ALPN"])
            self.assertEqual(tls["ja3"], rec["TLS_JA3"])
            exts = [int(x) for x in rec["TLS_EXT_TYPE"].strip("[]").split("|") if x]
            grease = sum(1 for e in exts if is_grease(e))
            ja4 = rec["TLS_JA4"]
            count = int(ja4[6:8]) - grease
            self.assertEqual(tls["ja4"], ja4[:6] + "%02d" % count + ja4[8:])
            exact += tls["ja4"] == ja4
        self.assertEqual(exact, 6)  # the connections without GREASE

    def test_arkime(self):
        for name in ("tls/split-client-hello.pcap", "tls/tls12-cert-openssl.pcap"):
            (session,) = arkime_sessions(corpus(name).replace(".pcap", ".expected.arkime.json"))
            want = session["tls"]
            tls = self.handshakes(name)[session["source"]["port"]]
            self.assertEqual(tls["version"], version_name(want["version"][0]))
            self.assertEqual(tls["cipher"], want["cipher"][0])
            self.assertEqual(tls["ja3"], want["ja3"][0])
            self.assertEqual(tls["ja3s"], want["ja3s"][0])
            self.assertEqual(tls["ja4"], want["ja4"][0])

    def test_zeek(self):
        (row,) = zeek_log(corpus("tls/tls10-cert-extensions.expected.zeek.ssl.log"))
        tls = self.handshakes("tls/tls10-cert-extensions.pcap")[int(row["id.orig_p"])]
        self.assertEqual(tls["version"], version_name(row["version"]))
        self.assertEqual(tls["cipher"], row["cipher"])
        self.assertEqual(tls["sni"], row["server_name"])

    def test_ndpi(self):
        mine = self.handshakes("misc/mixed-1kxun.pcap")
        pattern = re.compile(r"TCP [\d.]+:(\d+) <-> [\d.]+:443 .*?\[(TLSv[\d.]+)\]"
                             r"\[JA3C: (\w+)\]\[JA4: (\w+)\]\[JA3S: (\w+)[^\]]*\]"
                             r"\[Cipher: (\w+)\]")
        with open(corpus("misc/mixed-1kxun.expected.ndpi.txt"), encoding="utf-8") as f:
            theirs = [m.groups() for m in pattern.finditer(f.read())]
        self.assertGreaterEqual(len(theirs), 4)
        for port, version, ja3, ja4, ja3s, cipher in theirs:
            tls = mine[int(port)]
            self.assertEqual((tls["version"], tls["ja3"], tls["ja3s"], tls["cipher"]),
                             (version_name(version), ja3, ja3s, cipher), port)
            # These hellos name an IP address in SNI (RFC 6066 forbids it). JA4's
            # rule is whether the SNI extension is there ('d'); nDPI writes 'i' for
            # an address (docs/tls.md).
            self.assertEqual(tls["sni"], "192.168.115.75")
            self.assertEqual(tls["ja4"], ja4[:3] + "d" + ja4[4:], port)

    def test_tshark(self):
        """Every hello's SNI, JA3 and JA3S as tshark computes them."""
        checked = 0
        for name in CAPTURES:
            if name in PARTS:
                continue  # tshark reads one file; the parts are covered by nDPI's test
            p = subprocess.run(["tshark", "-n", "-r", corpus(name), "-Y",
                                "tls.handshake.type == 1 || tls.handshake.type == 2",
                                "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport",
                                "-e", "tls.handshake.type", "-e",
                                "tls.handshake.extensions_server_name", "-e",
                                "tls.handshake.ja3", "-e", "tls.handshake.ja3s"],
                               capture_output=True, text=True, timeout=120)
            mine = self.handshakes(name)
            for line in p.stdout.splitlines():
                sport, dport, kinds, sni, ja3, ja3s = line.split("\t")
                kind = kinds.split(",")[0]
                if not sport:
                    continue  # a hello in a frame tshark did not decode as TCP
                if kind == "1" and int(sport) in mine:
                    tls = mine[int(sport)]
                    self.assertEqual((tls["sni"] or "", tls["ja3"]), (sni, ja3), name)
                    checked += 1
                elif kind == "2" and int(dport) in mine:
                    self.assertEqual(mine[int(dport)]["ja3s"], ja3s, name)
                    checked += 1
        self.assertEqual(checked, 67)  # the hellos of the TCP connections flowcase follows

    def certificates(self, name):
        """(client port) -> the certificates array of that connection."""
        return {r["src_port"]: r["certificates"] for r in self.runs[name].records
                if r["certificates"]}

    def test_certificates_zeek(self):
        name = "tls/tls10-cert-extensions.pcap"
        (ssl,) = zeek_log(corpus(name).replace(".pcap", ".expected.zeek.ssl.log"))
        x509 = zeek_log(corpus(name).replace(".pcap", ".expected.zeek.x509.log"))
        certs = self.certificates(name)[int(ssl["id.orig_p"])]
        self.assertEqual(len(certs), len(x509))
        for i, (cert, row) in enumerate(zip(certs, x509)):
            self.assertEqual((cert["side"], cert["chain_index"], cert["parsed"]),
                             ("server", i, True))
            self.assertEqual(cert["sha256"], row["fingerprint"])
            self.assertEqual(str(cert["version"]), row["certificate.version"])
            for key in ("serial", "subject", "issuer", "key_type", "key_alg", "sig_alg"):
                self.assertEqual(cert[key], row["certificate." + key], key)
            self.assertEqual(str(cert["key_length"]), row["certificate.key_length"])
            self.assertEqual(epoch_seconds(cert["not_before"]),
                             float(row["certificate.not_valid_before"]))
            self.assertEqual(epoch_seconds(cert["not_after"]),
                             float(row["certificate.not_valid_after"]))
            self.assertEqual(cert["san_dns"] or "-", row["san.dns"])
            for kind in ("uri", "email", "ip"):
                self.assertEqual(cert["san_" + kind] or "-", row["san." + kind])
        self.assertEqual(",".join(c["sha256"] for c in certs), ssl["cert_chain_fps"])
        self.assertEqual(ssl["client_cert_chain_fps"], "(empty)")

    def test_certificates_arkime(self):
        name = "tls/tls12-cert-openssl.pcap"
        (session,) = arkime_sessions(corpus(name).replace(".pcap", ".expected.arkime.json"))
        certs = self.certificates(name)[session["source"]["port"]]
        self.assertEqual(len(certs), session["certCnt"])
        # Arkime lists the chain with the leaf last: the wire's order rotated by one.
        want = session["cert"]
        mine = certs[1:] + certs[:1]
        for cert, theirs in zip(mine, want):
            sha1 = cert["sha1"]
            self.assertEqual(":".join(sha1[i:i + 2] for i in range(0, len(sha1), 2)),
                             theirs["hash"])
            self.assertEqual(cert["serial"].lower(), theirs["serial"].lower())
            self.assertEqual(epoch_seconds(cert["not_before"]) * 1000, theirs["notBefore"])
            self.assertEqual(epoch_seconds(cert["not_after"]) * 1000, theirs["notAfter"])
            self.assertEqual(cert["key_alg"], theirs["publicAlgorithm"])
            alt = cert["san_dns"].split(",") if cert["san_dns"] else []
            self.assertEqual(len(alt), theirs.get("altCnt", 0))
            self.assertEqual(alt, theirs.get("alt", []))

    def test_certificates_csv_and_no_l7(self):
        name = "tls/tls12-cert-openssl.pcap"
        run = self.runs[name]
        with open(os.path.join(run.outdir, "certificates.csv"), newline="",
                  encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        want = []
        for record in run.records:
            for i, cert in enumerate(record["certificates"] or []):
                row = {"flow_id": record["flow_id"], "seq": str(record["seq"]),
                       "index": str(i)}
                row.update((k, csv_text(v)) for k, v in cert.items())
                want.append(row)
        self.assertEqual(len(want), 3)
        self.assertEqual(rows, want)
        tls = run.stats["counters"]["l7"]["tls"]
        self.assertEqual((tls["certificates"], tls["bad_certificate"],
                          tls["certificates_dropped"]), (3, 0, 0))
        off = convert(inputs(name), self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertTrue(off.records)
        self.assertEqual([r["certificates"] for r in off.records], [None] * len(off.records))

    def test_csv_and_following(self):
        run = self.runs["tls/tls13-community-id.pcap"]
        with open(os.path.join(run.outdir, "tls.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        (record,) = [r for r in run.records if r["tls"]]
        (row,) = rows
        self.assertEqual((row["flow_id"], row["index"]), (record["flow_id"], "0"))
        self.assertEqual(row["sni"], "ipv4.google.com")
        self.assertEqual(row["ja4"], record["tls"]["ja4"])
        tls = run.stats["counters"]["l7"]["tls"]
        self.assertEqual(tls, {"client_hellos": 1, "server_hellos": 1, "bad_hello": 0, "lost": 0,
                               "certificates": 0, "bad_certificate": 0,
                               "certificates_dropped": 0})
        # TLS 1.3 encrypts the Certificate: an empty list, not null.
        self.assertEqual(record["certificates"], [])


if __name__ == "__main__":
    unittest.main()
