"""mbsync (isync) as a real client: it pulls a whole archive into a local
Maildir over implicit TLS, and every message file it writes is the imported
source, byte for byte (line ends normalized), with the same count per folder.

The archive: two Enron mailboxes (one as INBOX), several corpus sources as
.eml directories and mbox files, and folders nested two and three levels
deep. mbsync is configured pull-only (Sync Pull, Create Near, Expunge None,
SyncState in the Maildir), so it never tries to change the read-only
server folders. Needs the Debian package isync (mbsync 1.4 or later).
"""

import json
import os
import re
import shutil
import subprocess
import unittest
from collections import Counter
from pathlib import Path

import vellum_harness as h
from test_corpus_fetch import CORPUS, comparable, normalize, split_mbox

MBSYNC = shutil.which("mbsync")

# folder -> source (a directory of .eml files, or an mbox file), under CORPUS.
ARCHIVE = {
    "INBOX": "enron/enron.allen-p.inbox.mbox",
    "Sent": "enron/enron.allen-p.sent.mbox",
    "Enron/arora-h/inbox": "enron/enron.arora-h.inbox.mbox",
    "Corpus/mimekit": "mimekit/eml",
    "Corpus/python-stdlib": "python-stdlib/eml",
    "Corpus/spamassassin": "spamassassin/eml",
    "Corpus/sisimai": "sisimai-set-of-emails/eml",
    "Lists/Apache/ponymail-foal": "apache-ponymail-foal/dev_ponymail_apache_org_2020-10.mbox",
}
MBSYNC_TIMEOUT = 120


def mbsync_version() -> tuple:
    out = subprocess.run([MBSYNC, "--version"], capture_output=True, text=True,
                         timeout=10).stdout
    match = re.search(r"(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


# mbsync puts an "X-TUID: <12 characters>" field at the end of the header of
# each message it copies (to find it again should the target not report its
# UID); it is mbsync's own, not the server's.
TUID_RE = re.compile(rb"^X-TUID: [A-Za-z0-9+/]{12}\r?\n", re.M)


def without_tuid(message: bytes) -> bytes:
    return TUID_RE.sub(b"", message, count=1)


def header_complete(message: bytes) -> bool:
    """Whether mbsync can find the end of the header as served: an empty line
    (CRLF CRLF, or the message starting with one). mbsync 1.4 needs it to
    insert X-TUID and skips a message without one ("Warning: message N from
    far side has incomplete header; skipping."). That hits a header without
    the blank line after it (python-stdlib msg_35) and old Mac files whose
    only line ends are bare CRs, which IMAP serves as they are (RFC 5322 2.3
    allows CR only in CRLF, so these are not valid messages to begin with;
    Dovecot sends them the same way)."""
    served = normalize(message)
    return served.startswith(b"\r\n") or b"\r\n\r\n" in served


def maildir_messages(folder: Path) -> list:
    files = []
    for sub in ("cur", "new"):
        directory = folder / sub
        if directory.is_dir():
            files += sorted(p for p in directory.iterdir() if p.is_file())
    return [without_tuid(p.read_bytes()) for p in files]


class Mbsync(h.ArchiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if MBSYNC is None:
            raise unittest.SkipTest("mbsync is not installed (Debian package isync)")
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        super().setUpClass()

    @classmethod
    def populate(cls) -> None:
        cls.reissue_certificate()
        cls.expected = {}  # folder -> (kind, list of source messages)
        for folder, relative in ARCHIVE.items():
            source = CORPUS / relative
            result = cls.vellum("import", h.JD_LOGIN, "--json", "--folder", folder, str(source),
                                check=False)
            if result.returncode not in (0, 1):
                raise AssertionError(f"vellum import {folder}: exit {result.returncode}: "
                                     f"{result.stderr.decode(errors='replace')}")
            summary = json.loads(result.stdout)
            if source.is_dir():
                rejected = {Path(r["item"]).name for r in summary["rejected"]}
                cls.expected[folder] = ("eml", [f.read_bytes() for f in sorted(source.iterdir())
                                                if f.is_file() and f.name not in rejected])
            else:
                cls.expected[folder] = ("mbox", split_mbox(source.read_bytes()))

    @classmethod
    def reissue_certificate(cls) -> None:
        """mbsync 1.4 matches the host name only against DNS names (subjectAltName
        dNSName, then CN), never against an iPAddress entry, so the harness's
        certificate (CN=localhost, SAN DNS:localhost, IP:127.0.0.1) fails with
        "certificate owner does not match hostname 127.0.0.1". Connecting to
        "localhost" instead could go to ::1 first. So this class's server gets
        the same kind of certificate with "127.0.0.1" also as a dNSName, written
        over the harness's files before vellumd starts."""
        h.run_checked(
            [
                "openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
                "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1",
                "-keyout", cls.data.key, "-out", cls.data.cert,
            ],
            what="openssl req",
        )
        os.chmod(cls.data.key, 0o600)

    def write_config(self, work: Path, maildir: Path) -> Path:
        # isync 1.4 spells it SSLType/Far/Near; 1.5 prefers TLSType (and still
        # reads SSLType), 1.3 and older say Master/Slave.
        version = mbsync_version()
        tls_type = "TLSType" if version >= (1, 5) else "SSLType"
        far, near = ("Far", "Near") if version >= (1, 4) else ("Master", "Slave")
        config = work / "mbsyncrc"
        config.write_text(f"""\
IMAPAccount vellum
Host {h.HOST}
Port {self.server.tls_port}
{tls_type} IMAPS
CertificateFile {self.data.cert}
SystemCertificates no
User {h.JD_LOGIN}
Pass "{h.JD_PASSWORD}"
Timeout 30

IMAPStore vellum-remote
Account vellum

MaildirStore local
Path {maildir}/
Inbox {maildir}/INBOX
SubFolders Verbatim

Channel archive
{far} :vellum-remote:
{near} :local:
Patterns *
Sync Pull
Create {near}
Remove None
Expunge None
CopyArrivalDate yes
SyncState *
""")
        return config

    def run_mbsync(self, config: Path, work: Path, *extra: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, HOME=str(work))
        try:
            return subprocess.run([MBSYNC, "-c", str(config), *extra, "-a"], capture_output=True,
                                  text=True, errors="replace", timeout=MBSYNC_TIMEOUT, env=env,
                                  cwd=str(work))
        except subprocess.TimeoutExpired as error:
            self.fail(f"mbsync did not finish within {MBSYNC_TIMEOUT} s\n"
                      f"stdout: {error.stdout}\nstderr: {error.stderr}")

    def test_mbsync_pulls_the_whole_archive(self) -> None:
        work = self.data.root / "mbsync"
        maildir = work / "Maildir"
        maildir.mkdir(parents=True)
        config = self.write_config(work, maildir)
        # -V for progress and warnings, -Dn for the IMAP commands sent.
        result = self.run_mbsync(config, work, "-V", "-Dn")
        self.assertEqual(result.returncode, 0,
                         f"mbsync failed (exit {result.returncode})\n"
                         f"stdout (last 6000):\n{result.stdout[-6000:]}\n"
                         f"stderr (last 6000):\n{result.stderr[-6000:]}\n"
                         f"vellumd log:\n{self.server.log_text(last=30)}")

        # Exactly the archive's folders came down, nothing else.
        local = {str(p.parent.relative_to(maildir)) for p in maildir.rglob("cur")}
        self.assertEqual(local, set(self.expected), result.stdout[-3000:])

        # The messages mbsync skips are exactly those it cannot handle.
        output = result.stdout + result.stderr
        skipped = len(re.findall(r"has incomplete header; skipping", output))
        unusable = sum(1 for kind, sources in self.expected.values() for m in sources
                       if not header_complete(m))
        self.assertEqual(skipped, unusable, output[-3000:])
        self.assertNotIn("Error", output, output[-3000:])
        # Pull-only: nothing sent that would change the server, and no
        # command refused.
        commands = re.findall(r"^(?:F: )?>>> \d+ (\S+(?: \S+)?)", output, re.M)
        self.assertIn("LIST", {c.split()[0] for c in commands}, output[:3000])
        changing = [c for c in commands
                    if re.match(r"(UID )?(STORE|APPEND|EXPUNGE|CREATE|DELETE|RENAME|COPY|MOVE)\b", c)]
        self.assertEqual(changing, [])
        refused = re.findall(r"^(?:F: )?\d+ (?:NO|BAD) .*$", output, re.M)
        self.assertEqual(refused, [])

        for folder, (kind, all_sources) in sorted(self.expected.items()):
            with self.subTest(folder=folder):
                sources = [m for m in all_sources if header_complete(m)]
                got = maildir_messages(maildir / folder)
                if kind == "eml":
                    self.assertEqual(len(got), len(sources), folder)
                    self.assertEqual(Counter(normalize(m) for m in got),
                                     Counter(normalize(m) for m in sources),
                                     f"{folder}: message files differ from their sources")
                else:
                    # Duplicates within one mbox are stored once.
                    want = set(comparable(m) for m in sources)
                    self.assertEqual(len(got), len(want), folder)
                    self.assertEqual(Counter(comparable(m) for m in got), Counter(want),
                                     f"{folder}: message files differ from their sources")

        # A second run finds nothing new and changes nothing on either side.
        before = {p: p.stat().st_size for p in maildir.rglob("*") if p.is_file()
                  and ".mbsyncstate" not in p.name}
        again = self.run_mbsync(config, work)
        self.assertEqual(again.returncode, 0, again.stdout[-3000:] + again.stderr[-3000:])
        after = {p: p.stat().st_size for p in maildir.rglob("*") if p.is_file()
                 and ".mbsyncstate" not in p.name}
        self.assertEqual(before, after)


if __name__ == "__main__":
    unittest.main()
