"""SSH connection starts in the flow record (`ssh`), against the peers' outputs in the corpus.

* Zeek ssh.log: banners, protocol version and the negotiated key exchange, host key,
  cipher, MAC and compression algorithms (curve25519 key exchange); its host key
  fingerprint is cut to 32 characters in the baseline, flowcase's begins with it.
* Arkime: HASSH, HASSHServer, the banners, and the host key (whose SHA-256 is the
  fingerprint flowcase writes), with a group-exchange key exchange.
* tshark: HASSH, HASSHServer and both banners of every SSH capture.
* ssh.csv holds the same values as the JSON; --no-l7 gives null; the connection is no
  longer followed after NEWKEYS.
"""
import base64
import csv
import hashlib
import os
import unittest

from fclib import WorkdirCase, arkime_sessions, convert, corpus, csv_text, tshark_fields, zeek_log

CAPTURES = ["app/ssh-curve25519.pcap", "app/ssh2.pcap"]


def fingerprint(blob):
    """OpenSSH's SHA256 fingerprint of a host key blob."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


class SshPeers(WorkdirCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runs = {}
        for i, name in enumerate(CAPTURES):
            cls.runs[name] = convert(corpus(name), cls.work.sub(str(i)), formats="jsonl,csv")

    def ssh_records(self, name):
        run = self.runs[name]
        self.assertEqual(run.rc, 0, run.stderr)
        return [r for r in run.records if r["ssh"]]

    def test_zeek_ssh_log(self):
        (zeek,) = zeek_log(corpus("app/ssh-curve25519.expected.zeek.ssh.log"))
        (record,) = self.ssh_records("app/ssh-curve25519.pcap")
        ssh = record["ssh"]
        self.assertEqual(record["app"], "ssh")
        self.assertEqual((record["src_ip"], record["src_port"]),
                         (zeek["id.orig_h"], int(zeek["id.orig_p"])))
        for field in ("client", "server", "cipher_alg", "mac_alg", "compression_alg",
                      "kex_alg", "host_key_alg"):
            self.assertEqual(ssh[field], zeek[field], field)
        self.assertEqual(ssh["version"], int(zeek["version"]))
        self.assertTrue(ssh["host_key"].startswith(zeek["host_key_fingerprint"]))
        self.assertEqual(len(ssh["host_key"]), len("SHA256:") + 43)

    def test_arkime(self):
        (session,) = arkime_sessions(corpus("app/ssh2.expected.arkime.json"))
        (record,) = self.ssh_records("app/ssh2.pcap")
        ssh, peer = record["ssh"], session["ssh"]
        self.assertEqual([ssh["hassh"]], peer["hassh"])
        self.assertEqual([ssh["hassh_server"]], peer["hasshServer"])
        self.assertEqual(sorted([ssh["client"].lower(), ssh["server"].lower()]),
                         sorted(peer["version"]))
        self.assertEqual([ssh["host_key"]], [fingerprint(base64.b64decode(k))
                                             for k in peer["key"]])
        # SSH-1.99 speaks both: the connection is protocol 2 with a group exchange.
        self.assertEqual((ssh["version"], ssh["kex_alg"]),
                         (2, "diffie-hellman-group-exchange-sha1"))

    def test_tshark(self):
        for name in CAPTURES:
            with self.subTest(name):
                rows = tshark_fields(corpus(name), "ssh.protocol || ssh.kex.hassh || "
                                     "ssh.kex.hasshserver", "tcp.srcport", "ssh.protocol",
                                     "ssh.kex.hassh", "ssh.kex.hasshserver")
                (record,) = self.ssh_records(name)
                ssh = record["ssh"]
                client_port = str(record["src_port"])
                banners = {port == client_port: b for port, b, _, _ in rows if b}
                self.assertEqual(banners, {True: ssh["client"], False: ssh["server"]})
                self.assertEqual([h for _, _, h, _ in rows if h], [ssh["hassh"]])
                self.assertEqual([h for _, _, _, h in rows if h], [ssh["hassh_server"]])

    def test_csv_counters_and_no_l7(self):
        run = self.runs["app/ssh-curve25519.pcap"]
        (record,) = self.ssh_records("app/ssh-curve25519.pcap")
        with open(os.path.join(run.outdir, "ssh.csv"), newline="", encoding="utf-8") as f:
            (row,) = list(csv.DictReader(f))
        want = {"flow_id": record["flow_id"], "seq": str(record["seq"]), "index": "0"}
        want.update((k, csv_text(v)) for k, v in record["ssh"].items())
        self.assertEqual(row, want)
        self.assertEqual(run.stats["counters"]["l7"]["ssh"],
                         {"kexinits": 2, "bad_kexinit": 0, "lost": 0})
        off = convert(corpus("app/ssh-curve25519.pcap"), self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertEqual([r["ssh"] for r in off.records], [None] * len(off.records))


if __name__ == "__main__":
    unittest.main()
