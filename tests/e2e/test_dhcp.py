"""DHCP messages in the flow record (`dhcp`), against the peers' outputs in the corpus.

* Zeek dhcp.log (app/dhcp.pcap): Zeek folds the messages of one transaction id, over
  several flows, into one row; flowcase reports each flow's own messages. The items of
  all flows, grouped by xid in time order, give Zeek's msg_types, mac, host_name,
  requested_addr (client messages), domain, assigned_addr, lease_time, server_addr and
  server_message (server messages).
* tshark: every DHCPv4 and DHCPv6 message of every corpus capture that has some (found
  with `tshark -Y "dhcp || dhcpv6"`: app/dhcp.pcap, encap/pppoe.pcap, the two
  misc/mixed-1kxun parts and misc/mixed-ipfixprobe.pcap) is one item, field by field.
* dhcp.csv holds the same values as the JSON; --no-l7 gives null; counters.
* IPFIX: read of flows.ipfix gives back flows.jsonl and dhcp.csv byte for byte, and
  ipfixDump decodes the fcDhcp list to the JSON values.
* Crafted datagrams: DHCPv4 is recognised on any port by its magic cookie; DHCPv6 needs
  port 546/547 and a clean parse; the per-record cap is counted.
"""
import os
import struct
import unittest

from fclib import WorkdirCase, convert, corpus, rfc3339_ns, section_csv, tshark_fields, zeek_log
from test_ipfix import FC_PEN, dump_value, file_bytes, ipfixdump, read

CAPTURES = ["app/dhcp.pcap", "encap/pppoe.pcap", "misc/mixed-1kxun.part1.pcap",
            "misc/mixed-1kxun.part2.pcap", "misc/mixed-ipfixprobe.pcap"]

# RFC 2132 9.6 / RFC 8415 7.3 names of the types the corpus holds.
V4_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
            7: "RELEASE", 8: "INFORM"}
V6_TYPES = {1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM", 5: "RENEW",
            6: "REBIND", 7: "REPLY", 8: "RELEASE", 9: "DECLINE", 11: "INFORMATION-REQUEST"}
CLIENT_TYPES = {"DISCOVER", "REQUEST", "DECLINE", "RELEASE", "INFORM"}
FIELDS = ["time", "version", "msg_type", "xid", "client_mac", "hostname", "client_fqdn",
          "requested_addr", "assigned_addr", "client_addr", "server_id", "lease_time",
          "domain", "vendor_class", "param_list", "message", "client_id", "client_duid",
          "server_duid", "addresses", "prefixes"]


def epoch_text(text):
    """tshark's frame.time_epoch as flowcase prints times."""
    sec, _, frac = text.partition(".")
    return rfc3339_ns(int(sec) * 10 ** 9 + int(frac.ljust(9, "0")[:9]))


def empty_item():
    return dict.fromkeys(FIELDS)


def nonzero(addr):
    return addr if addr and addr != "0.0.0.0" else None


V4_FIELDS = ["frame.time_epoch", "dhcp.option.dhcp", "dhcp.id", "dhcp.hw.mac_addr",
             "dhcp.option.hostname", "dhcp.fqdn.name", "dhcp.option.requested_ip_address",
             "dhcp.ip.your", "dhcp.ip.client", "dhcp.option.dhcp_server_id",
             "dhcp.option.ip_address_lease_time", "dhcp.option.domain_name",
             "dhcp.option.vendor_class_id", "dhcp.option.request_list_item",
             "dhcp.option.message", "dhcp.option.type", "dhcp.option.value"]


def tshark_v4(path):
    """Each DHCPv4 message of a capture as the item flowcase should write."""
    out = []
    for row in tshark_fields(path, "dhcp", *V4_FIELDS,
                             extra=("-E", "occurrence=a", "-E", "aggregator=,")):
        (ts, mtype, xid, mac, host, fqdn, requested, your, client, server, lease, domain,
         vendor, prl, message, types, values) = row
        # Option values in wire order; pad (0) and end (255) have none.
        codes = [int(t) for t in types.split(",") if t and int(t) not in (0, 255)]
        values = values.split(",") if values else []
        assert len(codes) == len(values), row
        options = dict(zip(codes, values))
        item = empty_item()
        name = V4_TYPES[int(mtype)]
        item.update(time=epoch_text(ts), version=4, msg_type=name, xid=int(xid, 16),
                    # The first: tshark names option 61's address the same.
                    client_mac=mac.split(",")[0] or None, hostname=host or None,
                    client_fqdn=fqdn.rstrip(".") or None, requested_addr=requested or None,
                    assigned_addr=nonzero(your) if name in ("OFFER", "ACK") else None,
                    client_addr=nonzero(client), server_id=server or None,
                    lease_time=int(lease) if lease else None, domain=domain or None,
                    vendor_class=vendor or None, param_list=prl or None,
                    message=message or None, client_id=options.get(61))
        out.append(item)
    return out


V6_FIELDS = ["frame.time_epoch", "dhcpv6.msgtype", "dhcpv6.xid", "dhcpv6.option.type",
             "dhcpv6.duid.bytes", "dhcpv6.requested_option_code", "dhcpv6.client_domain",
             "dhcpv6.tld", "dhcpv6.vendorclass.data", "dhcpv6.iaaddr.ip",
             "dhcpv6.iaprefix.pref_addr", "dhcpv6.iaprefix.pref_len"]


def duid_mac(duid):
    """The Ethernet address of a DUID-LLT (type 1) or DUID-LL (3), RFC 8415 11.2, 11.4."""
    raw = bytes.fromhex(duid)
    dtype, hwtype = struct.unpack_from("!HH", raw)
    addr = raw[8:] if dtype == 1 else raw[4:] if dtype == 3 else b""
    return ":".join("%02x" % b for b in addr) if hwtype == 1 and len(addr) == 6 else None


def tshark_v6(path):
    """Each DHCPv6 message of a capture as the item flowcase should write."""
    out = []
    for row in tshark_fields(path, "dhcpv6", *V6_FIELDS,
                             extra=("-E", "occurrence=a", "-E", "aggregator=;")):
        (ts, mtype, xid, types, duids, oro, domain, tld, vendor, addrs, prefixes,
         lengths) = row
        # The DUIDs in the order of their options, client (1) and server (2).
        which = [int(t) for t in types.split(";") if int(t) in (1, 2)]
        duid = dict(zip(which, duids.split(";") if duids else []))
        item = empty_item()
        item.update(time=epoch_text(ts), version=6, msg_type=V6_TYPES[int(mtype)],
                    xid=int(xid, 16), client_duid=duid.get(1), server_duid=duid.get(2),
                    client_mac=duid_mac(duid[1]) if 1 in duid else None,
                    param_list=oro.replace(";", ",") or None,
                    client_fqdn=(domain or tld).rstrip(".") or None,
                    vendor_class=vendor.replace(";", ",") or None,
                    addresses=addrs.replace(";", ",") or None,
                    prefixes=",".join("%s/%s" % p for p in zip(prefixes.split(";"),
                                                                lengths.split(";")))
                    if prefixes else None)
        out.append(item)
    return out


def items(run):
    """Every DHCP item of a run, all flows together, in time order."""
    got = [m for r in run.records if r["dhcp"] for m in r["dhcp"]]
    return sorted(got, key=lambda m: m["time"])


class DhcpPeers(WorkdirCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.runs = {}
        for i, name in enumerate(CAPTURES):
            cls.runs[name] = convert(corpus(name), cls.work.sub(str(i)),
                                     formats="jsonl,csv,ipfix")

    def run_of(self, name):
        run = self.runs[name]
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    def test_zeek_dhcp_log(self):
        run = self.run_of("app/dhcp.pcap")
        groups = {}
        for m in items(run):
            groups.setdefault(m["xid"], []).append(m)
        rows = zeek_log(corpus("app/dhcp.expected.zeek.dhcp.log"))
        self.assertEqual(len(groups), len(rows))

        def last(msgs, field, client):
            values = [m[field] for m in msgs
                      if (m["msg_type"] in CLIENT_TYPES) == client and m[field] is not None]
            return str(values[-1]) if values else "-"

        for zeek, msgs in zip(rows, sorted(groups.values(), key=lambda g: g[0]["time"])):
            self.assertEqual(",".join(m["msg_type"] for m in msgs), zeek["msg_types"])
            self.assertEqual({m["client_mac"] for m in msgs}, {zeek["mac"]})
            self.assertEqual(last(msgs, "hostname", True), zeek["host_name"])
            self.assertEqual(last(msgs, "requested_addr", True), zeek["requested_addr"])
            self.assertEqual(last(msgs, "message", True), zeek["client_message"])
            self.assertEqual(last(msgs, "domain", False), zeek["domain"])
            self.assertEqual(last(msgs, "assigned_addr", False), zeek["assigned_addr"])
            self.assertEqual(last(msgs, "server_id", False), zeek["server_addr"])
            self.assertEqual(last(msgs, "message", False), zeek["server_message"])
            lease = last(msgs, "lease_time", False)
            self.assertEqual(lease, "-" if zeek["lease_time"] == "-"
                             else str(int(float(zeek["lease_time"]))))

    def test_flows(self):
        """Each flow reports its own messages: the client's broadcasts and each answer
        of the server (to the offered address or to the broadcast address)."""
        run = self.run_of("app/dhcp.pcap")
        flows = {(r["src_ip"], r["src_port"], r["dst_ip"], r["dst_port"]):
                 [m["msg_type"] for m in r["dhcp"]] for r in run.records}
        self.assertEqual(flows, {
            ("0.0.0.0", 68, "255.255.255.255", 67):
                ["DISCOVER", "REQUEST", "REQUEST", "DECLINE", "RELEASE", "INFORM"],
            ("128.2.6.152", 67, "128.2.6.97", 68): ["OFFER"],
            ("128.2.6.152", 67, "255.255.255.255", 68): ["NAK"],
            ("128.2.6.152", 67, "128.2.6.189", 68): ["ACK"],
        })
        self.assertEqual({r["app"] for r in run.records}, {"dhcp"})
        pppoe = self.run_of("encap/pppoe.pcap")
        self.assertEqual({r["app"] for r in pppoe.records if r["dhcp"] is not None},
                         {"dhcpv6"})

    def test_tshark(self):
        for name in CAPTURES:
            with self.subTest(name):
                want = tshark_v4(corpus(name)) + tshark_v6(corpus(name))
                want.sort(key=lambda m: m["time"])
                self.assertTrue(want)
                self.assertEqual(items(self.run_of(name)), want)

    def test_csv_counters_and_no_l7(self):
        for name in CAPTURES:
            with self.subTest(name):
                run = self.run_of(name)
                rows, want = section_csv(run, "dhcp")
                self.assertEqual(rows, want)
                # Every UDP flow that is not DHCP has null, a DHCP one a list.
                for r in run.records:
                    self.assertEqual(r["dhcp"] is not None, r["app"] in ("dhcp", "dhcpv6"))
        counters = self.run_of("misc/mixed-ipfixprobe.pcap").stats["counters"]["l7"]["dhcp"]
        self.assertEqual(counters, {"v4_messages": 33, "v6_messages": 7, "bad_messages": 0,
                                    "messages_dropped": 0})
        off = convert(corpus("app/dhcp.pcap"), self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertEqual([r["dhcp"] for r in off.records], [None] * len(off.records))

    def test_ipfix(self):
        ids = {name: 131 + i for i, name in enumerate(FIELDS)}
        for name in CAPTURES:
            with self.subTest(name):
                run = self.run_of(name)
                ipfix = os.path.join(run.outdir, "flows.ipfix")
                for fmt, files in (("jsonl", ["flows.jsonl"]), ("csv", ["dhcp.csv"])):
                    back = os.path.join(run.outdir, "back-" + fmt)
                    self.assertEqual(read(ipfix, back, fmt), (0, ""))
                    for f in files:
                        self.assertEqual(file_bytes(os.path.join(back, f)),
                                         file_bytes(os.path.join(run.outdir, f)), f)
                rc, err, records = ipfixdump(ipfix)
                self.assertEqual((rc, err), (0, ""))
                # (ipfixDump's MAC text would pass for an IPv6 address in dump_value.)
                dumped = [{i: v if i == ids["client_mac"] else dump_value(v)
                           for e, i, _, v in t["fields"] if e == FC_PEN}
                          for rec in records for t in rec["lists"].get((FC_PEN, 130), [])]
                want = [m for r in run.records for m in r["dhcp"] or []]
                self.assertEqual(len(dumped), len(want))
                for got, m in zip(dumped, want):
                    for field in ("version", "msg_type", "xid", "client_mac", "hostname",
                                  "requested_addr", "assigned_addr", "server_id",
                                  "lease_time", "domain", "param_list", "client_duid",
                                  "prefixes"):
                        value = m[field]
                        self.assertEqual(got.get(ids[field]),
                                         None if value is None else str(value), field)


# ---- crafted datagrams -------------------------------------------------------------

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp4_frame(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


def udp6_frame(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = bytes(src) + bytes(dst) + struct.pack("!IxxxB", length, 17)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xffff) + udp[8:]
    ip = struct.pack("!IHBB", 0x60000000, length, 17, 64) + bytes(src) + bytes(dst)
    return b"\x33\x33\x00\x01\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd" + ip + udp


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


def discover(xid, options=b"\x35\x01\x01\xff"):
    """A DHCPDISCOVER (RFC 2131 2): BOOTREQUEST, Ethernet, the cookie, the options."""
    header = struct.pack("!BBBBIHHIIII16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, 0, 0, 0, 0,
                         b"\x02\x00\x00\x00\x00\x01", b"", b"")
    return header + b"\x63\x82\x53\x63" + options


SOLICIT = (b"\x01\x12\x34\x56"                           # SOLICIT, xid 0x123456
           b"\x00\x01\x00\x0a\x00\x03\x00\x01\x02\x00\x00\x00\x00\x01"  # client DUID-LL
           b"\x00\x06\x00\x04\x00\x17\x00\x18"           # ORO 23, 24
           b"\x00\x08\x00\x02\x00\x00")                  # elapsed time
LL_SRC = [0xfe, 0x80] + [0] * 13 + [1]
ALL_SERVERS = [0xff, 0x02] + [0] * 11 + [1, 0, 2]


class DhcpCrafted(WorkdirCase):
    def convert_frames(self, name, frames):
        os.makedirs(self.work.sub(name))
        path = os.path.join(self.work.sub(name), "in.pcap")
        write_pcap(path, frames)
        run = convert(path, self.work.sub(name + "-out"))
        self.assertEqual(run.rc, 0, run.stderr)
        return run

    def test_v4_any_port_and_cap(self):
        frames = [udp4_frame([0] * 4, [255] * 4, 68, 67, discover(i)) for i in range(70)]
        frames.append(udp4_frame([10, 0, 0, 1], [10, 0, 0, 2], 40000, 40001, discover(7)))
        run = self.convert_frames("v4", frames)
        by_port = {r["src_port"]: r for r in run.records}
        self.assertEqual(by_port[68]["app"], "dhcp")
        self.assertEqual([m["xid"] for m in by_port[68]["dhcp"]], list(range(64)))
        self.assertEqual([m["xid"] for m in by_port[40000]["dhcp"]], [7])
        self.assertEqual(run.stats["counters"]["l7"]["dhcp"],
                         {"v4_messages": 71, "v6_messages": 0, "bad_messages": 0,
                          "messages_dropped": 6})

    def test_v4_cut_and_bad(self):
        frames = [
            # Options without an End: reported, counted bad.
            udp4_frame([0] * 4, [255] * 4, 68, 67, discover(1, b"\x35\x01\x03\x0c\x03abc")),
            # A header cut before the cookie: not DHCP (nothing to recognise).
            udp4_frame([10, 0, 0, 1], [255] * 4, 68, 67, discover(2)[:200]),
            # Not BOOTP: op 3.
            udp4_frame([10, 0, 0, 2], [255] * 4, 68, 67, b"\x03" + discover(3)[1:]),
        ]
        run = self.convert_frames("v4-bad", frames)
        by_src = {r["src_ip"]: r for r in run.records}
        (m,) = by_src["0.0.0.0"]["dhcp"]
        self.assertEqual((m["msg_type"], m["hostname"], m["xid"]), ("REQUEST", "abc", 1))
        self.assertEqual([by_src[a]["app"] for a in ("10.0.0.1", "10.0.0.2")], [None, None])
        self.assertEqual(run.stats["counters"]["l7"]["dhcp"]["bad_messages"], 1)

    def test_v6_needs_port_and_clean_parse(self):
        frames = [
            udp6_frame(LL_SRC, ALL_SERVERS, 546, 547, SOLICIT),
            # The same message on other ports: no hint, not DHCPv6.
            udp6_frame(LL_SRC, ALL_SERVERS, 5000, 5001, SOLICIT),
            # On the DHCPv6 ports, an option running past the datagram: not DHCPv6.
            udp6_frame(LL_SRC, ALL_SERVERS, 546, 5002, SOLICIT[:-1]),
            # Unassigned message type 200.
            udp6_frame(LL_SRC, ALL_SERVERS, 5003, 547, b"\xc8" + SOLICIT[1:]),
        ]
        run = self.convert_frames("v6", frames)
        flows = {(r["src_port"], r["dst_port"]): r for r in run.records}
        self.assertEqual(flows[(546, 547)]["app"], "dhcpv6")
        (m,) = flows[(546, 547)]["dhcp"]
        self.assertEqual((m["version"], m["msg_type"], m["xid"], m["client_duid"],
                          m["client_mac"], m["param_list"]),
                         (6, "SOLICIT", 0x123456, "00030001020000000001",
                          "02:00:00:00:00:01", "23,24"))
        for ports in ((5000, 5001), (546, 5002), (5003, 547)):
            self.assertEqual((flows[ports]["app"], flows[ports]["dhcp"]), (None, None), ports)


if __name__ == "__main__":
    unittest.main()
