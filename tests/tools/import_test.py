#!/usr/bin/env python3
"""Black-box tests of `vellum import`, `vellum verify` and `vellum stats`.

Imports the shared corpus (every .eml and .mbox, and the Enron mbox folder
set), checks the counts, that a second import adds nothing, and that every
stored message is byte-exact: each content's zstd frame, read from
archive.db with sqlite3 and decompressed with the zstd CLI (given the
instance's dictionary, `zstd -D`, for the frames that name it), starts with
the message bytes that hash to the content's key, and the keys are exactly
the SHA-256 of the messages the test splits out of the corpus itself.
"""

import collections
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

BIN_DIR = os.environ.get("VELLUM_BIN_DIR", "")
VELLUM = os.path.join(BIN_DIR, "vellum")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus"))

QUOTED_FROM = re.compile(rb"^>+From ")
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def frame_dictionary_id(frame):
    """The dictionary ID a zstd frame's header names (RFC 8878 3.1.1.1), 0 for none."""
    assert frame[:4] == ZSTD_MAGIC, frame[:4]
    descriptor = frame[4]
    single_segment = descriptor & 0x20
    id_size = (0, 1, 2, 4)[descriptor & 0x03]
    start = 5 if single_segment else 6  # else a window descriptor comes first
    return int.from_bytes(frame[start:start + id_size], "little")


def split_mbox(data):
    """The messages of an mbox as the importer must store them."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Lines end at LF; only an old Mac mailbox, which has no LF at all, ends
    # them with CR alone.
    eol = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
    lines = re.split(rb"(?<=" + re.escape(eol) + rb")", data)
    messages, current = [], None
    for line in lines:
        if line.startswith(b"From "):
            if current is not None:
                messages.append(current)
            current = []
            continue
        if current is not None:
            current.append(line[1:] if QUOTED_FROM.match(line) else line)
    if current is not None:
        messages.append(current)
    out = []
    for message in messages:
        body = b"".join(message)
        if eol == b"\r":
            if body.endswith(b"\r\r"):
                body = body[:-1]
        elif body.endswith(b"\r\n\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n\n"):
            body = body[:-1]
        out.append(body)
    return out


def corpus_files():
    emls, mboxes = [], []
    for root, _, files in os.walk(CORPUS):
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(".eml"):
                with open(path, "rb") as f:
                    (mboxes if f.read(8).lstrip(b"\xef\xbb\xbf").startswith(b"From ")
                     else emls).append(path)
            elif name.endswith(".mbox"):
                mboxes.append(path)
    return emls, mboxes


def expected_hashes(emls, mboxes):
    hashes = set()
    for path in emls:
        with open(path, "rb") as f:
            data = f.read()
        if data.strip():
            hashes.add(hashlib.sha256(data).hexdigest())
    for path in mboxes:
        with open(path, "rb") as f:
            for message in split_mbox(f.read()):
                if message.strip():
                    hashes.add(hashlib.sha256(message).hexdigest())
    return hashes


class ImportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(VELLUM, os.X_OK):
            raise unittest.SkipTest(f"no vellum binary at {VELLUM!r}: set VELLUM_BIN_DIR")
        cls.tmp = tempfile.mkdtemp(prefix="vellum-import-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.run_vellum("instance", "add", "acme", "--alias", "ac")
        cls.run_vellum("user", "add", "acme/Jon", "--password-stdin", stdin="pw\n")
        cls.emls, cls.mboxes = corpus_files()
        cls.first = cls.run_vellum("import", "ac/jon", "--json", *cls.emls, *cls.mboxes,
                                   expect=None)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def run_vellum(cls, *args, stdin="", expect=0):
        result = subprocess.run([VELLUM, "--data-dir", cls.data, *args], input=stdin,
                                capture_output=True, text=True, timeout=600)
        if expect is not None and result.returncode != expect:
            raise AssertionError(f"vellum {args[:3]}: {result.returncode}\n{result.stderr}")
        return result

    def db(self):
        return sqlite3.connect(os.path.join(self.data, "instances", "acme", "archive.db"))

    def test_corpus_import_counts(self):
        summary = json.loads(self.first.stdout)
        # Every item of the corpus is mail, the CR-only old Mac mailbox too.
        self.assertEqual(self.first.returncode, 0, self.first.stderr)
        self.assertEqual(summary["rejected"], [])
        self.assertGreater(summary["imported"], 10800)
        stats = json.loads(self.run_vellum("stats", "acme", "--json").stdout)[0]
        self.assertEqual(stats["messages"], summary["imported"])
        self.assertLessEqual(stats["stored_bytes"], 0.6 * stats["raw_bytes"])
        self.assertLessEqual(stats["instance_dir_bytes"], stats["raw_bytes"])

    def test_second_import_adds_nothing_and_verify_passes(self):
        again = json.loads(self.run_vellum("import", "acme/Jon", "--json", *self.emls,
                                           *self.mboxes).stdout)
        self.assertEqual(again["imported"], 0)
        self.assertGreater(again["duplicates"], 10800)
        result = self.run_vellum("verify", "acme")
        self.assertIn("ok", result.stdout)

    def test_stored_bytes_are_exact(self):
        with self.db() as db:
            rows = db.execute("SELECT hash, raw_size + text_size + structure_size + fields_size,"
                              " raw_size, structure_size + fields_size, frame_layout, data"
                              " FROM contents ORDER BY id").fetchall()
            dictionaries = dict(db.execute("SELECT dict_id, data FROM dictionaries"))
        # The import trained one dictionary, on its first batch, and
        # compressed every later frame with it.
        self.assertEqual(len(dictionaries), 1)
        groups = collections.defaultdict(list)
        for row in rows:
            groups[frame_dictionary_id(row[5])].append(row)
        self.assertLessEqual(set(groups), set(dictionaries) | {0})
        self.assertGreater(len(groups[next(iter(dictionaries))]), 10000)
        stored = set()
        for dict_id, group in groups.items():
            frames = os.path.join(self.tmp, f"frames-{dict_id}.zst")
            with open(frames, "wb") as f:
                for *_, data in group:
                    f.write(data)
            command = ["zstd", "-dc", frames]
            if dict_id:
                dictionary = os.path.join(self.tmp, f"dictionary-{dict_id}")
                with open(dictionary, "wb") as f:
                    f.write(dictionaries[dict_id])
                command[1:1] = ["-D", dictionary]
            # Concatenated zstd frames decompress to the concatenation.
            plain = subprocess.run(command, capture_output=True, check=True).stdout
            offset = 0
            for hash_, total, raw_size, index_size, layout, _ in group:
                if layout == 2:
                    # The header's size as a varint, the header, the
                    # structure and fields, the rest of the message, the text.
                    header, shift, length = 0, 0, 0
                    while True:
                        byte = plain[offset + length]
                        header |= (byte & 0x7f) << shift
                        shift += 7
                        length += 1
                        if byte < 0x80:
                            break
                    start = offset + length
                    message = (plain[start:start + header] +
                               plain[start + header + index_size:
                                     start + index_size + raw_size])
                    total += length
                else:
                    # Layout 1 keeps the message last, after what searches read.
                    start = offset + (total - raw_size if layout == 1 else 0)
                    message = plain[start:start + raw_size]
                self.assertEqual(hashlib.sha256(message).hexdigest(), hash_)
                stored.add(hash_)
                offset += total
            self.assertEqual(offset, len(plain))
        self.assertEqual(stored, expected_hashes(self.emls, self.mboxes))

    def test_enron_folders_and_special_use(self):
        enron = os.path.join(CORPUS, "enron")
        self.run_vellum("user", "add", "acme/kenneth", "--password-stdin", stdin="pw\n")
        result = json.loads(self.run_vellum("import", "acme/kenneth", "--json", enron).stdout)
        self.assertGreater(result["imported"], 9000)
        with self.db() as db:
            uses = dict(db.execute("SELECT name, special_use FROM folders WHERE user = 'kenneth'"))
        self.assertEqual(uses["enron.allen-p.sent_items"], "\\Sent")
        self.assertEqual(uses["enron.allen-p.deleted_items"], "\\Trash")
        self.assertEqual(uses["enron.allen-p.inbox"], "")

    def test_rejections_and_usage(self):
        junk = os.path.join(self.tmp, "junk.eml")
        with open(junk, "wb") as f:
            f.write(b"\x00\x01\x02binary")
        result = self.run_vellum("import", "acme/jon", junk, expect=1)
        self.assertIn("junk.eml", result.stdout)
        self.assertIn("not mail", result.stdout)
        self.run_vellum("import", "acme/nobody", junk, expect=1)
        self.run_vellum("import", "acme/jon", expect=2)
        self.run_vellum("import", "no-slash", junk, expect=2)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
