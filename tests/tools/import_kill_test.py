#!/usr/bin/env python3
"""`vellum import` killed with SIGKILL at several points, then re-run, ends
with exactly the messages of a clean import, and `vellum verify` passes."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

BIN_DIR = os.environ.get("VELLUM_BIN_DIR", "")
VELLUM = os.path.join(BIN_DIR, "vellum")
HERE = os.path.dirname(os.path.abspath(__file__))
ENRON = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus", "enron"))


class ImportKillTest(unittest.TestCase):
    def setUp(self):
        if not os.access(VELLUM, os.X_OK):
            self.skipTest(f"no vellum binary at {VELLUM!r}: set VELLUM_BIN_DIR")
        self.tmp = tempfile.mkdtemp(prefix="vellum-kill-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def vellum(self, data, *args, expect=0):
        result = subprocess.run([VELLUM, "--data-dir", data, *args], input="pw\n",
                                capture_output=True, text=True, timeout=600)
        self.assertEqual(result.returncode, expect, result.stderr)
        return result

    def fresh(self, name):
        data = os.path.join(self.tmp, name)
        self.vellum(data, "instance", "add", "acme")
        self.vellum(data, "user", "add", "acme/jon", "--password-stdin")
        return data

    def counts(self, data):
        stats = json.loads(self.vellum(data, "stats", "acme", "--json").stdout)[0]
        return stats["folders"], stats["messages"], stats["contents"]

    def dictionaries(self, data):
        db = sqlite3.connect(os.path.join(data, "instances", "acme", "archive.db"))
        try:
            return db.execute("SELECT count(*) FROM dictionaries").fetchone()[0]
        finally:
            db.close()

    def test_killed_imports_finish_on_rerun(self):
        clean = self.fresh("clean")
        self.vellum(clean, "import", "acme/jon", ENRON)
        expected = self.counts(clean)
        for delay in (0.05, 0.2, 0.5, 1.0, 1.5):
            with self.subTest(delay=delay):
                data = self.fresh(f"killed-{delay}")
                process = subprocess.Popen(
                    [VELLUM, "--data-dir", data, "import", "acme/jon", ENRON],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                process.wait()
                self.vellum(data, "verify", "acme")  # consistent after the kill
                self.vellum(data, "import", "acme/jon", ENRON)
                self.assertEqual(self.counts(data), expected)
                self.assertIn("ok", self.vellum(data, "verify", "acme").stdout)
                # Whether or not the kill came before the first batch (which
                # stores the dictionary it trained) committed, the archive
                # ends with exactly one dictionary: verify has checked that
                # every frame's is there.
                self.assertEqual(self.dictionaries(data), 1)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
