"""curl as a real IMAP client (imaps:// and imap:// with --ssl-reqd): folder
listing, a message fetched by UID byte for byte, EXAMINE and SEARCH as custom
requests, a wrong password refused with curl's login error."""

import shutil
import subprocess
import unittest
from pathlib import Path

import vellum_harness as h
from test_corpus_fetch import CORPUS, normalize

CURL = shutil.which("curl")
CURL_TIMEOUT = 30
# curl's exit code for CURLE_LOGIN_DENIED.
CURLE_LOGIN_DENIED = 67

INBOX_SOURCE = "python-stdlib/eml"
OTHER_FOLDERS = {"Archive/2019": "mimekit/eml", "Lists/flanker": "mailgun-flanker/eml"}


class Curl(h.ArchiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if CURL is None:
            raise unittest.SkipTest("curl is not installed")
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        super().setUpClass()

    @classmethod
    def populate(cls) -> None:
        # A few messages, imported in file-name order: UID n is the n-th file.
        files = sorted((CORPUS / INBOX_SOURCE).iterdir())[:5]
        cls.inbox = [f.read_bytes() for f in files]
        cls.import_files(h.JD_LOGIN, {f"{i:03}.eml": m for i, m in enumerate(cls.inbox)},
                         "--folder", "INBOX")
        for folder, source in OTHER_FOLDERS.items():
            cls.vellum("import", h.JD_LOGIN, "--folder", folder, str(CORPUS / source))

    def curl(self, url: str, *args: str, login: str = h.JD_LOGIN,
             password: str = h.JD_PASSWORD) -> subprocess.CompletedProcess:
        command = [CURL, "--silent", "--show-error", "--max-time", "20",
                   "--cacert", str(self.data.cert), "-u", f"{login}:{password}", *args, url]
        try:
            return subprocess.run(command, capture_output=True, timeout=CURL_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"curl hung: {command}")

    def ok(self, url: str, *args: str) -> bytes:
        result = self.curl(url, *args)
        self.assertEqual(result.returncode, 0,
                         f"curl {args} {url}: exit {result.returncode}, "
                         f"{result.stderr.decode(errors='replace')}\n"
                         f"vellumd log:\n{self.server.log_text(last=20)}")
        return result.stdout

    def url(self, path: str = "", scheme: str = "imaps") -> str:
        port = self.server.tls_port if scheme == "imaps" else self.server.port
        return f"{scheme}://{h.HOST}:{port}/{path}"

    def test_list_folders(self) -> None:
        out = self.ok(self.url()).decode()
        names = set()
        for line in out.splitlines():
            self.assertRegex(line, r'^\* LIST \([^)]*\) "/" ', out)
            names.add(line.rsplit(" ", 1)[1].strip('"'))
        for folder in ["INBOX", *OTHER_FOLDERS]:
            self.assertIn(folder, names, out)

    def test_fetch_by_uid_is_byte_identical(self) -> None:
        for uid in (1, 3, len(self.inbox)):
            with self.subTest(uid=uid):
                body = self.ok(self.url(f"INBOX;UID={uid}"))
                self.assertEqual(normalize(body), normalize(self.inbox[uid - 1]))

    def test_fetch_from_a_nested_folder(self) -> None:
        source = sorted((CORPUS / OTHER_FOLDERS["Archive/2019"]).iterdir())[0].read_bytes()
        body = self.ok(self.url("Archive%2F2019;UID=1"))
        self.assertEqual(normalize(body), normalize(source))

    def test_examine(self) -> None:
        out = self.ok(self.url(), "-X", "EXAMINE INBOX").decode()
        self.assertIn(f"* {len(self.inbox)} EXISTS", out.splitlines(), out)
        self.assertRegex(out, r"\* OK \[UIDVALIDITY \d+\]")
        self.assertRegex(out, r"\* FLAGS \(")

    def test_search(self) -> None:
        out = self.ok(self.url("INBOX"), "-X", "UID SEARCH ALL").decode()
        expected = "* SEARCH " + " ".join(str(u) for u in range(1, len(self.inbox) + 1))
        self.assertEqual(out.splitlines(), [expected], out)
        out = self.ok(self.url("INBOX"), "-X", "SEARCH UID 2:3").decode()
        self.assertEqual(out.splitlines(), ["* SEARCH 2 3"], out)

    def test_wrong_password(self) -> None:
        result = self.curl(self.url(), password="not-the-password")
        self.assertEqual(result.returncode, CURLE_LOGIN_DENIED, result.stderr)
        self.assertEqual(result.stdout, b"")

    def test_starttls_required(self) -> None:
        out = self.ok(self.url("", scheme="imap"), "--ssl-reqd").decode()
        self.assertIn('"/" INBOX', out)
        body = self.ok(self.url("INBOX;UID=2", scheme="imap"), "--ssl-reqd")
        self.assertEqual(normalize(body), normalize(self.inbox[1]))

    def test_plain_imap_without_tls_cannot_log_in(self) -> None:
        # Without TLS the server offers LOGINDISABLED and no AUTH=: curl has
        # no way to send the password, and fails instead of leaking it.
        result = self.curl(self.url("", scheme="imap"))
        self.assertNotEqual(result.returncode, 0, result.stdout)


if __name__ == "__main__":
    unittest.main()
