"""Perl's Mail::IMAPClient as a real client: conformance/clients/walk.pl logs
in over implicit TLS (certificate verified), walks every folder (folders,
examine, message_count, messages, parse_headers, size, message_string) and
prints one JSON line per folder, checked here against what was imported;
once plain and once under COMPRESS=DEFLATE (RFC 4978).
Needs the Debian packages libmail-imapclient-perl and libio-socket-ssl-perl."""

import hashlib
import json
import shutil
import subprocess
import unittest
from pathlib import Path

import vellum_harness as h
from test_corpus_fetch import CORPUS, normalize

PERL = shutil.which("perl")
WALK = Path(__file__).resolve().parent / "clients" / "walk.pl"
WALK_TIMEOUT = 60

# folder -> (corpus .eml directory, how many of its files)
FOLDERS = {
    "INBOX": ("python-stdlib/eml", 12),
    "Sent": ("mimekit/eml", 7),
    "Archive/2019": ("spamassassin/eml", 9),
    "Archive/2019/Q4": ("enmime/eml", 5),
    "Lists/rspamd": ("rspamd/eml", 20),
}


def perl_has_modules() -> bool:
    if PERL is None:
        return False
    result = subprocess.run([PERL, "-MMail::IMAPClient", "-MIO::Socket::SSL", "-MJSON::PP",
                             "-e", "1"], capture_output=True, timeout=30)
    return result.returncode == 0


class PerlImapClient(h.ArchiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not perl_has_modules():
            raise unittest.SkipTest("perl with Mail::IMAPClient and IO::Socket::SSL is missing "
                                    "(libmail-imapclient-perl, libio-socket-ssl-perl)")
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        super().setUpClass()

    @classmethod
    def populate(cls) -> None:
        cls.expected = {}
        for folder, (source, count) in FOLDERS.items():
            files = sorted(p for p in (CORPUS / source).iterdir() if p.is_file())[:count]
            messages = [f.read_bytes() for f in files]
            # Imported in file-name order: UID 1 is the first file.
            cls.import_files(h.JD_LOGIN, {f"{i:03}.eml": m for i, m in enumerate(messages)},
                             "--folder", folder)
            cls.expected[folder] = messages

    def walk(self, password: str = h.JD_PASSWORD,
             compress: bool = False) -> subprocess.CompletedProcess:
        command = [PERL, str(WALK), h.HOST, str(self.server.tls_port), str(self.data.cert),
                   h.JD_LOGIN] + (["compress"] if compress else [])
        try:
            return subprocess.run(command, input=password + "\n", capture_output=True,
                                  text=True, timeout=WALK_TIMEOUT)
        except subprocess.TimeoutExpired as error:
            self.fail(f"walk.pl hung\nstdout: {error.stdout}\nstderr: {error.stderr}")

    def test_walk_every_folder(self) -> None:
        self.check_walk(self.walk())

    def test_walk_every_folder_compressed(self) -> None:
        # Mail::IMAPClient's own RFC 4978 support: COMPRESS DEFLATE after
        # LOGIN, commands flushed with Z_PARTIAL_FLUSH.
        active_before = self.server.log_text().count("COMPRESS=DEFLATE active")
        self.check_walk(self.walk(compress=True))
        self.assertEqual(self.server.log_text().count("COMPRESS=DEFLATE active"),
                         active_before + 1, self.server.log_text(last=30))

    def check_walk(self, result: subprocess.CompletedProcess) -> None:
        self.assertEqual(result.returncode, 0,
                         f"walk.pl failed:\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                         f"vellumd log:\n{self.server.log_text(last=30)}")
        # Mail::IMAPClient warns (it does not fail) when message_string gets
        # fewer or more bytes than RFC822.SIZE announced.
        self.assertEqual(result.stderr, "", result.stderr)
        summary = {}
        for line in result.stdout.splitlines():
            entry = json.loads(line)
            summary[entry["folder"]] = entry
        # "Archive" holds no messages of its own; whether it is listed (as
        # \Noselect or an empty folder), every imported folder must be.
        self.assertLessEqual(set(FOLDERS), set(summary), result.stdout)
        for folder, entry in summary.items():
            with self.subTest(folder=folder):
                messages = self.expected.get(folder, [])
                self.assertEqual(entry["count"], len(messages), entry)
                self.assertEqual(entry["uids"], list(range(1, len(messages) + 1)), entry)
                if not messages:
                    continue
                first = normalize(messages[0])
                self.assertEqual(entry["first_bytes"], len(first), entry)
                self.assertEqual(entry["first_size"], len(first), entry)
                self.assertEqual(entry["first_sha256"], hashlib.sha256(first).hexdigest(), entry)
                header_text = first.split(b"\r\n\r\n", 1)[0].lower()
                for name in ("subject", "from"):
                    if (b"\r\n" + name.encode() + b":") in b"\r\n" + header_text:
                        self.assertIn(name, entry["headers"], entry)

    def test_wrong_password(self) -> None:
        result = self.walk(password="wrong")
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("login failed", result.stderr.lower() + result.stdout.lower())


if __name__ == "__main__":
    unittest.main()
