"""DTLS over UDP (`app` dtls, `tls` from the clear-text hellos), against tshark.

A real OpenSSL DTLS 1.2 handshake (tests/data/dtls): SNI, ALPN, versions, cipher, JA3
and JA3S equal tshark's dtls.handshake fields; JA4's first part (transport d, version,
SNI, counts of ciphers and extensions, ALPN) is built from tshark's lists; the first
ClientHello counts (the second repeats it with the cookie); the fragmented certificate
is counted, not read.
"""
import os
import unittest

from fclib import WorkdirCase, convert, tshark_fields

CAPTURE = os.path.join(os.environ.get("FC_TEST_DATA", ""), "dtls", "dtls12-openssl.pcap")


class Dtls(WorkdirCase):
    def test_against_tshark(self):
        run = convert(CAPTURE, self.work.sub("dtls"))
        self.assertEqual(run.rc, 0, run.stderr)
        (record,) = run.records
        tls = record["tls"]
        self.assertEqual(record["app"], "dtls")
        hellos = tshark_fields(CAPTURE, "dtls.handshake.type == 1", "dtls.handshake.ja3",
                               "dtls.handshake.extensions_server_name",
                               "dtls.handshake.extensions_alpn_str", "dtls.handshake.version",
                               "dtls.handshake.ciphersuite", "dtls.handshake.extension.type",
                               extra=("-E", "aggregator=,"))
        self.assertEqual(len(hellos), 2)  # before and after the HelloVerifyRequest
        self.assertEqual(hellos[0][0], hellos[1][0])
        ja3, sni, alpn, version, ciphers, exts = hellos[0]
        self.assertEqual((tls["ja3"], tls["sni"], tls["client_alpn"]), (ja3, sni, alpn))
        self.assertEqual((version, tls["client_version"]), ("0xfefd", "DTLS 1.2"))
        ja4_a = "dd2d%02d%02d%s%s" % (len(ciphers.split(",")), len(exts.split(",")), alpn[0],
                                     alpn[-1])
        self.assertEqual(tls["ja4"].split("_")[0], ja4_a)
        ((ja3s, cipher),) = tshark_fields(CAPTURE, "dtls.handshake.type == 2",
                                          "dtls.handshake.ja3s", "dtls.handshake.ciphersuite")
        self.assertEqual(tls["ja3s"], ja3s)
        self.assertEqual(cipher, "0xc030")
        self.assertEqual((tls["version"], tls["cipher"]),
                         ("DTLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
        counters = run.stats["counters"]["l7"]
        self.assertEqual((counters["tls"]["client_hellos"], counters["tls"]["server_hellos"],
                          counters["dtls"]["fragmented"], counters["dtls"]["bad"]), (1, 1, 1, 0))


if __name__ == "__main__":
    unittest.main()
