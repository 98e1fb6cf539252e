"""The benchmark's work directory: the same users and the same mail for
vellumd and for Dovecot.

    WORK/tls/                    a self-signed certificate both servers use
    WORK/mail/archive/Maildir/   the user bench/archive's folders:
        .Corpus/   the whole corpus (scaled_corpus.distinct_corpus_messages)
        .Scaled/   the scaled archive (at least 100,000 messages)
        .Sync/     the first 50,000 of .Scaled (hard links)
    WORK/mail/small/             10 messages: each login/IDLE user's INBOX
    WORK/vellum/                 vellumd's data directory: `vellum import` of the above
    WORK/dovecot/home/USER/Maildir/  Dovecot's copy: hard links to the same files
    WORK/credentials/*.txt       "login password" lines for vellum-load

Dovecot gets its mail by the fastest correct way: the message files are
written straight into its Maildir (hard links to the files vellum imports),
named as its own delivery names them (scaled_corpus.write_maildir), and
Dovecot builds its index itself on the first EXAMINE, which the benchmark
makes before measuring (a warm-up run for each figure). Writing the files
is the same as `doveadm save` would do minus the index, and costs no time
per message on Dovecot's side; APPEND of 100,000 messages would take
minutes and measure nothing.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import scaled_corpus

INSTANCE = "bench"
ARCHIVE_USER = f"{INSTANCE}/archive"


@dataclass
class Plan:
    scaled: int = 100_000   # 0: no scaled archive (the quick run)
    sync: int = 50_000      # the header-sync folder: the first N of Scaled
    users: int = 100        # login and IDLE users
    user_messages: int = 10
    imported: int = 100_000  # the mbox of the import figure


@dataclass
class Archive:
    folders: dict[str, int] = field(default_factory=dict)  # folder -> messages
    archive_login: tuple[str, str] = ("", "")
    users: list[tuple[str, str]] = field(default_factory=list)
    mbox: Path = Path()         # the large mbox for the import figure
    mbox_messages: int = 0


class Workspace:
    def __init__(self, root: Path, bin_dir: Path):
        self.root = root
        self.bin_dir = bin_dir
        self.tls = root / "tls"
        self.cert = self.tls / "cert.pem"
        self.key = self.tls / "key.pem"
        self.mail = root / "mail"
        self.vellum_data = root / "vellum"
        self.dovecot_root = root / "dovecot"
        self.credentials = root / "credentials"

    def vellum(self, *args: str, stdin: str = "") -> str:
        result = subprocess.run([str(self.bin_dir / "vellum"), "--data-dir",
                                 str(self.vellum_data), *args],
                                input=stdin, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"vellum {' '.join(args[:3])}: {result.stderr}")
        return result.stdout

    def prepare(self, plan: Plan, log=print) -> Archive:
        """Builds everything once; a work directory that already holds it
        (same plan) is used as it is."""
        stamp = self.root / "prepared.json"
        wanted = json.dumps(plan.__dict__, sort_keys=True)
        if stamp.exists() and json.loads(stamp.read_text()).get("plan") == wanted:
            log(f"reusing the archives in {self.root}")
            return self._load(json.loads(stamp.read_text()))
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        # Dovecot's mail processes run as the mail user and must reach the homes.
        os.chmod(self.root, 0o755)
        archive = Archive()
        self._certificate()
        log("writing the archives as Maildir folders")
        messages = scaled_corpus.distinct_corpus_messages()
        maildir = self.mail / "archive" / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True)
        archive.folders["Corpus"] = scaled_corpus.write_maildir(maildir / ".Corpus", messages)
        if plan.scaled:
            archive.folders["Scaled"] = scaled_corpus.write_maildir(
                maildir / ".Scaled", scaled_corpus.scaled_messages(plan.scaled))
            archive.folders["Sync"] = self._link_first(maildir / ".Scaled", maildir / ".Sync",
                                                       plan.sync)
        small = self.mail / "small"
        scaled_corpus.write_maildir(small, messages[:plan.user_messages])
        archive.mbox = self.mail / "import.mbox"
        archive.mbox_messages = scaled_corpus.write_mbox(
            archive.mbox, scaled_corpus.scaled_messages(plan.imported))

        archive.archive_login = (ARCHIVE_USER, "archive-" + secrets.token_hex(8))
        archive.users = [(f"{INSTANCE}/u{n:03d}", "pw-" + secrets.token_hex(8))
                         for n in range(plan.users)]
        self._vellum_archive(archive, maildir, small, log)
        self._dovecot_homes(archive, maildir, small)
        self._write_credentials(archive)
        stamp.write_text(json.dumps({"plan": wanted, "folders": archive.folders,
                                     "archive_login": archive.archive_login,
                                     "users": archive.users, "mbox": str(archive.mbox),
                                     "mbox_messages": archive.mbox_messages}))
        return archive

    def _load(self, saved: dict) -> Archive:
        return Archive(folders=saved["folders"], archive_login=tuple(saved["archive_login"]),
                       users=[tuple(user) for user in saved["users"]], mbox=Path(saved["mbox"]),
                       mbox_messages=saved["mbox_messages"])

    def _certificate(self) -> None:
        self.tls.mkdir()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", str(self.key), "-out", str(self.cert)],
                       check=True, capture_output=True)
        os.chmod(self.key, 0o600)

    @staticmethod
    def _link_first(source: Path, target: Path, count: int) -> int:
        for sub in ("cur", "new", "tmp"):
            (target / sub).mkdir(parents=True)
        names = sorted(os.listdir(source / "cur"))[:count]
        for name in names:
            os.link(source / "cur" / name, target / "cur" / name)
        return len(names)

    def _vellum_archive(self, archive: Archive, maildir: Path, small: Path, log) -> None:
        self.vellum_data.mkdir(mode=0o700)
        self.vellum("instance", "add", INSTANCE)
        for login, password in [archive.archive_login] + archive.users:
            self.vellum("user", "add", login, "--password-stdin", stdin=password + "\n")
        total = sum(archive.folders.values())
        log(f"importing {total:,} messages into vellum (bench/archive)")
        self.vellum("import", ARCHIVE_USER, str(maildir))
        log(f"importing {len(archive.users)} small INBOXes into vellum")
        for login, _ in archive.users:
            self.vellum("import", login, str(small))

    def _dovecot_homes(self, archive: Archive, maildir: Path, small: Path) -> None:
        homes = self.dovecot_root / "home"
        homes.mkdir(parents=True)
        # Hard links: the same files, and Dovecot's index files beside them
        # land in its own directories.
        (homes / "archive").mkdir()
        subprocess.run(["cp", "-al", str(maildir), str(homes / "archive" / "Maildir")],
                       check=True)
        for login, _ in archive.users:
            home = homes / login.split("/")[1]
            home.mkdir()
            subprocess.run(["cp", "-al", str(small), str(home / "Maildir")], check=True)
        subprocess.run(["chown", "-R", "mail:mail", str(homes)], check=True)

    def dovecot_users(self, archive: Archive) -> list[tuple[str, str, Path]]:
        homes = self.dovecot_root / "home"
        return [(login, password, homes / login.split("/")[1])
                for login, password in [archive.archive_login] + archive.users]

    def _write_credentials(self, archive: Archive) -> None:
        self.credentials.mkdir()
        (self.credentials / "archive.txt").write_text(" ".join(archive.archive_login) + "\n")
        (self.credentials / "users.txt").write_text(
            "".join(f"{login} {password}\n" for login, password in archive.users))
