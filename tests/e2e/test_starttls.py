"""STARTTLS: line protocols that turn into TLS (`app` the protocol, `tls` and
`certificates` from the handshake that follows).

* Zeek ssl.log and x509.log of an IRC session with STARTTLS: version, cipher, the
  certificate chain's SHA-256, subject, issuer and serial.
* Crafted SMTP, IMAP, POP3 and FTP sessions (tests/tools/craft_starttls.py) that go on
  with that same handshake: the same values each time; a refused STARTTLS gives no TLS.
"""
import os
import subprocess
import sys
import unittest

from fclib import WorkdirCase, convert, corpus, zeek_log
from test_tls import version_name


def crafted_starttls(name):
    return os.path.join(os.environ["FC_TEST_DATA"], "crafted-starttls", name)


class StartTls(WorkdirCase):
    def convert(self, path):
        run = convert(path, self.work.sub(os.path.basename(path)))
        self.assertEqual(run.rc, 0, run.stderr)
        (record,) = [r for r in run.records if r["app"]]
        return run, record

    def test_zeek_irc(self):
        run, record = self.convert(corpus("formats/sll-irc-starttls.pcap"))
        (ssl,) = zeek_log(corpus("formats/sll-irc-starttls.expected.zeek.ssl.log"))
        x509 = zeek_log(corpus("formats/sll-irc-starttls.expected.zeek.x509.log"))
        self.assertEqual(record["app"], "irc")
        self.assertEqual((record["src_port"], record["dst_port"]),
                         (int(ssl["id.orig_p"]), int(ssl["id.resp_p"])))
        self.assertEqual(record["tls"]["version"], version_name(ssl["version"]))
        self.assertEqual(record["tls"]["cipher"], ssl["cipher"])
        self.assertEqual([c["sha256"] for c in record["certificates"]],
                         ssl["cert_chain_fps"].split(","))
        self.assertEqual(len(x509), len(record["certificates"]))
        for cert, z in zip(record["certificates"], x509):
            self.assertEqual((cert["subject"], cert["issuer"], cert["serial"]),
                             (z["certificate.subject"], z["certificate.issuer"],
                              z["certificate.serial"]))
        self.assertEqual(run.stats["counters"]["l7"]["tls"]["lost"], 0)

    def test_crafted_protocols(self):
        _, irc = self.convert(corpus("formats/sll-irc-starttls.pcap"))
        for app in ("smtp", "imap", "pop3", "ftp"):
            with self.subTest(app=app):
                _, record = self.convert(crafted_starttls("starttls-%s.pcap" % app))
                self.assertEqual(record["app"], app)
                for field in ("version", "cipher", "ja3", "ja3s", "ja4", "client_version"):
                    self.assertEqual(record["tls"][field], irc["tls"][field])
                self.assertEqual([c["sha256"] for c in record["certificates"]],
                                 [c["sha256"] for c in irc["certificates"]])

    def test_refused(self):
        run, record = self.convert(crafted_starttls("starttls-smtp-refused.pcap"))
        self.assertEqual((record["app"], record["tls"], record["certificates"]),
                         ("smtp", None, None))
        self.assertEqual(run.stats["counters"]["l7"]["tls"]["lost"], 1)

    def test_captures_current(self):
        tool = os.path.join(os.path.dirname(__file__), "..", "tools", "craft_starttls.py")
        self.assertEqual(subprocess.run([sys.executable, tool, "--check"]).returncode, 0)


if __name__ == "__main__":
    unittest.main()
