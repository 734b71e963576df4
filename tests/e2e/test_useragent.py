"""User-agent analysis (`flowcase ua`, and the `ua` of HTTP transactions) against
uap-core's own test suite, shipped in the Debian package uap-core: every case of
tests/test_ua.yaml, test_os.yaml, test_device.yaml and the test_resources files the
reference implementation runs (tests/test.js) must give the expected family and
version parts."""
import json
import os
import subprocess
import unittest

import yaml

FLOWCASE = os.environ.get("FLOWCASE", "flowcase")
UAP = "/usr/share/uap-core"

# (file, section of `flowcase ua`'s output, parts compared): as uap-core's test.js.
SUITES = [
    ("tests/test_ua.yaml", "browser", ("family", "major", "minor", "patch")),
    ("test_resources/firefox_user_agent_strings.yaml", "browser", ("family", "major", "minor", "patch")),
    ("test_resources/pgts_browser_list.yaml", "browser", ("family", "major", "minor", "patch")),
    ("test_resources/opera_mini_user_agent_strings.yaml", "browser", ("family", "major", "minor", "patch")),
    ("test_resources/podcasting_user_agent_strings.yaml", "browser", ("family", "major", "minor", "patch")),
    ("tests/test_os.yaml", "os", ("family", "major", "minor", "patch", "patch_minor")),
    ("test_resources/additional_os_tests.yaml", "os", ("family", "major", "minor", "patch", "patch_minor")),
    ("tests/test_device.yaml", "device", ("family", "brand", "model")),
]


def expected(case, parts):
    """A case's parts as strings, None where uap-core expects nothing."""
    return [None if case.get(p) in (None, "") else str(case[p]) for p in parts]


class UapCoreSuite(unittest.TestCase):
    maxDiff = None

    def run_suite(self, rel, section, parts):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(os.path.join(UAP, rel), encoding="utf-8") as f:
            cases = yaml.load(f, Loader=loader)["test_cases"]
        strings = "".join(c["user_agent_string"] + "\n" for c in cases)
        p = subprocess.run([FLOWCASE, "ua"], input=strings.encode(), capture_output=True,
                           timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode().splitlines()
        self.assertEqual(len(out), len(cases))
        failures = []
        for case, line in zip(cases, out):
            got = json.loads(line)
            self.assertEqual(got["user_agent"], case["user_agent_string"])
            have = [got[section][p] for p in parts]
            if have != expected(case, parts):
                failures.append((case["user_agent_string"], have, expected(case, parts)))
        print("uap-core %s: %d/%d cases pass" % (rel, len(cases) - len(failures), len(cases)))
        self.assertEqual(failures, [])
        return len(cases)

    def test_every_uap_core_case(self):
        total = 0
        for rel, section, parts in SUITES:
            with self.subTest(file=rel):
                total += self.run_suite(rel, section, parts)
        self.assertGreater(total, 30000)


class Command(unittest.TestCase):
    def test_arguments_and_bad_patterns(self):
        p = subprocess.run([FLOWCASE, "ua", "curl/7.88.1"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        got = json.loads(p.stdout)
        self.assertEqual(got["browser"], {"family": "curl", "major": "7", "minor": "88",
                                          "patch": "1"})
        self.assertEqual(got["os"]["family"], "Other")
        p = subprocess.run([FLOWCASE, "ua", "--ua-regexes", "/nonexistent.yaml", "x"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("/nonexistent.yaml", p.stderr)


if __name__ == "__main__":
    unittest.main()
