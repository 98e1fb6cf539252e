"""Dovecot as the oracle for FETCH: the whole corpus, item by item.

Loads every message of ../shared/corpus into Debian's Dovecot (APPEND, see
dovecot_harness.py) and into vellumd (`vellum import --folder`, see
vellum_harness.py) in the same order and folders, then compares, message by
message, the untagged FETCH data both send for ENVELOPE, BODY, BODYSTRUCTURE,
RFC822.SIZE, BODY[], BODY[HEADER], BODY[TEXT], BODY[HEADER.FIELDS (...)]
(Thunderbird's list), BODY[HEADER.FIELDS.NOT (Received)], BODY[]<0.100>,
BODY[1]<10.20> and, for every part number either BODYSTRUCTURE has,
BODY[n], BODY[n.MIME] and BODY[n.HEADER].

Items are compared by value, as sent (a literal and a quoted string with the
same content count as different spellings and are reported as such); the
order of items and items nobody asked for (UID, FLAGS) do not matter.
Differences listed in dovecot_known_differences.txt are accepted, any other
one fails the test, and so does a listed difference that no longer occurs.

Needs root (Dovecot switches to the `mail` user) and `dovecot` on the PATH;
skipped otherwise. Run alone:

    sudo VELLUM_BIN_DIR=build/bin python3 conformance/oracle_dovecot_fetch.py

ORACLE_ONLY=<source>[,<source>] limits the corpus to some sources (e.g.
ORACLE_ONLY=mimekit,enmime) while working on a difference; ORACLE_REPORT=<file>
writes every difference (untruncated, JSON) to a file. Python 3 stdlib only.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path
from typing import Optional

import dovecot_harness
import vellum_harness as h

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
KNOWN_DIFFERENCES = HERE / "dovecot_known_differences.txt"
# Per socket operation; nothing takes that long when all is well.
TIMEOUT = float(os.environ.get("ORACLE_TIMEOUT", "120"))

THUNDERBIRD_FIELDS = ("From To Cc Bcc Subject Date Message-ID Priority X-Priority References "
                      "Newsgroups In-Reply-To Content-Type Reply-To")
WHOLE_ITEMS = [
    "ENVELOPE", "BODY", "BODYSTRUCTURE", "RFC822.SIZE",
    "BODY.PEEK[]", "BODY.PEEK[HEADER]", "BODY.PEEK[TEXT]",
    f"BODY.PEEK[HEADER.FIELDS ({THUNDERBIRD_FIELDS})]",
    "BODY.PEEK[HEADER.FIELDS.NOT (Received)]",
    "BODY.PEEK[]<0.100>", "BODY.PEEK[1]<10.20>",
]
PART_ITEMS = ["BODY.PEEK[{}]", "BODY.PEEK[{}.MIME]", "BODY.PEEK[{}.HEADER]"]
# Items the servers may add on their own; not compared.
UNASKED = {"UID", "FLAGS"}


# ---- the corpus, split as `vellum import` splits it ------------------------------


def mbox_messages(data: bytes) -> list[tuple[int, bytes]]:
    """(line number of the "From " line, message) as store/mbox_reader.cpp
    splits: a line starting with "From " begins a message, the blank line
    before the next separator is not part of the message, ">From " lines
    lose one ">"; old-Mac files (CR, no LF) split on CR."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    eol = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
    separators = []
    at = 0
    while at < len(data):
        if data.startswith(b"From ", at):
            separators.append(at)
        newline = data.find(eol, at)
        if newline < 0:
            break
        at = newline + 1
    out = []
    for k, start in enumerate(separators):
        end = separators[k + 1] if k + 1 < len(separators) else len(data)
        body_start = data.find(eol, start)
        body_start = end if body_start < 0 or body_start > end else body_start + 1
        body = data[body_start:end]
        if eol == b"\r":
            if body.endswith(b"\r\r"):
                body = body[:-1]
        elif body.endswith(b"\r\n\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n\n"):
            body = body[:-1]
        body = re.sub(rb"(?m)^>(>*From )" if eol == b"\n" else rb"(?:(?<=\r)|^)>(>*From )",
                      rb"\1", body)
        out.append((data.count(eol, 0, start) + 1, body))
    return out


def looks_like_mbox(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").startswith(b"From ")


class Message:
    __slots__ = ("name", "origin", "data", "dovecot_uid", "vellum_uid")

    def __init__(self, name: str, origin: str, data: bytes):
        self.name = name        # "source/eml/file.eml" or "source/file.mbox#index"
        self.origin = origin    # what `vellum import` names it in "rejected"
        self.data = data
        self.dovecot_uid: Optional[int] = None
        self.vellum_uid: Optional[int] = None


class Folder:
    def __init__(self, name: str, source: Path):
        self.name = name
        self.source = source    # what is given to `vellum import`
        self.messages: list[Message] = []


def corpus_folders(corpus: Path, only: Optional[set[str]]) -> list[Folder]:
    """One folder per eml directory (its source's name) and per mbox
    ("source/stem"), as test_corpus_fetch.py imports them."""
    folders = []
    for source in sorted(p for p in corpus.iterdir() if p.is_dir()):
        if only and source.name not in only:
            continue
        eml_dir = source / "eml"
        if eml_dir.is_dir():
            folder = Folder(source.name, eml_dir)
            for path in sorted(p for p in eml_dir.iterdir()
                               if p.is_file() and not p.name.startswith(".")):
                data = path.read_bytes()
                relative = path.relative_to(corpus).as_posix()
                if looks_like_mbox(data):
                    for index, (line, message) in enumerate(mbox_messages(data)):
                        folder.messages.append(
                            Message(f"{relative}#{index}", f"{path}:{line}", message))
                else:
                    folder.messages.append(Message(relative, str(path), data))
            folders.append(folder)
        for mbox in sorted(source.glob("*.mbox")):
            folder = Folder(f"{source.name}/{mbox.stem}", mbox)
            relative = mbox.relative_to(corpus).as_posix()
            for index, (line, message) in enumerate(mbox_messages(mbox.read_bytes())):
                folder.messages.append(Message(f"{relative}#{index}", f"{mbox}:{line}", message))
            folders.append(folder)
    return folders


# ---- IMAP responses ------------------------------------------------------------


class Atom(bytes):
    pass


class Literal(bytes):
    pass


class Quoted(bytes):
    pass


_ATOM_END = re.compile(rb"[ ()\r\n]")
_ITEM_NAME = re.compile(rb"[^ \[]+(?:\[[^\]]*\])?(?:<\d+>)?")


def parse_value(data: bytes, pos: int):
    """(value, end): NIL -> None, atoms -> Atom, strings -> Quoted/Literal,
    lists -> list."""
    c = data[pos]
    if c == 0x28:  # (
        items = []
        pos += 1
        while True:
            while data[pos] == 0x20:
                pos += 1
            if data[pos] == 0x29:
                return items, pos + 1
            value, pos = parse_value(data, pos)
            items.append(value)
    if c == 0x22:  # "
        out = bytearray()
        pos += 1
        while True:
            ch = data[pos]
            if ch == 0x5C:
                out.append(data[pos + 1])
                pos += 2
            elif ch == 0x22:
                return Quoted(out), pos + 1
            else:
                out.append(ch)
                pos += 1
    if c == 0x7B:  # {
        close = data.index(b"}", pos)
        size = int(data[pos + 1:close].rstrip(b"+"))
        start = close + 3  # "}\r\n"
        return Literal(data[start:start + size]), start + size
    match = _ATOM_END.search(data, pos)
    end = match.start() if match else len(data)
    atom = data[pos:end]
    return (None if atom.upper() == b"NIL" else Atom(atom)), end


def parse_fetch(response: bytes) -> tuple[int, dict[str, tuple[bytes, object]]]:
    """'* n FETCH (...)' -> (n, canonical item name -> (raw value, parsed))."""
    match = re.match(rb"\* (\d+) FETCH \(", response)
    if not match:
        raise ValueError(f"not a FETCH response: {response[:200]!r}")
    pos = match.end()
    items = {}
    while True:
        while response[pos] == 0x20:
            pos += 1
        if response[pos] == 0x29:
            break
        name_match = _ITEM_NAME.match(response, pos)
        name = name_match.group().decode("latin-1")
        pos = name_match.end() + 1
        value, end = parse_value(response, pos)
        items[canonical_name(name)] = (response[pos:end], value)
        pos = end
    return int(match.group(1)), items


def canonical_name(name: str) -> str:
    """BODY.PEEK[x] -> BODY[x], upper case, single spaces."""
    name = re.sub(r"\s+", " ", name.upper()).replace("BODY.PEEK[", "BODY[")
    return name.replace("( ", "(").replace(" )", ")")


class Connection:
    """One IMAP connection: pipelined commands, sent by a thread while the
    responses are read here; every socket operation has a timeout."""

    def __init__(self, port: int, user: str, password: str, name: str):
        self.name = name
        self.sock = socket.create_connection((h.HOST, port), timeout=TIMEOUT)
        self.sock.settimeout(TIMEOUT)
        self.buffer = bytearray()
        self.pos = 0
        self.tag = 0
        greeting = self.response()
        if not greeting.startswith(b"* OK"):
            raise h.HarnessError(f"{name}: greeting {greeting!r}")
        self.run([f'LOGIN "{user}" "{password}"'.encode()])

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise h.HarnessError(f"{self.name}: no answer for {TIMEOUT:.0f} s after "
                                 f"{bytes(self.buffer[-300:])!r}") from None
        if not chunk:
            raise h.HarnessError(f"{self.name}: connection closed")
        self.buffer += chunk

    def response(self) -> bytes:
        """One response with its literals, without the final CRLF."""
        if self.pos > (1 << 20) and self.pos * 2 > len(self.buffer):
            del self.buffer[:self.pos]
            self.pos = 0
        parts = []
        while True:
            end = self.buffer.find(b"\r\n", self.pos)
            while end < 0:
                searched = max(self.pos, len(self.buffer) - 1)
                self._fill()
                end = self.buffer.find(b"\r\n", searched)
            line = bytes(self.buffer[self.pos:end + 2])
            self.pos = end + 2
            match = re.search(rb"\{(\d+)\+?\}\r\n$", line)
            if not match:
                parts.append(line[:-2])
                return b"".join(parts)
            size = int(match.group(1))
            while len(self.buffer) - self.pos < size:
                self._fill()
            parts.append(line)
            parts.append(bytes(self.buffer[self.pos:self.pos + size]))
            self.pos += size

    def exchange(self, commands: list[bytes]) -> list[tuple[list[bytes], bytes]]:
        """Sends the commands pipelined; returns (untagged responses, tagged
        response) for each."""
        tags = []
        out = bytearray()
        for command in commands:
            self.tag += 1
            tags.append(b"o%d" % self.tag)
            out += tags[-1] + b" " + command + b"\r\n"
        errors = []

        def send() -> None:
            try:
                self.sock.sendall(out)
            except OSError as error:
                errors.append(error)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        results: list[tuple[list[bytes], bytes]] = []
        current: list[bytes] = []
        try:
            while len(results) < len(tags):
                response = self.response()
                if response.startswith(b"* ") or response.startswith(b"+"):
                    current.append(response)
                    continue
                tag = tags[len(results)]
                if not response.startswith(tag + b" "):
                    raise h.HarnessError(
                        f"{self.name}: expected tag {tag!r}, got {response[:200]!r}")
                results.append((current, response))
                current = []
        finally:
            sender.join(TIMEOUT)
        if errors:
            raise h.HarnessError(f"{self.name}: send failed: {errors[0]}")
        return results

    def run(self, commands: list[bytes]) -> list[list[bytes]]:
        """exchange(), raising unless every command ends OK; the untagged
        responses of each."""
        results = self.exchange(commands)
        for command, (_, tagged) in zip(commands, results):
            if not tagged.split(b" ", 2)[1:2] == [b"OK"]:
                raise h.HarnessError(f"{self.name}: {command[:200]!r}: {tagged[:300]!r}")
        return [untagged for untagged, _ in results]

    def close(self) -> None:
        try:
            self.sock.settimeout(5)
            self.sock.sendall(b"z LOGOUT\r\n")
        except OSError:
            pass
        self.sock.close()


def quote(text: str) -> bytes:
    return b'"' + text.encode().replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


# ---- part numbers ----------------------------------------------------------------


def _is_multipart(body) -> bool:
    return isinstance(body, list) and bool(body) and isinstance(body[0], list)


def _encapsulated(body):
    """The body of a message/rfc822 part, or None."""
    if (isinstance(body, list) and len(body) > 8 and isinstance(body[0], bytes)
            and isinstance(body[1], bytes) and body[0].lower() == b"message"
            and body[1].lower() == b"rfc822" and isinstance(body[8], list)):
        return body[8]
    return None


def part_numbers(structure) -> list[str]:
    """Every part number a BODYSTRUCTURE has (RFC 3501 6.4.5): the parts of
    multiparts, and inside a message/rfc822 part the parts of the message it
    carries (n.1 for a non-multipart one)."""
    out: list[str] = []

    def inside(body, number: str) -> None:
        inner = _encapsulated(body)
        if inner is None:
            return
        if _is_multipart(inner):
            children(inner, number + ".")
        else:
            out.append(number + ".1")
            inside(inner, number + ".1")

    def children(body, prefix: str) -> None:
        index = 0
        for child in body:
            if not isinstance(child, list):
                break
            index += 1
            number = f"{prefix}{index}"
            out.append(number)
            if _is_multipart(child):
                children(child, number + ".")
            else:
                inside(child, number)

    if _is_multipart(structure):
        children(structure, "")
    elif isinstance(structure, list):
        out.append("1")
        inside(structure, "1")
    return out


# ---- known differences --------------------------------------------------------------


def load_known_differences(path: Path) -> dict[tuple[str, str], str]:
    """message<TAB>item<TAB>reason lines; # comments."""
    known = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise h.HarnessError(f"{path}:{number}: expected message<TAB>item<TAB>reason")
        known[(fields[0], fields[1])] = fields[2]
    return known


def item_kind(name: str) -> str:
    """BODY[2.1.MIME] -> BODY[n.MIME], for the figures."""
    return re.sub(r"\[\d+(?:\.\d+)*", "[n", name) if not name.startswith("BODY[1]<") else name


def shorten(value: Optional[bytes], width: int = 300) -> str:
    if value is None:
        return "(no such item)"
    text = repr(value[:width])
    return text + (f" ... ({len(value)} bytes)" if len(value) > width else "")


# ---- the test -------------------------------------------------------------------


class DovecotOracle(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        if shutil.which("dovecot") is None or os.geteuid() != 0:
            raise unittest.SkipTest("needs root and Debian's dovecot")
        only = {s for s in os.environ.get("ORACLE_ONLY", "").split(",") if s} or None
        cls.started = time.monotonic()
        cls.folders = corpus_folders(CORPUS, only)
        cls.data = h.TestData()
        cls.addClassCleanup(cls.data.remove)
        cls.dovecot = dovecot_harness.DovecotServer(extra_config="mail_fsync = never\n")
        cls.dovecot.start()
        cls.addClassCleanup(cls.dovecot.stop)
        cls.import_into_vellum()
        cls.server = h.Server(cls.data, plaintext_auth=True).start()
        cls.addClassCleanup(cls.server.stop)
        cls.append_to_dovecot()
        cls.loaded = time.monotonic()

    @classmethod
    def import_into_vellum(cls) -> None:
        """`vellum import --folder` per source, in parallel (separate
        folders; the index serializes the writes). Rejected messages and
        duplicates within a folder are not stored: dropped here too."""

        def run(folder: Folder) -> dict:
            result = subprocess.run(
                [str(h.binary("vellum")), "--data-dir", str(cls.data.data_dir), "import",
                 h.JD_LOGIN, "--json", "--folder", folder.name, str(folder.source)],
                capture_output=True, timeout=600)
            if result.returncode not in (0, 1):
                raise h.HarnessError(f"vellum import {folder.name}: exit {result.returncode}: "
                                     f"{result.stderr.decode(errors='replace')}")
            return json.loads(result.stdout)

        # One at a time: parallel imports into one instance only wait on
        # each other's write lock.
        for folder in cls.folders:
            summary = run(folder)
            rejected = {r["item"] for r in summary["rejected"]}
            kept, seen = [], set()
            for message in folder.messages:
                if message.origin in rejected or message.data in seen:
                    continue
                seen.add(message.data)
                kept.append(message)
            if len(kept) != summary["imported"]:
                raise h.HarnessError(
                    f"{folder.name}: {summary['imported']} imported, {len(kept)} expected "
                    f"(rejected {summary['rejected'][:3]})")
            folder.messages = kept

    @classmethod
    def append_to_dovecot(cls) -> None:
        """APPENDs every kept message (LITERAL+, pipelined), one folder after
        another; the UIDs come from APPENDUID. Dovecot refuses some (empty)
        messages: those get no UID and are not compared."""
        conn = Connection(cls.dovecot.port, dovecot_harness.USER, dovecot_harness.PASSWORD,
                          "dovecot")
        cls.refused_by_dovecot = []
        try:
            for folder in cls.folders:
                conn.run([b"CREATE " + quote(folder.name)])
                commands = [b"APPEND " + quote(folder.name) + b" {%d+}\r\n" % len(m.data) + m.data
                            for m in folder.messages]
                for message, (_, tagged) in zip(folder.messages, conn.exchange(commands)):
                    match = re.match(rb"\S+ OK \[APPENDUID \d+ (\d+)\]", tagged)
                    if match:
                        message.dovecot_uid = int(match.group(1))
                    else:
                        cls.refused_by_dovecot.append((message.name, tagged.decode("latin-1")))
        finally:
            conn.close()

    # -- fetching --

    @staticmethod
    def fetch_structures(conn: Connection, folder: Folder, vellum: bool) -> dict[int, object]:
        """UID -> parsed BODYSTRUCTURE; for vellumd also numbers the messages
        (UID order is import order)."""
        select, fetch = conn.run([b"EXAMINE " + quote(folder.name),
                                  b"UID FETCH 1:* (BODYSTRUCTURE)"])
        structures: dict[int, object] = {}
        uids = []
        for response in fetch:
            if b" FETCH " not in response[:20]:
                continue
            _, items = parse_fetch(response)
            uid = int(items["UID"][0])
            uids.append(uid)
            structures[uid] = items["BODYSTRUCTURE"][1]
        if vellum:
            if len(uids) != len(folder.messages):
                raise h.HarnessError(f"vellumd {folder.name}: {len(uids)} messages, "
                                     f"{len(folder.messages)} imported")
            for message, uid in zip(folder.messages, sorted(uids)):
                message.vellum_uid = uid
        return structures

    @staticmethod
    def fetch_items(conn: Connection, folder: Folder, uids: list[int],
                    items: list[list[str]]) -> list[dict[str, tuple[bytes, object]]]:
        """One UID FETCH per message, pipelined; per message, the items of
        all its untagged FETCH responses."""
        commands = [b"EXAMINE " + quote(folder.name)]
        for uid, wanted in zip(uids, items):
            # Messages with hundreds of parts: several commands, each well
            # under the servers' line limits (64 KiB).
            line: list[str] = []
            for item in wanted + [""]:
                if line and (not item or sum(len(i) + 1 for i in line) + len(item) > 4000):
                    commands.append(b"UID FETCH %d (%s)" % (uid, " ".join(line).encode()))
                    line = []
                line.append(item)
        results = conn.run(commands)[1:]
        # Dovecot runs pipelined FETCHes in parallel: their responses
        # interleave, so they are sorted out by UID.
        by_uid: dict[int, dict[str, tuple[bytes, object]]] = {uid: {} for uid in uids}
        for untagged in results:
            for response in untagged:
                if b" FETCH " not in response[:20]:
                    continue
                _, fetched = parse_fetch(response)
                uid = int(fetched["UID"][0]) if "UID" in fetched else None
                if uid not in by_uid:
                    raise h.HarnessError(f"{conn.name}: FETCH response without a known UID: "
                                         f"{response[:200]!r}")
                by_uid[uid].update(fetched)
        return [by_uid[uid] for uid in uids]

    # -- the comparison --

    def test_fetch_items_match_dovecot(self) -> None:
        known = load_known_differences(KNOWN_DIFFERENCES)
        dovecot = Connection(self.dovecot.port, dovecot_harness.USER, dovecot_harness.PASSWORD,
                             "dovecot")
        vellum = Connection(self.server.port, h.JD_LOGIN, h.JD_PASSWORD, "vellumd")
        self.addCleanup(dovecot.close)
        self.addCleanup(vellum.close)
        compared_messages = 0
        compared_items = collections.Counter()
        differing_items = collections.Counter()
        differences = []  # (message, item, ours, theirs, same value)
        accepted = set()
        compared_names: set[str] = set()

        def both(function, *args):
            """function(dovecot, ...) and function(vellum, ...) at once."""
            results: dict[str, object] = {}

            def run(conn, key, *more):
                try:
                    results[key] = function(conn, *more)
                except BaseException as error:  # re-raised below
                    results[key] = error

            threads = [threading.Thread(target=run, args=(dovecot, "d", *args[0])),
                       threading.Thread(target=run, args=(vellum, "v", *args[1]))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(TIMEOUT * 10)
                if thread.is_alive():
                    raise h.HarnessError("a fetch did not finish")
            for value in results.values():
                if isinstance(value, BaseException):
                    raise value
            return results["d"], results["v"]

        for folder in self.folders:
            theirs_structures, ours_structures = both(
                self.fetch_structures, (folder, False), (folder, True))
            messages = [m for m in folder.messages if m.dovecot_uid is not None]
            wanted = []
            for message in messages:
                parts = part_numbers(theirs_structures.get(message.dovecot_uid))
                for number in part_numbers(ours_structures.get(message.vellum_uid)):
                    if number not in parts:
                        parts.append(number)
                wanted.append(WHOLE_ITEMS + [item.format(number) for number in parts
                                             for item in PART_ITEMS])
            theirs_all, ours_all = both(
                self.fetch_items,
                (folder, [m.dovecot_uid for m in messages], wanted),
                (folder, [m.vellum_uid for m in messages], wanted))
            for message, theirs, ours in zip(messages, theirs_all, ours_all):
                compared_messages += 1
                compared_names.add(message.name)
                names = sorted((set(theirs) | set(ours)) - UNASKED)
                for name in names:
                    kind = item_kind(name)
                    compared_items[kind] += 1
                    mine, other = ours.get(name), theirs.get(name)
                    if mine is not None and other is not None and mine[0] == other[0]:
                        continue
                    differing_items[kind] += 1
                    if (message.name, name) in known:
                        accepted.add((message.name, name))
                        continue
                    differences.append((
                        message.name, name, mine and mine[0], other and other[0],
                        mine is not None and other is not None and mine[1] == other[1]))

        stale = sorted(key for key in set(known) - accepted if key[0] in compared_names)
        seconds = time.monotonic() - self.started
        total = sum(compared_items.values())
        lines = [f"{compared_messages} messages, {total} items compared in {seconds:.0f} s "
                 f"(loading {self.loaded - self.started:.0f} s); "
                 f"{total - sum(differing_items.values())} identical; "
                 f"{len(accepted)} known differences accepted; "
                 f"{len(self.refused_by_dovecot)} messages refused by Dovecot's APPEND"]
        for kind in sorted(compared_items):
            lines.append(f"  {kind:60.60} {compared_items[kind]:7} compared "
                         f"{differing_items[kind]:6} differ")
        print("\n".join(lines), file=sys.stderr)
        report = os.environ.get("ORACLE_REPORT")
        if report:
            Path(report).write_text(json.dumps(
                [{"message": m, "item": i, "vellum": o and o.decode("latin-1"),
                  "dovecot": t and t.decode("latin-1"), "same_value": s}
                 for m, i, o, t, s in differences], indent=1))
        problems = []
        for message, name, mine, other, same_value in differences[:100]:
            problems.append(f"-- {message} {name}" +
                            (" (same value, spelled differently)" if same_value else "") +
                            f"\n   vellum:  {shorten(mine)}\n   dovecot: {shorten(other)}")
        if len(differences) > 100:
            problems.append(f"... and {len(differences) - 100} more")
        for message, name in stale:
            problems.append(f"-- {message} {name}: listed in {KNOWN_DIFFERENCES.name} "
                            f"but no longer different")
        if problems:
            self.fail(f"{len(differences)} differences from Dovecot not in "
                      f"{KNOWN_DIFFERENCES.name}, {len(stale)} stale entries:\n"
                      + "\n".join(problems))
        self.assertGreater(compared_messages, 0)


if __name__ == "__main__":
    unittest.main()
