"""Helpers for the end-to-end tests: run the flowcase binary, read its outputs.

The binary and the test data come from the environment (set by ctest):
FLOWCASE is the flowcase executable, FC_TEST_DATA the tests/data directory.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile

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
