"""Helpers for the end-to-end tests: run the flowcase binary, read its outputs.

The binary and the test data come from the environment (set by ctest):
FLOWCASE is the flowcase executable, FC_TEST_DATA the tests/data directory.
"""
import base64
import csv
import datetime
import hashlib
import io
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

FLOWCASE = os.environ.get("FLOWCASE", "flowcase")
DATA = os.environ.get("FC_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))


def corpus(rel):
    """Path of a capture or peer output under tests/data/corpus."""
    return os.path.join(DATA, "corpus", rel)


def crafted(name):
    """Path of a file under tests/data/crafted."""
    return os.path.join(DATA, "crafted", name)


class Run:
    """One `flowcase convert` run: exit status, records, stats, stderr."""

    def __init__(self, rc, outdir, stderr, stdout):
        self.rc = rc
        self.outdir = outdir
        self.stderr = stderr
        self.stdout = stdout
        self.records = []
        self.stats = None
        path = os.path.join(outdir, "flows.jsonl")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.records = [json.loads(line) for line in f]
        path = os.path.join(outdir, "stats.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.stats = json.load(f)
        self.manifest = None
        path = os.path.join(outdir, "manifest.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.manifest = json.load(f)

    def inputs(self):
        """Each evidence file of manifest.json with its capture streams folded in:
        path, format (of its first capture), packets, first/last packet time, link
        types, errors, warnings, notices, and messages (the file's own, then each
        capture's, in order)."""
        out = []
        for i in self.manifest["inputs"]:
            caps = i["captures"]
            firsts = [c["first_packet_time"] for c in caps if c["first_packet_time"]]
            lasts = [c["last_packet_time"] for c in caps if c["last_packet_time"]]
            out.append({
                "first_packet_time": min(firsts) if firsts else None,
                "last_packet_time": max(lasts) if lasts else None,
                "linktypes": [lt for c in caps for lt in c["linktypes"]],
                "path": i["path"],
                "format": next((c["format"] for c in caps if c["format"]), None),
                "packets": sum(c["packets"] for c in caps),
                "errors": i["errors"] + sum(c["errors"] for c in caps),
                "warnings": i["warnings"] + sum(c["warnings"] for c in caps),
                "notices": i["notices"] + sum(c["notices"] for c in caps),
                "messages": i["messages"] + [m for c in caps for m in c["messages"]],
            })
        return out

    def counter(self, dotted):
        """A counter from stats.json by its dotted name, e.g. 'packets.ip'."""
        node = self.stats["counters"]
        for part in dotted.split("."):
            node = node[part]
        return node

    def csv_rows(self):
        with open(os.path.join(self.outdir, "flows.csv"), newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def read(self, name):
        with open(os.path.join(self.outdir, name), "rb") as f:
            return f.read()


class Workdir:
    """A temporary directory removed at the end of a test (use in setUp)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="fc-e2e-")

    def sub(self, name):
        return os.path.join(self.path, name)

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


class WorkdirCase(unittest.TestCase):
    """A test class with one temporary directory, `self.work`, for all its tests."""
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.work = Workdir()

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()


def run_flowcase(*args, stdin=None):
    """Runs flowcase with raw arguments; returns CompletedProcess (text)."""
    return subprocess.run([FLOWCASE, *args], input=stdin, capture_output=True, text=True,
                          timeout=600)


def convert(inputs, outdir, *options, formats="jsonl"):
    """Runs `flowcase convert -o outdir --format formats [options] inputs`."""
    if isinstance(inputs, str):
        inputs = [inputs]
    p = run_flowcase("convert", "-q", "-o", outdir, "--format", formats, *options, *inputs)
    return Run(p.returncode, outdir, p.stderr, p.stdout)


def tshark_fields(capture, display_filter, *fields, extra=()):
    """Rows of tshark -T fields output (lists of strings), one per packet."""
    cmd = ["tshark", "-n", "-r", capture, *extra, "-T", "fields"]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"tshark failed on {capture}: {p.stderr}")
    return [line.split("\t") for line in p.stdout.splitlines()]


def zeek_log(path):
    """Rows of a Zeek TSV log as dicts keyed by the #fields names."""
    fields = None
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif line and not line.startswith("#") and fields:
                rows.append(dict(zip(fields, line.split("\t"))))
    return rows


def arkime_sessions(path):
    """The session bodies of an Arkime .test JSON file."""
    with open(path, encoding="utf-8") as f:
        return [s["body"] for s in json.load(f)["sessions3"]]


def zeek_cut(path):
    """Rows of a zeek-cut projection (.cut: a plain header line of column names,
    then tab-separated rows; '#' lines skipped) as dicts keyed by those names."""
    fields = None
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if fields is None:
                fields = line.split("\t")
            else:
                rows.append(dict(zip(fields, line.split("\t"))))
    return rows


def ipfixprobe_records(path):
    """Flow records of an ipfixprobe functional-test output (NEMEA logger text):
    dicts keyed by the UniRec column names, which the template line
    ('ipaddr DST_IP,ipaddr SRC_IP,uint64 BYTES,...') gives; values are strings."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]
    templates = [r for r in rows if r[0].startswith("ipaddr ")]
    if len(templates) != 1:
        raise ValueError(f"{path}: expected one UniRec template line, found {len(templates)}")
    names = [c.split(" ", 1)[1] for c in templates[0]]
    return [dict(zip(names, r)) for r in rows if r is not templates[0]]


_NDPI_FLOW = re.compile(
    r"^\t\d+\t(?P<proto>\S+) (?P<src>\S+) (?:<->|->) (?P<dst>\S+) "
    r"(?:\[VLAN: (?P<vlan>\d+)\])?.*?"
    r"\[(?P<sp>\d+) pkts/(?P<sb>\d+) bytes (?:<->|->) (?P<dp>\d+) pkts/(?P<db>\d+) bytes\]")


def _ndpi_endpoint(text):
    """'1.2.3.4:80', '[2001:db8::1]:53' or a bare address -> (address, port or None)."""
    if text.startswith("["):
        addr, _, port = text[1:].partition("]:")
        return addr.rstrip("]"), int(port) if port else None
    if text.count(":") == 1:
        addr, port = text.split(":")
        return addr, int(port)
    return text, None


def ndpi_flows(path):
    """Per-flow lines of an ndpiReader result file, detected and undetected flows:
    dicts with proto ('TCP', 'UDP', ...), src, sport, dst, dport (ports None when
    the line has none), vlan (int or None), src_packets, src_bytes, dst_packets,
    dst_bytes. The byte counts are nDPI's (L2 frame sizes)."""
    flows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _NDPI_FLOW.match(line)
            if not m:
                if re.match(r"^\t\d+\t[A-Z0-9]+ \S+ <?->", line):
                    raise ValueError(f"{path}: unparsed flow line: {line.strip()}")
                continue
            src, sport = _ndpi_endpoint(m.group("src"))
            dst, dport = _ndpi_endpoint(m.group("dst"))
            flows.append({
                "proto": m.group("proto"), "src": src, "sport": sport, "dst": dst, "dport": dport,
                "vlan": int(m.group("vlan")) if m.group("vlan") else None,
                "src_packets": int(m.group("sp")), "src_bytes": int(m.group("sb")),
                "dst_packets": int(m.group("dp")), "dst_bytes": int(m.group("db")),
            })
    return flows


def suricata_verify_checks(path):
    """The `filter` checks of a suricata-verify test.yaml, as a list of
    {'count': int, 'match': {dotted key: value string}}. Reads only the small
    YAML subset those files use (no PyYAML in the standard library)."""
    checks = []
    current = None
    match_indent = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            text = line.strip()
            if text.startswith("- "):
                text = text[2:]
                indent += 2
                if text.split(":", 1)[0] in ("filter", "shell", "stats"):
                    current = {"kind": text.split(":", 1)[0], "count": None, "match": {}}
                    checks.append(current)
                    match_indent = None
                    continue
            if current is None:
                continue
            key, _, value = text.partition(":")
            value = value.strip().strip("'\"")
            if match_indent is not None and indent > match_indent:
                current["match"][key.strip()] = value
                continue
            match_indent = None
            if key == "count":
                current["count"] = int(value)
            elif key == "match":
                match_indent = indent
    return [{"count": c["count"], "match": c["match"]} for c in checks if c["kind"] == "filter"]


# ---------------------------------------------------------------------------
# Expected facts of the crafted captures, and small generic helpers
# ---------------------------------------------------------------------------

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")
_crafted_manifest = None


def crafted_manifest():
    """The crafted captures' expected facts, by file name.

    Runs tests/tools/craft_captures.py --check --manifest into a temporary file (the
    data directory is not written); raises RuntimeError when the script fails or the
    files under crafted/ are not the ones it generates (then the facts would not
    describe them). Each value is the script's per-file entry: 'packets', 'flows'
    (expected records), 'damage' (None for a well-formed file)."""
    global _crafted_manifest
    if _crafted_manifest is None:
        tmp = tempfile.mkdtemp(prefix="fc-manifest-")
        try:
            path = os.path.join(tmp, "manifest.json")
            p = subprocess.run(["python3", os.path.join(TOOLS, "craft_captures.py"), "--check",
                                "--outdir", os.path.join(DATA, "crafted"), "--manifest", path],
                               capture_output=True, text=True, timeout=300)
            if p.returncode != 0 or not os.path.exists(path):
                raise RuntimeError("craft_captures.py --check failed (crafted/ is stale?):\n"
                                   + p.stdout + p.stderr)
            with open(path, encoding="utf-8") as f:
                _crafted_manifest = {c["file"]: c for c in json.load(f)}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return _crafted_manifest


def rfc3339_ns(epoch_ns):
    """Epoch nanoseconds as flowcase prints times: 2024-01-02T03:04:05.000000000Z."""
    sec, frac = divmod(epoch_ns, 10 ** 9)
    d = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % frac


def canon_ip(addr):
    """An IP address in its canonical text form (compressed IPv6, lower case)."""
    return ipaddress.ip_address(addr).compressed


def community_id(src, dst, proto, sport=None, dport=None, seed=0):
    """Community ID v1 (base64) of addresses, protocol and optional ports, with the
    spec's endpoint ordering. No ICMP type mapping: callers pass the mapped ports."""
    s, d = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    if sport is not None:
        if not (s, sport) < (d, dport):
            s, d, sport, dport = d, s, dport, sport
    elif not s < d:
        s, d = d, s
    data = struct.pack("!H", seed) + s + d + struct.pack("!BB", proto, 0)
    if sport is not None:
        data += struct.pack("!HH", sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def csv_text(value):
    """A JSON value as flowcase's CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def section_csv(run, section):
    """(the rows of a section's CSV file, the rows the records' JSON says it holds):
    one per item, keyed by flow_id, seq and the item's index."""
    with open(os.path.join(run.outdir, section + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    want = []
    for record in run.records:
        items = record[section]
        items = [items] if isinstance(items, dict) else items or []
        for i, item in enumerate(items):
            row = {"flow_id": record["flow_id"], "seq": str(record["seq"]), "index": str(i)}
            row.update((k, csv_text(v)) for k, v in item.items())
            want.append(row)
    return rows, want
