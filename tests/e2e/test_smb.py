"""SMB actions in the flow record (`smb`), against Zeek and tshark.

* Zeek smb_mapping.log: every tree mapped, its path and share type (the successful
  tree_connect items).
* Zeek smb_files.log: every file open, its name, share path, size and last-write time
  (the successful open/create items on shares that are not pipes). Zeek logs no open
  of a named pipe (srvsvc on IPC$) and writes one row for opens whose name, path, size
  and times are all the same within its 3-minute window (the last two opens of the
  share's root), as its SMB::write_file_log does; flowcase reports every open, so the
  test folds them the same way. Zeek's times.modified goes through a double and is
  written to the microsecond: it may be one microsecond below flowcase's.
* tshark: for every SMB2 message of the capture, the tree paths, file names, create
  dispositions and actions, sizes, statuses, dialect and NTLMSSP user, domain and host,
  in order; and the number of SMB2 messages.
* A crafted capture (real messages of the trace, a few changed as each step says):
  rename, delete, the renamed name carried on, SMB1 multi-protocol negotiation, and an
  encrypted message that ends the reading; checked against tshark too.
* smb.csv holds the same values as the JSON; --no-l7 gives null.
"""
import csv
import datetime
import os
import re
import struct
import unittest

from fclib import WorkdirCase, convert, corpus, csv_text, rfc3339_ns, tshark_fields, zeek_log

CAPTURE = "app/smb2.pcap"
NT_STATUS = {"0x00000000": "STATUS_SUCCESS", "0xc0000035": "STATUS_OBJECT_NAME_COLLISION"}
DIALECTS = {"0x0202": "2.0.2", "0x0210": "2.1", "0x0300": "3.0", "0x0302": "3.0.2",
            "0x0311": "3.1.1", "0x02ff": "2.???"}
SHARE_TYPES = {"0x01": "DISK", "0x02": "PIPE", "0x03": "PRINT"}


def zeek_text(value):
    """A Zeek ASCII log value unescaped (\\\\ and \\xNN)."""
    return re.sub(r"\\(\\|x[0-9a-fA-F]{2})",
                  lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)),
                  value)


def zeek_micros(seconds):
    """A Zeek time (seconds with 6 decimals) in microseconds."""
    sec, _, frac = seconds.partition(".")
    return int(sec) * 10 ** 6 + int(frac.ljust(6, "0"))


def micros(t):
    """A flowcase time (2011-12-06T20:16:44.512058500Z) in microseconds."""
    whole = datetime.datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")
    whole = whole.replace(tzinfo=datetime.timezone.utc)
    return int(whole.timestamp()) * 10 ** 6 + int(t[20:26])


def smb_items(run):
    (record,) = [r for r in run.records if r["app"] == "smb"]
    return record["smb"]


def tshark_messages(path):
    """One dict per SMB2 message of a capture (compounded ones split), in order."""
    fields = ["smb2.cmd", "smb2.flags.response", "smb2.msg_id", "smb2.nt_status",
              "smb2.tree", "smb2.filename", "smb2.create.disposition", "smb2.create.action",
              "smb2.eof", "smb2.share_type", "smb2.dialect", "ntlmssp.auth.username",
              "ntlmssp.auth.domain", "ntlmssp.auth.hostname", "smb2.file_info.infolevel"]
    out = []
    for row in tshark_fields(path, "smb2", "frame.number", *fields):
        values = [v.split(",") for v in row[1:]]
        for i, cmd in enumerate(values[0]):
            m = {"frame": int(row[0])}
            for name, v in zip(fields, values):
                # Per-message fields have one value per message; the others
                # (NTLMSSP, dialect, filename) belong to the frame's message.
                m[name] = v[i] if len(v) == len(values[0]) else ",".join(v)
            out.append(m)
    return out


def requests(messages, cmd):
    return [m for m in messages if m["smb2.cmd"] == cmd and m["smb2.flags.response"] == "0"]


def responses(messages, cmd):
    return [m for m in messages if m["smb2.cmd"] == cmd and m["smb2.flags.response"] == "1"]


class SmbCorpus(WorkdirCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = convert(corpus(CAPTURE), cls.work.sub("out"), formats="jsonl,csv")
        cls.messages = tshark_messages(corpus(CAPTURE))

    def items(self, *actions, ok=True):
        self.assertEqual(self.out.rc, 0, self.out.stderr)
        return [i for i in smb_items(self.out) if i["action"] in actions and
                (not ok or i["status"] == "STATUS_SUCCESS")]

    def test_zeek_smb_mapping(self):
        zeek = zeek_log(corpus("app/smb2.expected.zeek.smb_mapping.log"))
        ours = self.items("tree_connect")
        self.assertEqual([(i["path"], i["share_type"]) for i in ours],
                         [(zeek_text(z["path"]), z["share_type"]) for z in zeek])

    def test_zeek_smb_files(self):
        zeek = zeek_log(corpus("app/smb2.expected.zeek.smb_files.log"))
        self.assertEqual({z["action"] for z in zeek}, {"SMB::FILE_OPEN"})
        # Zeek's FILE_OPEN is any successful CREATE; flowcase tells a created file.
        opens = [i for i in self.items("open", "create") if i["share_type"] != "PIPE"]
        folded, seen = [], set()
        for i in opens:
            key = (i["name"], i["path"], i["size"], i["modified"])
            if key not in seen:
                seen.add(key)
                folded.append(i)
        self.assertEqual(len(opens), len(folded) + 1)  # the repeated root open
        self.assertEqual([(i["name"], i["path"], i["size"]) for i in folded],
                         [(z["name"], zeek_text(z["path"]), int(z["size"])) for z in zeek])
        # Zeek turns the FILETIME into a double: 129676762954270355 (tshark:
        # 20:18:15.427035500) is written .427034; a microsecond apart at most.
        for i, z in zip(folded, zeek):
            self.assertLessEqual(abs(micros(i["modified"]) - zeek_micros(z["times.modified"])),
                                 1)
        # What Zeek leaves out: the pipe, and the CREATE that failed.
        self.assertEqual([i["name"] for i in self.items("open") if i["share_type"] == "PIPE"],
                         ["srvsvc"])
        failed = [i for i in smb_items(self.out) if i["status"] != "STATUS_SUCCESS"]
        self.assertEqual([(i["action"], i["name"], i["status"]) for i in failed],
                         [("create", "<share_root>", "STATUS_OBJECT_NAME_COLLISION")])

    def test_tshark(self):
        m = self.messages
        all_items = smb_items(self.out)
        # Tree connects: the request's path, the response's share type.
        trees = [i for i in all_items if i["action"] == "tree_connect"]
        self.assertEqual([i["path"] for i in trees],
                         [r["smb2.tree"] for r in requests(m, "3")])
        self.assertEqual([i["share_type"] for i in trees],
                         [SHARE_TYPES[r["smb2.share_type"]] for r in responses(m, "3")])
        # Creates: name (empty for the root), disposition 2 is a create, the
        # response's status, action (2: created) and end of file.
        files = [i for i in all_items if i["action"] in ("open", "create")]
        reqs, resps = requests(m, "5"), responses(m, "5")
        self.assertEqual([i["name"] for i in files],
                         [r["smb2.filename"] or "<share_root>" for r in reqs])
        self.assertEqual(len(files), len(resps))
        for item, req, resp in zip(files, reqs, resps):
            self.assertEqual(item["status"], NT_STATUS[resp["smb2.nt_status"]])
            self.assertEqual(item["path"], resp["smb2.tree"])
            if resp["smb2.nt_status"] == "0x00000000":
                self.assertEqual(item["action"],
                                 "create" if resp["smb2.create.action"] == "2" else "open")
                self.assertEqual(item["size"], int(resp["smb2.eof"]))
            else:
                self.assertEqual(item["action"],
                                 "create" if req["smb2.create.disposition"] == "2" else "open")
                self.assertIsNone(item["size"])
        # The NTLMSSP AUTHENTICATE, then on every later item.
        auth = [r for r in requests(m, "1") if r["ntlmssp.auth.username"]]
        (setup,) = [i for i in all_items if i["action"] == "session_setup"]
        self.assertEqual([(setup["user"], setup["domain"], setup["host"])],
                         [(a["ntlmssp.auth.username"], a["ntlmssp.auth.domain"],
                           a["ntlmssp.auth.hostname"]) for a in auth])
        for i in all_items[2:]:
            self.assertEqual((i["user"], i["domain"]), ("Administrator", "CONTOSO"))
        # The dialect of the NEGOTIATE response, on every item.
        (neg,) = responses(m, "0")
        self.assertEqual(all_items[0]["action"], "negotiate")
        self.assertEqual({i["dialect"] for i in all_items}, {DIALECTS[neg["smb2.dialect"]]})
        self.assertEqual({i["version"] for i in all_items}, {2})
        # No rename nor delete: SET_INFO here sets end of file and times.
        self.assertEqual({r["smb2.file_info.infolevel"] for r in requests(m, "17")},
                         {"0x14", "0x04"})
        self.assertEqual(self.items("rename", "delete", ok=False), [])
        self.assertEqual(self.out.stats["counters"]["l7"]["smb"],
                         {"messages": len(m), "bad_message": 0, "large": 0, "encrypted": 0,
                          "compressed": 0, "smb1": 1, "items_dropped": 0, "lost": 0})

    def test_times(self):
        # Each item's time is its request's packet.
        rows = tshark_fields(corpus(CAPTURE), "smb2.flags.response == 0 && "
                             "(smb2.cmd == 1 || smb2.cmd == 3 || smb2.cmd == 5)",
                             "frame.time_epoch", "smb2.cmd", "ntlmssp.auth.username")
        want = [rfc3339_ns(int(t.replace(".", "")[:19].ljust(19, "0")))
                for t, cmd, user in rows if cmd != "1" or user]
        self.assertEqual([i["time"] for i in smb_items(self.out)[1:]], want)

    def test_csv_and_no_l7(self):
        items = smb_items(self.out)
        (record,) = [r for r in self.out.records if r["app"] == "smb"]
        with open(os.path.join(self.out.outdir, "smb.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        want = []
        for n, item in enumerate(items):
            row = {"flow_id": record["flow_id"], "seq": str(record["seq"]), "index": str(n)}
            row.update((k, csv_text(v)) for k, v in item.items())
            want.append(row)
        self.assertEqual(rows, want)
        off = convert(corpus(CAPTURE), self.work.sub("no-l7"), "--no-l7")
        self.assertEqual(off.rc, 0, off.stderr)
        self.assertEqual([r["smb"] for r in off.records], [None] * len(off.records))
        self.assertEqual([r["app"] for r in off.records], [None] * len(off.records))


# ---------------------------------------------------------------- crafted capture

def pcap(packets):
    """A pcap (Ethernet) of (seconds, frame bytes)."""
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
    for ts, frame in packets:
        out.append(struct.pack("<IIII", int(ts), int(ts * 1e6) % 10 ** 6, len(frame),
                               len(frame)))
        out.append(frame)
    return b"".join(out)


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0, 64, 6, 0,
                     bytes(src), bytes(dst))
    eth = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00"
    return eth + ip + tcp + payload


def tcp_session(exchanges):
    """A TCP connection carrying the (from_client, payload) exchanges."""
    c, s, cp, sp = (10, 0, 0, 11), (10, 0, 0, 12), 49300, 445
    seq, ack, t = [1000, 5000], 0, 1700000000.0
    pkts = [(t, tcp_frame(c, s, cp, sp, 999, 0, 0x02)),
            (t + 0.001, tcp_frame(s, c, sp, cp, 4999, 1000, 0x12)),
            (t + 0.002, tcp_frame(c, s, cp, sp, 1000, 5000, 0x10))]
    for n, (client, payload) in enumerate(exchanges):
        t = 1700000001.0 + n * 0.01
        d = 0 if client else 1
        ends = (c, s, cp, sp) if client else (s, c, sp, cp)
        pkts.append((t, tcp_frame(*ends, seq[d], seq[1 - d], 0x18, payload)))
        seq[d] += len(payload)
    return pcap(pkts)


def frame_payload(number):
    (row,) = tshark_fields(corpus(CAPTURE), f"frame.number == {number}", "tcp.payload")
    return bytearray(bytes.fromhex(row[0]))


def set_info(base, message_id, info_class, buffer):
    """Frame 36's SET_INFO with another message id, class and buffer."""
    p = base[:4 + 64 + 32] + buffer
    p[4 + 24:4 + 32] = struct.pack("<Q", message_id)
    p[4 + 64 + 3] = info_class
    p[4 + 64 + 4:4 + 64 + 8] = struct.pack("<I", len(buffer))
    p[1:4] = struct.pack(">I", len(p) - 4)[1:]
    return p


def with_message_id(payload, message_id):
    p = bytearray(payload)
    p[4 + 24:4 + 32] = struct.pack("<Q", message_id)
    return p


class SmbCrafted(WorkdirCase):
    """The corpus trace's own messages, with SET_INFO changed into a rename (class 10,
    "new.pdf") and a delete (class 13, DeletePending 1), then an encrypted message
    (transform header) before a tree connect that must not be read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        f = {n: frame_payload(n) for n in (4, 5, 8, 9, 10, 11, 32, 33, 36, 37, 1164, 1165)}
        new_name = "new.pdf".encode("utf-16-le")
        rename = bytes(16) + struct.pack("<I", len(new_name)) + new_name
        transform = bytearray(b"\x00\x00\x00\x44\xfdSMB" + bytes(0x40))
        exchanges = [(True, f[4]), (False, f[5]), (True, f[8]), (False, f[9]),
                     (True, f[10]), (False, f[11]), (True, f[32]), (False, f[33]),
                     (True, set_info(f[36], 17, 10, rename)), (False, f[37]),
                     (True, set_info(f[36], 18, 13, b"\x01")),
                     (False, with_message_id(f[37], 18)),
                     (True, f[1164]), (False, f[1165]),
                     (True, transform), (True, with_message_id(f[10], 50)),
                     (False, with_message_id(f[11], 50))]
        cls.capture = cls.work.sub("crafted.pcap")
        with open(cls.capture, "wb") as out:
            out.write(tcp_session(exchanges))
        cls.out = convert(cls.capture, cls.work.sub("out"))

    def test_rename_and_delete(self):
        self.assertEqual(self.out.rc, 0, self.out.stderr)
        items = smb_items(self.out)
        self.assertEqual([(i["action"], i["version"], i["dialect"], i["name"], i["new_name"],
                           i["status"]) for i in items],
                         [("negotiate", 2, "2.0.2", None, None, "STATUS_SUCCESS"),
                          ("session_setup", 2, "2.0.2", None, None, "STATUS_SUCCESS"),
                          ("tree_connect", 2, "2.0.2", None, None, "STATUS_SUCCESS"),
                          ("create", 2, "2.0.2", "WP_SMBPlugin.pdf", None, "STATUS_SUCCESS"),
                          ("rename", 2, "2.0.2", "WP_SMBPlugin.pdf", "new.pdf",
                           "STATUS_SUCCESS"),
                          ("delete", 2, "2.0.2", "new.pdf", None, "STATUS_SUCCESS")])
        for i in items[3:]:
            self.assertEqual((i["path"], i["share_type"], i["user"], i["host"]),
                             ("\\\\10.0.0.12\\smb2", "DISK", "Administrator", "SERVER01"))
        # The SMB1 NEGOTIATE's time: the answer came in SMB2.
        self.assertEqual(items[0]["time"], "2023-11-14T22:13:21.000000000Z")
        smb = self.out.stats["counters"]["l7"]["smb"]
        self.assertEqual((smb["encrypted"], smb["smb1"], smb["bad_message"], smb["lost"]),
                         (1, 1, 0, 0))

    def test_tshark(self):
        m = tshark_messages(self.capture)
        levels = [(r["smb2.msg_id"], r["smb2.file_info.infolevel"]) for r in requests(m, "17")]
        self.assertEqual(levels, [("17", "0x0a"), ("18", "0x0d")])
        items = smb_items(self.out)
        self.assertEqual([i["new_name"] for i in items if i["action"] == "rename"],
                         [r["smb2.filename"] for r in requests(m, "17")
                          if r["smb2.file_info.infolevel"] == "0x0a"])
        # tshark reads the tree connect after the encrypted message; flowcase stops.
        self.assertEqual(len(requests(m, "3")), 2)
        self.assertEqual(len([i for i in items if i["action"] == "tree_connect"]), 1)


if __name__ == "__main__":
    unittest.main()
