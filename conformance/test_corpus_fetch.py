"""Every message of ../shared/corpus, imported with `vellum import`, comes back
over IMAP byte for byte (line ends normalized to CRLF), with RFC822.SIZE equal
to what is sent; a second import adds nothing.

.eml directories are compared file by file. .mbox files are split here by the
rule the corpus README states (a line starting with "From " begins a message;
">From " lines are unescaped), and compared as a multiset per folder.
"""

import imaplib
import json
import re
import sys
import unittest
from collections import Counter
from pathlib import Path

import vellum_harness as h

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def normalize(message: bytes) -> bytes:
    """What IMAP may change: line ends as CRLF, however they were stored;
    lone CRs at the very end (the last line ends of an old Mac file) are not
    sent, as Dovecot does not send them (store/structure_lines.h); and a NUL
    goes out as 0x80, since a literal carries CHAR8, which excludes NUL
    (RFC 3501 9), as Dovecot does too."""
    served = re.sub(rb"\r*\n", b"\r\n", message).rstrip(b"\r")
    return served.replace(b"\x00", b"\x80")


def mbox_lines(data: bytes) -> list:
    """Lines with their ends: LF-terminated, or CR-terminated in an old Mac
    mailbox that has no LF at all."""
    eol = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
    pieces = data.split(eol)
    lines = [piece + eol for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def split_mbox(data: bytes) -> list:
    messages = []
    current = None
    for line in mbox_lines(data):
        if line.startswith(b"From "):
            if current is not None:
                messages.append(b"".join(current))
            current = []
            continue
        if current is None:
            continue  # bytes before the first separator belong to no message
        current.append(re.sub(rb"^>(>*From )", rb"\1", line))
    if current is not None:
        messages.append(b"".join(current))
    return messages


def comparable(message: bytes) -> bytes:
    """mbox messages end where the next separator begins: the blank line
    before it is the separator's, so trailing line ends do not count."""
    return re.sub(rb"\r\n?|\n", b"\n", message).rstrip(b"\n").replace(b"\x00", b"\x80")


def fetch_folder(client: imaplib.IMAP4, folder: str) -> list:
    typ, data = client.select('"' + folder + '"', readonly=True)
    if typ != "OK":
        raise AssertionError(f"SELECT {folder}: {typ} {data}")
    count = int(data[0])
    bodies = []
    for start in range(1, count + 1, 500):
        end = min(count, start + 499)
        typ, data = client.fetch(f"{start}:{end}", "(RFC822.SIZE BODY.PEEK[])")
        if typ != "OK":
            raise AssertionError(f"FETCH {folder} {start}:{end}: {typ} {data}")
        for item in data:
            if not isinstance(item, tuple):
                continue
            size = int(re.search(rb"RFC822\.SIZE (\d+)", item[0]).group(1))
            if size != len(item[1]):
                raise AssertionError(
                    f"{folder}: RFC822.SIZE {size} but {len(item[1])} bytes sent ({item[0][:80]!r})")
            bodies.append(item[1])
    if len(bodies) != count:
        raise AssertionError(f"{folder}: {count} EXISTS but {len(bodies)} bodies fetched")
    return bodies


class CorpusRoundTrip(h.ArchiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        super().setUpClass()

    @classmethod
    def populate(cls) -> None:
        cls.expected = {}  # folder -> list of source messages
        cls.kind = {}
        cls.import_summaries = []
        for source in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
            eml_dir = source / "eml"
            if eml_dir.is_dir():
                folder = source.name
                summary = cls.run_import("--folder", folder, str(eml_dir))
                rejected = {Path(r["item"]).name for r in summary["rejected"]}
                cls.expected[folder] = [f.read_bytes() for f in sorted(eml_dir.iterdir())
                                        if f.is_file() and f.name not in rejected]
                cls.kind[folder] = "eml"
            for mbox in sorted(source.glob("*.mbox")):
                folder = f"{source.name}/{mbox.stem}"
                cls.run_import("--folder", folder, str(mbox))
                cls.expected[folder] = split_mbox(mbox.read_bytes())
                cls.kind[folder] = "mbox"

    @classmethod
    def run_import(cls, *args: str) -> dict:
        result = cls.vellum("import", h.JD_LOGIN, "--json", *args, check=False)
        if result.returncode not in (0, 1):
            raise AssertionError(f"vellum import {args}: exit {result.returncode}: "
                                 f"{result.stderr.decode(errors='replace')}")
        summary = json.loads(result.stdout)
        cls.import_summaries.append((args, summary))
        return summary

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4_SSL(h.HOST, self.server.tls_port,
                                   ssl_context=h.client_context(self.data), timeout=60)
        client.login(h.JD_LOGIN, h.JD_PASSWORD)
        return client

    def test_every_message_comes_back_byte_for_byte(self) -> None:
        client = self.connect()
        total = 0
        try:
            for folder, sources in sorted(self.expected.items()):
                with self.subTest(folder=folder):
                    fetched = fetch_folder(client, folder)
                    total += len(fetched)
                    if self.kind[folder] == "eml":
                        # Imported in file-name order: UID order is source order.
                        self.assertEqual(len(fetched), len(sources))
                        for index, (got, want) in enumerate(zip(fetched, sources)):
                            self.assertEqual(normalize(got), normalize(want),
                                             f"{folder} message {index + 1}")
                    else:
                        # Duplicates within one mbox are stored once.
                        want = Counter(comparable(m) for m in sources)
                        got = Counter(comparable(m) for m in fetched)
                        self.assertEqual(set(got), set(want), f"{folder}: messages differ")
        finally:
            client.logout()
        self.assertGreater(total, 9000)

    def test_a_second_import_adds_nothing(self) -> None:
        for args, first in self.import_summaries[:3] + self.import_summaries[-2:]:
            again = self.run_import(*args)
            self.assertEqual(again["imported"], 0, args)
            self.assertEqual(again["duplicates"], first["imported"] + first["duplicates"], args)

    def test_the_store_verifies(self) -> None:
        result = self.vellum("verify", check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
