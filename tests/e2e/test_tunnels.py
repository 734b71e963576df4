"""Tunnels and IP reassembly on the crafted captures of tests/data/crafted-tunnels/.

tests/tools/craft_frags.py writes the captures and expected.json: per capture, the inner
flows it crafted (5-tuple, datagrams and captured frames per direction, the tunnel
stack outermost first with its ids and outer endpoints, the DNS query or HTTP host
inside), cross-checked with tshark (the README there lists tshark's view).

* Every tunnel type and every fragment scenario: the record of each inner flow has the
  crafted 5-tuple, packets equal to the captured frames (a datagram rebuilt from N
  fragments counts N), the tunnel layers with their types, ids and outer addresses,
  and the dissectors' result from inside (DNS query, HTTP host).
* Two VXLAN tenants with the same inner 5-tuple stay two flows (the VNI is in the key).
* First-wins overlaps (IPv4): the TXT records hold the bytes that arrived first;
  IPv6 overlaps drop the datagram (RFC 5722); incomplete datagrams count their frames
  in the flow, without an answer.
* Hostile input: GRE nested 12 deep and a GRE loop stop at --tunnel-depth (counted); a
  flood of 20,000 first fragments is held within the default 64 MiB and, under a small
  --frag-memcap, evicts its own oldest datagrams (counted); either way the DNS exchanges
  after it are still rebuilt and read, and every frame is in a flow.
* --tunnel-flows: the outer flows, app the tunnel type, joined to the inner records
  by the layers' community_id, nested layers each in their own outer flow.
* Options: --no-decap, --decap-off, --tunnel-ports, --tunnel-depth.
"""
import hashlib
import json
import os
import unittest

from fclib import DATA, WorkdirCase, convert

CRAFTED = os.path.join(DATA, "crafted-tunnels")
PROTO = {"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58}

with open(os.path.join(CRAFTED, "expected.json"), encoding="utf-8") as f:
    EXPECTED = json.load(f)

# Files compared flow by flow; the others have tests of their own below.
OPTIONS = {"vxlan-port-8472.pcap": ("--tunnel-ports", "vxlan=8472")}
SPECIAL = {"hostile-gre-nested-12.pcap", "hostile-gre-loop.pcap", "hostile-frag-flood.pcap",
           "frag-v4-incomplete.pcap", "frag-v6-incomplete.pcap", "frag-v6-overlap.pcap"}


def key(rec):
    return (rec["proto"], rec["src_ip"], rec["src_port"], rec["dst_ip"], rec["dst_port"])


def tunnel_ids(rec):
    return [layer["id"] for layer in rec.get("tunnel") or []]


class CraftedTunnels(WorkdirCase):
    def run_file(self, name, *options):
        out = self.work.sub(name + "-" + "-".join(o.strip("-") for o in options))
        run = convert(os.path.join(CRAFTED, name), out, *options)
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    def find(self, run, flow):
        want = (PROTO[flow["proto"]], flow["src"], flow["sport"], flow["dst"], flow["dport"])
        found = [r for r in run.records if key(r) == want]
        if "tunnel_ids" in flow:
            found = [r for r in found if tunnel_ids(r) == flow["tunnel_ids"]]
        self.assertEqual(len(found), 1, f"{want} {flow.get('tunnel_ids')}: {found}")
        return found[0]

    def check_flow(self, rec, flow):
        self.assertEqual(rec["src_packets"], flow["src_frames"])
        self.assertEqual(rec["dst_packets"], flow["dst_frames"])
        layers = rec.get("tunnel") or []
        self.assertEqual([layer["type"] for layer in layers], flow.get("tunnels", []))
        self.assertEqual([[layer["src_ip"], layer["dst_ip"]] for layer in layers],
                         flow.get("outer", []))
        if "dns_query" in flow:
            self.assertEqual([tx["query"] for tx in rec["dns"]], flow["dns_query"])
        if "http_host" in flow:
            self.assertEqual([tx["host"] for tx in rec["http"]], flow["http_host"])

    def test_every_crafted_capture(self):
        for name, exp in EXPECTED.items():
            if name in SPECIAL:
                continue
            with self.subTest(capture=name):
                run = self.run_file(name, *OPTIONS.get(name, ()))
                for flow in exp["flows"]:
                    self.check_flow(self.find(run, flow), flow)
                self.assertEqual(len(run.records), len(exp["flows"]),
                                 [key(r) for r in run.records])
                self.assertEqual(run.counter("packets.read"), exp["frames"])

    def test_tenants_stay_apart(self):
        run = self.run_file("vxlan-two-tenants.pcap")
        self.assertEqual(sorted(tunnel_ids(r)[0] for r in run.records), [100, 200])
        self.assertEqual(len({r["flow_id"] for r in run.records}), 2)
        # Community ID v1 has no tunnel: both tenants' flows share the inner 5-tuple's.
        self.assertEqual(len({r["community_id"] for r in run.records}), 1)

    def test_outer_layer_names_its_flow(self):
        run = self.run_file("gtpu-outer-frag.pcap")
        layer = run.records[0]["tunnel"][0]
        self.assertEqual((layer["proto"], layer["src_port"], layer["dst_port"]), (17, 2152, 2152))
        self.assertEqual(layer["id"], EXPECTED["gtpu-outer-frag.pcap"]["flows"][0]["tunnel_ids"][0])
        self.assertTrue(layer["community_id"].startswith("1:"))
        self.assertEqual(run.counter("fragments.reassembled"), 2)

    def test_first_arrived_bytes_win_ipv4_overlaps(self):
        run = self.run_file("frag-v4-overlap.pcap", "--format", "jsonl")
        exp = EXPECTED["frag-v4-overlap.pcap"]["first_wins"]["txt_records"]
        texts = [r["data"] for r in run.records[0]["dns_records"] if r["type_name"] == "TXT"]
        self.assertEqual(len(texts), len(exp))
        for text, pattern in zip(texts, exp):
            want = "".join(part.split("*")[0] * int(part.split("*")[1])
                           for part in pattern.split("+"))
            self.assertEqual(text.strip('"'), want)
        # X overlaps the fragment at 2048 it follows, and the one at 1024 overlaps X.
        self.assertEqual(run.counter("fragments.overlap_conflict"), 2)

    def test_ipv6_overlap_drops_the_datagram(self):
        run = self.run_file("frag-v6-overlap.pcap")
        self.assertEqual(run.counter("fragments.ipv6_overlap_dropped"), 1)
        self.assertEqual(run.counter("fragments.reassembled"), 0)
        # Every frame still counts in a flow; no answer is read from the dropped datagram.
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records), 6)
        self.assertFalse(any(tx.get("rcode") is not None
                             for r in run.records for tx in r.get("dns") or []))

    def test_first_fragment_of_only_the_udp_header(self):
        # RFC 1858's tiny fragment lacks transport bytes that matter (TCP's flags
        # lie at byte 13: 16 needed); a UDP header is all of UDP's 8, so a first
        # fragment of just the header is not tiny (the unit tests cover TCP), and
        # the datagram is rebuilt and read (test_every_crafted_capture).
        for v in ("v4", "v6"):
            with self.subTest(version=v):
                run = self.run_file(f"frag-{v}-tiny-first.pcap")
                self.assertEqual(run.counter("fragments.tiny_first"), 0)
                self.assertEqual(run.counter("fragments.reassembled"), 1)

    def test_incomplete_datagrams_count_their_frames(self):
        for v in ("v4", "v6"):
            with self.subTest(version=v):
                name = f"frag-{v}-incomplete.pcap"
                exp = EXPECTED[name]
                run = self.run_file(name)
                flow = exp["flows"][0]
                rec = self.find(run, flow)
                self.assertEqual(rec["dst_packets"], exp["unreassembled_frames"])
                self.assertEqual(run.counter("fragments.timeout"), 1)
                self.assertEqual(run.counter("fragments.timeout_frames"),
                                 exp["unreassembled_frames"])
                self.assertIsNone(rec["dns"][0]["rcode"])

    def test_nesting_beyond_the_depth(self):
        exp = EXPECTED["hostile-gre-nested-12.pcap"]["flows"][0]
        for depth in (4, 8):
            with self.subTest(depth=depth):
                run = self.run_file("hostile-gre-nested-12.pcap", "--tunnel-depth", str(depth))
                self.assertEqual(len(run.records), 1)
                rec = run.records[0]
                self.assertEqual(len(rec["tunnel"]), depth)
                self.assertEqual([[t["src_ip"], t["dst_ip"]] for t in rec["tunnel"]],
                                 exp["outer"][:depth])
                self.assertEqual(rec["proto"], 47)  # the GRE packet at the last layer followed
                self.assertEqual(run.counter("tunnel.too_deep"), 2)
        run = convert(os.path.join(CRAFTED, "hostile-gre-nested-12.pcap"), self.work.sub("d9"),
                      "--tunnel-depth", "9")
        self.assertEqual(run.rc, 2)

    def test_gre_loop_is_bounded(self):
        exp = EXPECTED["hostile-gre-loop.pcap"]
        run = self.run_file("hostile-gre-loop.pcap")
        loop = [r for r in run.records if r["proto"] == 47]
        self.assertEqual(len(loop), 1)
        self.assertEqual(loop[0]["src_packets"], exp["loop_frames"])
        self.assertEqual(len(loop[0]["tunnel"]), 4)
        self.assertEqual(run.counter("tunnel.too_deep"), exp["loop_frames"])
        self.check_flow(self.find(run, exp["flows"][0]), exp["flows"][0])

    def test_fragment_flood_is_bounded(self):
        exp = EXPECTED["hostile-frag-flood.pcap"]
        ok, frag = exp["flows"]
        # Default limits: the 20,000 pending datagrams fit in 64 MiB; the fragmented
        # response after them is rebuilt and its answer read.
        run = self.run_file("hostile-frag-flood.pcap")
        self.assertEqual(run.counter("fragments.timeout"), 20000)
        for flow in exp["flows"]:
            rec = self.find(run, flow)
            # The flood's source ports run from 30000 to 49999: its fragment from the
            # DNS flow's port counts in that flow (a first fragment names its ports).
            self.assertEqual(rec["src_packets"], flow["src_frames"] + 1)
            self.assertEqual(rec["dst_packets"], flow["dst_frames"])
            self.assertEqual([tx["query"] for tx in rec["dns"]], flow["dns_query"])
            self.assertIsNotNone(rec["dns"][0]["rcode"])
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records),
                         exp["frames"])
        # 256 KiB: the memory stays under the cap; the oldest pending datagrams are
        # given up early to make room (counted), so the response after the flood is
        # still rebuilt and read, and no frame is lost.
        run = self.run_file("hostile-frag-flood.pcap", "--frag-memcap", "256KiB")
        self.assertLessEqual(run.counter("fragments.peak_bytes"), 256 * 1024)
        self.assertGreater(run.counter("fragments.evicted"), 19000)
        self.assertEqual(run.counter("fragments.memcap"), 0)
        self.assertEqual(run.counter("fragments.evicted") + run.counter("fragments.timeout"),
                         20000)
        for flow in (ok, frag):
            rec = self.find(run, flow)
            self.assertEqual([tx["query"] for tx in rec["dns"]], flow["dns_query"])
            self.assertIsNotNone(rec["dns"][0]["rcode"])
        self.assertEqual(sum(r["src_packets"] + r["dst_packets"] for r in run.records),
                         exp["frames"])

    def test_tunnel_flows(self):
        # Both tenants' packets travel between the same VTEPs: each VTEP sends to
        # port 4789 from a port of its own, so there is one outer flow per
        # direction, carrying both tenants; the inner records join the outer flow
        # of their first packet.
        run = self.run_file("vxlan-two-tenants.pcap", "--tunnel-flows")
        outer = [r for r in run.records if r["app"] == "vxlan"]
        inner = [r for r in run.records if r["tunnel"]]
        self.assertEqual(sorted((r["src_ip"], r["dst_port"], r["src_packets"], r["dst_packets"])
                                for r in outer),
                         [("192.0.2.1", 4789, 10, 0), ("192.0.2.2", 4789, 6, 0)])
        self.assertEqual(sum(r["src_packets"] for r in outer),
                         sum(r["src_packets"] + r["dst_packets"] for r in inner))
        for rec in inner:
            (first,) = [r for r in outer if r["src_ip"] == rec["tunnel"][0]["src_ip"]]
            self.assertEqual(rec["tunnel"][0]["community_id"], first["community_id"])
        self.assertTrue(all(r["tunnel"] is None for r in outer))
        # Nested: each layer's outer flow is keyed inside the layers around it, and
        # lists them; the innermost record joins the deepest outer flow.
        run = self.run_file("gre-teb.pcap", "--tunnel-flows")
        (gre,) = [r for r in run.records if r["app"] == "gre"]
        (http,) = [r for r in run.records if r["app"] == "http"]
        self.assertEqual(http["tunnel"][0]["community_id"], gre["community_id"])
        self.assertEqual(gre["src_packets"] + gre["dst_packets"],
                         http["src_packets"] + http["dst_packets"])
        run = self.run_file("hostile-gre-nested-12.pcap", "--tunnel-flows")
        gres = sorted((r for r in run.records if r["app"] == "gre"),
                      key=lambda r: len(r["tunnel"] or []))
        self.assertEqual([len(r["tunnel"] or []) for r in gres], [0, 1, 2, 3, 4])
        for depth, rec in enumerate(gres[1:], 1):
            self.assertEqual(rec["tunnel"][-1]["community_id"], gres[depth - 1]["community_id"])

    def test_http_in_gre_erspan_vxlan_gpe(self):
        """Arkime's session of encap/gre-erspan-vxlan-http: GRE, ERSPAN II (session
        20), then VXLAN-GPE (UDP 4790, next protocol Ethernet; Arkime's
        "vxlan-gpe") around an HTTP exchange. Its http fields: statuscode 200,
        serverVersion 1.1, uri "/Hello", and the response body (sha256 of "Hi
        Andy!", 8 bytes). The request line is "GET /Hello Arkime HTTP/1.0":
        Arkime and tshark cut the URI at the first space, flowcase takes all up
        to the version (docs/http.md), so its uri starts with Arkime's."""
        with open(os.path.join(DATA, "corpus", "encap", "gre-erspan-vxlan-http.expected.arkime.json"),
                  encoding="utf-8") as f:
            body = json.load(f)["sessions3"][0]["body"]
        run = convert(os.path.join(DATA, "corpus", "encap", "gre-erspan-vxlan-http.pcap"),
                      self.work.sub("gev"))
        (rec,) = [r for r in run.records if r["http"]]
        self.assertEqual([(t["type"], t["id"], t["dst_port"]) for t in rec["tunnel"]],
                         [("erspan", 20, None), ("vxlan_gpe", 0, 4790)])
        self.assertIn("vxlan-gpe", body["protocol"])
        (tx,) = rec["http"]
        self.assertEqual([tx["status"]], body["http"]["statuscode"])
        self.assertEqual([tx["response_version"]], body["http"]["serverVersion"])
        self.assertTrue(tx["uri"].startswith(body["http"]["uri"][0]))
        self.assertEqual(tx["response_body_len"], len("Hi Andy!"))
        self.assertEqual(hashlib.sha256(b"Hi Andy!").hexdigest(), body["http"]["sha256"][0])

    def test_decapsulation_options(self):
        run = self.run_file("vxlan-two-tenants.pcap", "--no-decap")
        self.assertTrue(all(r["dst_port"] == 4789 and r["tunnel"] is None for r in run.records))
        run = self.run_file("vxlan-two-tenants.pcap", "--decap-off", "gre,vxlan")
        self.assertTrue(all(r["dst_port"] == 4789 for r in run.records))
        run = self.run_file("vxlan-port-8472.pcap")
        self.assertTrue(all(r["dst_port"] == 8472 for r in run.records))
        for bad in (("--decap-off", "pptp"), ("--tunnel-ports", "gre=99"),
                    ("--tunnel-ports", "vxlan=0")):
            out = self.work.sub("bad")
            self.assertEqual(convert(os.path.join(CRAFTED, "teredo.pcap"), out, *bad).rc, 2, bad)


if __name__ == "__main__":
    unittest.main()
