"""Debian's Dovecot as the reference for what an IMAP server sends.

Starts ``dovecot -F`` from a temporary directory (its own base_dir, state_dir,
log and port on 127.0.0.1, one passwd-file user ``alice``/``pw`` whose mail
lives in the temp dir as maildir), APPENDs messages and returns the untagged
FETCH data byte for byte, so Vellum's rendering can be compared with it.

    with DovecotServer() as dovecot:
        items = dovecot.append_and_fetch([b"Subject: x\\r\\n\\r\\nhi\\r\\n"],
                                         ["ENVELOPE", "BODYSTRUCTURE"])
        items[0]["BODYSTRUCTURE"]  # b'("text" "plain" ...)'

Only the untagged data is used: Dovecot's tagged OK carries timings.
As root, Dovecot runs its services as its own users and the mail as
``mail``; as any other user, everything runs as that user. Python 3
standard library only.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

HOST = "127.0.0.1"
TIMEOUT = 30.0
USER = "alice"
PASSWORD = "pw"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _config(root: Path, port: int, mail_uid: int, mail_gid: int) -> str:
    return _rootless_config() + f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = {HOST}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = {mail_uid}
last_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
mail_location = maildir:~/Maildir:LAYOUT=fs
service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
  default_fields = uid={mail_uid} gid={mail_gid} home={root}/home/%n
}}
"""


def _rootless_config() -> str:
    """Run as an ordinary user, Dovecot cannot switch users: every service
    runs as that user, and nothing is chrooted (as root, the defaults stay:
    its own unprivileged users, and the mail as `mail`)."""
    if os.geteuid() == 0:
        return ""
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    return f"""\
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
service auth-worker {{
  user = {user}
}}
"""


class ImapError(Exception):
    pass


class _Reader:
    """Reads IMAP responses: lines with their literals inlined, as bytes."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ImapError("connection closed")
        self.buffer += chunk

    def _line(self) -> bytes:
        while True:
            end = self.buffer.find(b"\r\n")
            if end >= 0:
                line, self.buffer = self.buffer[:end + 2], self.buffer[end + 2:]
                return line
            self._fill()

    def _exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def response(self) -> bytes:
        """One whole response, literals included, without the final CRLF."""
        out = b""
        while True:
            line = self._line()
            match = re.search(rb"\{(\d+)\+?\}\r\n$", line)
            if not match:
                return out + line[:-2]
            out += line + self._exactly(int(match.group(1)))


def split_fetch_items(data: bytes) -> dict[str, bytes]:
    """Splits the parenthesized list of an untagged FETCH into item name ->
    the value exactly as sent (strings keep quotes, literals keep {n})."""
    items: dict[str, bytes] = {}
    pos = data.index(b"(") + 1
    end = len(data)
    while pos < end:
        while pos < end and data[pos:pos + 1] == b" ":
            pos += 1
        if pos >= end or data[pos:pos + 1] == b")":
            break
        name_start = pos
        # Names like BODY[1.MIME] or BINARY.SIZE[2] end at a space.
        depth = 0
        while pos < end:
            c = data[pos:pos + 1]
            if c == b"[":
                depth += 1
            elif c == b"]":
                depth -= 1
            elif c == b" " and depth == 0:
                break
            pos += 1
        name = data[name_start:pos].decode("ascii")
        pos += 1
        value_end = _value_end(data, pos)
        items[name] = data[pos:value_end]
        pos = value_end
    return items


def _value_end(data: bytes, pos: int) -> int:
    depth = 0
    while pos < len(data):
        c = data[pos]
        if c == ord('"'):
            pos += 1
            while data[pos] != ord('"'):
                pos += 2 if data[pos] == ord("\\") else 1
            pos += 1
        elif c == ord("{"):
            close = data.index(b"}", pos)
            size = int(data[pos + 1:close].rstrip(b"+"))
            pos = close + 3 + size
        elif c == ord("("):
            depth += 1
            pos += 1
        elif c == ord(")"):
            if depth == 0:
                return pos
            depth -= 1
            pos += 1
            if depth == 0:
                return pos
        elif c == ord(" ") and depth == 0:
            return pos
        else:
            pos += 1
    return pos


class DovecotServer:
    def __init__(self, keep: bool = False, extra_config: str = ""):
        """extra_config: settings appended to the generated dovecot.conf
        (e.g. "mail_fsync = never" for bulk APPENDs)."""
        self.keep = keep
        self.extra_config = extra_config
        self.root: Optional[Path] = None
        self.port = 0
        self.process: Optional[subprocess.Popen] = None
        self.sock: Optional[socket.socket] = None
        self.reader: Optional[_Reader] = None
        self.tag = 0

    # ---- lifetime -------------------------------------------------------------

    def start(self) -> "DovecotServer":
        # As root, the mail belongs to `mail`; otherwise to whoever runs us.
        mail = pwd.getpwnam("mail") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        self.root = Path(tempfile.mkdtemp(prefix="vellum-dovecot-"))
        os.chmod(self.root, 0o755)
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir()
        (self.root / "home").chmod(0o777)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        self.port = _free_port()
        self.conf = self.root / "dovecot.conf"
        self.conf.write_text(_config(self.root, self.port, mail.pw_uid, mail.pw_gid) +
                             self.extra_config)
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self._connect()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise ImapError("dovecot did not start: " + self.log())
                time.sleep(0.05)
        return self

    def _connect(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = socket.create_connection((HOST, self.port), timeout=TIMEOUT)
        self.reader = _Reader(self.sock)
        greeting = self.reader.response()
        if not greeting.startswith(b"* OK"):
            raise ImapError(f"greeting: {greeting!r}")
        self.command(f"LOGIN {USER} {PASSWORD}".encode())

    def stop(self) -> None:
        if self.sock is not None:
            try:
                self.command(b"LOGOUT")
            except (ImapError, OSError):
                pass
            self.sock.close()
            self.sock = None
        if self.process is not None:
            subprocess.run(["doveadm", "-c", str(self.conf), "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                self.process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None
        if self.root is not None and not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        try:
            return (self.root / "dovecot.log").read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"

    def __enter__(self) -> "DovecotServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- commands --------------------------------------------------------------

    def command(self, line: bytes, literal: Optional[bytes] = None) -> list[bytes]:
        """Sends one command (with an optional LITERAL+ literal appended);
        returns the untagged responses; raises unless the result is OK."""
        self.tag += 1
        tag = f"t{self.tag}".encode()
        if literal is None:
            self.sock.sendall(tag + b" " + line + b"\r\n")
        else:
            self.sock.sendall(tag + b" " + line + b" {%d+}\r\n" % len(literal) + literal +
                              b"\r\n")
        untagged = []
        while True:
            response = self.reader.response()
            if response.startswith(tag + b" "):
                if not response.startswith(tag + b" OK"):
                    raise ImapError(f"{line[:200]!r}: {response!r}")
                return untagged
            untagged.append(response)

    def _reselect(self, folder: str) -> None:
        self._connect()
        self.command(f"SELECT {folder}".encode())

    def append_and_fetch(self, messages: Sequence[bytes], items: Sequence[str],
                         folder: str = "") -> list[dict[str, bytes]]:
        """APPENDs the messages to a fresh folder and FETCHes the items of each
        one; returns, per message in order, item name -> value as sent."""
        if not folder:
            self.tag_folder = getattr(self, "tag_folder", 0) + 1
            folder = f"f{self.tag_folder}"
        self.command(f"CREATE {folder}".encode())
        # Dovecot refuses some messages (empty ones); they get no items.
        stored: list[int] = []
        for index, message in enumerate(messages):
            try:
                self.command(f"APPEND {folder}".encode(), message)
                stored.append(index)
            except ImapError:
                pass
        self.command(f"SELECT {folder}".encode())
        results: list[dict[str, bytes]] = [{} for _ in messages]
        if stored:
            # One FETCH per item keeps the split simple for items that
            # fail on some messages: BINARY on a broken encoding makes
            # Dovecot drop the connection, so reconnect and go one by one.
            for item in items:
                try:
                    untagged = self.command(f"FETCH 1:* ({item})".encode())
                except (ImapError, OSError):
                    untagged = []
                    self._reselect(folder)
                    for seq in range(1, len(stored) + 1):
                        try:
                            untagged += self.command(f"FETCH {seq} ({item})".encode())
                        except (ImapError, OSError):
                            self._reselect(folder)
                for response in untagged:
                    match = re.match(rb"\* (\d+) FETCH ", response)
                    if not match:
                        continue
                    seq = int(match.group(1))
                    for name, value in split_fetch_items(response[match.end():]).items():
                        if name != "UID":
                            results[stored[seq - 1]][name] = value
        self.command(b"CLOSE")
        return results


def split_mbox(data: bytes) -> list[bytes]:
    """Splits an mbox at lines that begin with "From " (the separator line
    itself is dropped)."""
    messages = []
    current: Optional[list[bytes]] = None
    for line in re.findall(rb"[^\n]*\n|[^\n]+$", data):
        if line.startswith(b"From "):
            if current is not None:
                messages.append(b"".join(current))
            current = []
        elif current is not None:
            current.append(line)
    if current is not None:
        messages.append(b"".join(current))
    return messages


def corpus_messages(corpus: Path, include_mbox: bool = True,
                    skip_sources: Sequence[str] = ()) -> list[tuple[str, bytes]]:
    """(name, bytes) for every message of the corpus: .eml files whole,
    mbox files split; names are "path" or "path#index"."""
    out = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(corpus).as_posix()
        if relative.split("/")[0] in skip_sources:
            continue
        if path.suffix == ".eml":
            out.append((relative, path.read_bytes()))
        elif path.suffix == ".mbox" and include_mbox:
            for index, message in enumerate(split_mbox(path.read_bytes())):
                out.append((f"{relative}#{index}", message))
    return out
