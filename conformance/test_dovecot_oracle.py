"""Dovecot as the oracle: the whole corpus, item by item and query by query.

Loads every message of ../shared/corpus into vellumd (`vellum import
--folder`, see vellum_harness.py) and into Debian's Dovecot (APPEND with the
flags and INTERNALDATE vellumd gave each message, see dovecot_harness.py),
in the same order and folders, then compares what both send:

* FETCH, message by message: ENVELOPE, BODY, BODYSTRUCTURE, RFC822.SIZE,
  BODY[], BODY[HEADER], BODY[TEXT], BODY[HEADER.FIELDS (...)] (Thunderbird's
  list), BODY[HEADER.FIELDS.NOT (Received)], BODY[]<0.100>, BODY[1]<10.20>
  and, for every part number either BODYSTRUCTURE has (n, n.m, ...),
  BODY[n], BODY[n.MIME] and BODY[n.HEADER];
* BINARY[n] and BINARY.SIZE[n] of every leaf part, one command each, the
  answer's status (OK, NO [UNKNOWN-CTE], a dropped connection) included;
* SEARCH, SORT and THREAD: the queries below in every folder.

FETCH items are compared by value as sent (a literal and a quoted string with
the same content are different spellings, and reported as such); the order of
items and items nobody asked for (UID, FLAGS) do not matter. SEARCH answers
are compared as sets of messages, SORT answers as orders and THREAD answers as
trees (each message's parent and place among its siblings).

A difference is named by message (the corpus path, "#index" for a message of
an mbox, the folder for a whole answer) and item (the FETCH item, or the
query as in QUERIES below). Those listed in dovecot_known_differences.txt,
each with the RFC's words in README.md, are accepted; any other fails, and so
does a listed one that no longer occurs.

Needs Debian's dovecot-imapd (tools/dev installs it; skipped without it), as
root or as any other user (dovecot_harness.py configures Dovecot for either).
Run alone:

    VELLUM_BIN_DIR=build/bin python3 conformance/test_dovecot_oracle.py [-v]

ORACLE_ONLY=<source>[,<source>] limits the corpus to some sources (e.g.
ORACLE_ONLY=mimekit,enmime) while working on a difference; ORACLE_REPORT=<prefix>
writes every unlisted difference (untruncated, JSON) to <prefix>fetch.json,
<prefix>binary.json and <prefix>queries.json. Python 3 stdlib only.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
from pathlib import Path
from typing import Callable, Optional

import dovecot_harness
import vellum_harness as h
from dovecot_oracle import (Connection, Folder, canonical_name, corpus_folders,
                            load_known_differences,
                            numbers_after, out_of_place, parse_fetch, parse_thread,
                            part_numbers, quote, run_on_both, shorten, status_of,
                            thread_differences)

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
KNOWN_DIFFERENCES = HERE / "dovecot_known_differences.txt"
# How long one folder's pipelined commands may take on one server.
FOLDER_TIMEOUT = 600.0

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
# BINARY of a leaf part: the transfer encoding undone. (Of a multipart or
# message/rfc822 part Dovecot also rewrites every part inside to binary,
# which RFC 3516 does not ask for: see README.md.)
BINARY_ITEMS = ["BINARY.SIZE[{}]", "BINARY.PEEK[{}]"]
# Leaf parts per message whose BINARY is compared: one message has 3,038
# parts, and Dovecot takes seconds for every hundred of them.
BINARY_PARTS = 100
# Items the servers may add on their own; not compared.
UNASKED = {"UID", "FLAGS"}

# SEARCH keys (RFC 3501 6.4.4), as sent after "UID SEARCH [CHARSET UTF-8]".
# Not RECENT, NEW or OLD: APPEND makes messages \Recent in Dovecot, while
# nothing is recent in an archive.
SEARCHES = [
    "ALL",
    # flags, as imported from mbox Status:/X-Status: and APPENDed alike
    "SEEN", "UNSEEN", "ANSWERED", "UNANSWERED", "FLAGGED", "UNFLAGGED", "DELETED",
    "UNDELETED", "DRAFT", "UNDRAFT", "KEYWORD $Forwarded", "UNKEYWORD $Forwarded",
    # INTERNALDATE (the mbox From line's date or the file's) and the Date: field
    "BEFORE 1-Jan-2001", "SINCE 1-Jan-2001", "ON 14-Nov-2001", "SINCE 1-Jan-2020",
    "SENTBEFORE 1-Jan-2001", "SENTSINCE 1-Jan-2001", "SENTON 14-May-2001",
    "SENTSINCE 1-Jan-2010",
    # RFC822.SIZE
    "LARGER 5000", "SMALLER 1000", "LARGER 100000", "NOT LARGER 2000",
    # header fields: substrings of the decoded (RFC 2047) values, any case
    'FROM "enron"', 'FROM ".org"', 'FROM "john"', 'TO "jeff"', 'TO "undisclosed"', 'CC "com"',
    'BCC "enron"', 'SUBJECT "re:"', 'SUBJECT "meeting"', 'SUBJECT "test"',
    'HEADER Message-ID "@"', 'HEADER X-Mailer ""', 'HEADER Content-Type "multipart"',
    'HEADER Received "localhost"', 'HEADER In-Reply-To ""', 'HEADER References "<"',
    'HEADER X-Spam-Status "yes"',
    # bodies and whole messages: words and phrases in the decoded text
    'BODY "the"', 'BODY "energy"', 'BODY "conference call"', 'BODY "please let me know"',
    'BODY "http://"', 'TEXT "attached"', 'TEXT "message-id"', 'TEXT "enron.com"',
    'BODY "unsubscribe"', 'TEXT "mime-version: 1.0"',
    # nesting
    'OR FROM "enron" TO "enron"', 'NOT SUBJECT "re:"', '(SUBJECT "re" FROM "com")',
    "OR (LARGER 5000 SEEN) (SMALLER 1000 NOT SEEN)", 'NOT OR BODY "energy" SUBJECT "re"',
    'OR OR FROM "a" TO "b" CC "c"', 'SEEN NOT (FLAGGED OR ANSWERED DRAFT)',
    # message sets: sequence numbers, and UIDs (the same in both servers)
    "1:5", "1,*", "2:4 SMALLER 3000", "UID 1:10", "UID 5:*", "UID 2,4,6:8", "UID *",
    'UID 1:100 BODY "please"', "NOT UID 1:3",
]
# SORT criteria (RFC 5256, and RFC 5957 DISPLAYFROM/DISPLAYTO), as sent
# in "UID SORT (...) UTF-8 ALL".
SORTS = [
    "ARRIVAL", "DATE", "SIZE", "SUBJECT", "FROM", "TO", "CC", "DISPLAYFROM", "DISPLAYTO",
    "REVERSE ARRIVAL", "REVERSE DATE", "REVERSE SUBJECT", "SUBJECT DATE",
    "FROM REVERSE SIZE", "REVERSE CC TO SIZE", "REVERSE DISPLAYFROM REVERSE DATE",
]
THREADS = ["REFERENCES", "ORDEREDSUBJECT"]


def search_command(query: str) -> bytes:
    return b"UID SEARCH " + query.encode()


def sort_command(criteria: str) -> bytes:
    return b"UID SORT (" + criteria.encode() + b") UTF-8 ALL"


def thread_command(algorithm: str) -> bytes:
    return b"UID THREAD " + algorithm.encode() + b" UTF-8 ALL"


def chunked(items: list[str]) -> list[list[str]]:
    """The FETCH items of a message with hundreds of parts in several
    commands, each well under the servers' line limits (64 KiB)."""
    out: list[list[str]] = [[]]
    for item in items:
        if out[-1] and sum(len(i) + 1 for i in out[-1]) + len(item) > 4000:
            out.append([])
        out[-1].append(item)
    return [chunk for chunk in out if chunk]


def progress(text: str) -> None:
    """ORACLE_PROGRESS=1 prints what is being compared, with the time."""
    if os.environ.get("ORACLE_PROGRESS"):
        print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def item_kind(name: str) -> str:
    """BODY[2.1.MIME] -> BODY[n.m.MIME], for the figures."""
    if name.startswith("BODY[1]<"):
        return name
    return re.sub(r"\[(\d+(?:\.\d+)*)",
                  lambda m: "[" + ".".join("nmopq"[i] for i in range(m.group(1).count(".") + 1)),
                  name)


class Tally:
    """What one test compared and which differences it met: the listed
    ones it owns (by item) are accepted, the rest are failures."""

    def __init__(self, known: dict[tuple[str, str], str], owns: Callable[[str], bool]):
        self.known = {key: reason for key, reason in known.items() if owns(key[1])}
        self.compared: collections.Counter = collections.Counter()
        self.differing: collections.Counter = collections.Counter()
        self.accepted: set[tuple[str, str]] = set()
        self.unlisted: list[tuple[str, str, str, str]] = []  # message, item, vellum, dovecot
        self.messages: set[str] = set()

    def record(self, kind: str, differences: list[tuple[str, str, str, str]] = ()) -> None:
        """One comparison of `kind`, and the differences it found (message,
        item, what vellumd sent, what Dovecot sent)."""
        self.compared[kind] += 1
        if differences:
            self.differing[kind] += 1
        for message, item, ours, theirs in differences:
            if (message, item) in self.known:
                self.accepted.add((message, item))
            else:
                self.unlisted.append((message, item, ours, theirs))

    def finish(self, test: unittest.TestCase, title: str, started: float, report: str) -> None:
        """Prints the figures; fails on unlisted differences and on listed
        ones that did not occur among the messages compared."""
        stale = sorted(key for key in set(self.known) - self.accepted
                       if key[0] in self.messages)
        total = sum(self.compared.values())
        lines = [f"{title}: {total} compared in {time.monotonic() - started:.0f} s; "
                 f"{total - sum(self.differing.values())} identical; "
                 f"{len(self.accepted)} known differences accepted"]
        for kind in sorted(self.compared):
            lines.append(f"  {kind:60.60} {self.compared[kind]:7} compared "
                         f"{self.differing[kind]:6} differ")
        print("\n".join(lines), file=sys.stderr)
        prefix = os.environ.get("ORACLE_REPORT")
        if prefix:
            Path(prefix + report + ".json").write_text(json.dumps(
                [{"message": m, "item": i, "vellum": o, "dovecot": t}
                 for m, i, o, t in self.unlisted], indent=1))
        problems = [f"-- {message} {item}\n   vellum:  {ours}\n   dovecot: {theirs}"
                    for message, item, ours, theirs in self.unlisted[:100]]
        if len(self.unlisted) > 100:
            problems.append(f"... and {len(self.unlisted) - 100} more")
        problems += [f"-- {message} {item}: listed in {KNOWN_DIFFERENCES.name} but no longer "
                     f"different" for message, item in stale]
        if problems:
            test.fail(f"{len(self.unlisted)} differences from Dovecot not in "
                      f"{KNOWN_DIFFERENCES.name}, {len(stale)} stale entries:\n"
                      + "\n".join(problems))
        test.assertGreater(total, 0)


def is_fetch_item(item: str) -> bool:
    return not item.startswith(("BINARY", "SEARCH ", "SORT ", "THREAD "))


def is_binary_item(item: str) -> bool:
    return item.startswith("BINARY")


def is_query(item: str) -> bool:
    return item.startswith(("SEARCH ", "SORT ", "THREAD "))


class DovecotOracle(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        if shutil.which("dovecot") is None:
            raise unittest.SkipTest("needs Debian's dovecot-imapd (tools/dev deps installs it)")
        only = {s for s in os.environ.get("ORACLE_ONLY", "").split(",") if s} or None
        started = time.monotonic()
        cls.folders = corpus_folders(CORPUS, only)
        cls.known = load_known_differences(KNOWN_DIFFERENCES)
        cls.data = h.TestData()
        cls.addClassCleanup(cls.data.remove)
        cls.dovecot = dovecot_harness.DovecotServer(extra_config="mail_fsync = never\n")
        cls.dovecot.start()
        cls.addClassCleanup(cls.dovecot.stop)
        cls.import_into_vellum()
        cls.server = h.Server(cls.data, plaintext_auth=True).start()
        cls.addClassCleanup(cls.server.stop)
        cls.read_flags_and_dates()
        cls.append_to_dovecot()
        cls.read_structures()
        print(f"loaded {sum(len(f.messages) for f in cls.folders)} messages in "
              f"{len(cls.folders)} folders into both servers in "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)

    @classmethod
    def import_into_vellum(cls) -> None:
        """`vellum import --folder` per source, one at a time (parallel
        imports into one instance only wait on each other's write lock).
        Rejected messages and duplicates within a folder are not stored:
        dropped here too."""
        for folder in cls.folders:
            result = subprocess.run(
                [str(h.binary("vellum")), "--data-dir", str(cls.data.data_dir), "import",
                 h.JD_LOGIN, "--json", "--folder", folder.name, str(folder.source)],
                capture_output=True, timeout=600)
            if result.returncode not in (0, 1):
                raise h.HarnessError(f"vellum import {folder.name}: exit {result.returncode}: "
                                     f"{result.stderr.decode(errors='replace')}")
            summary = json.loads(result.stdout)
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
    def read_flags_and_dates(cls) -> None:
        """Numbers vellumd's messages (UID order is import order) and reads
        the flags and INTERNALDATE the import gave them, for the APPEND."""
        conn = Connection(cls.server.port, h.JD_LOGIN, h.JD_PASSWORD, "vellumd")
        try:
            for folder in cls.folders:
                _, fetched = conn.run([b"EXAMINE " + quote(folder.name),
                                       b"UID FETCH 1:* (FLAGS INTERNALDATE)"])
                rows = sorted((parse_fetch(r)[1] for r in fetched if b" FETCH " in r[:20]),
                              key=lambda items: int(items["UID"][0]))
                if len(rows) != len(folder.messages):
                    raise h.HarnessError(f"vellumd {folder.name}: {len(rows)} messages, "
                                         f"{len(folder.messages)} imported")
                for message, items in zip(folder.messages, rows):
                    message.vellum_uid = int(items["UID"][0])
                    message.flags = items["FLAGS"][0]
                    message.internal_date = items["INTERNALDATE"][0]
        finally:
            conn.close()

    @classmethod
    def append_to_dovecot(cls) -> None:
        """APPENDs every kept message with vellumd's flags and INTERNALDATE
        (LITERAL+, pipelined), one folder after another; the UIDs come from
        APPENDUID. A message Dovecot refuses gets no UID and is left out
        (none does: the import rejects the same ones)."""
        conn = Connection(cls.dovecot.port, dovecot_harness.USER, dovecot_harness.PASSWORD,
                          "dovecot")
        cls.refused_by_dovecot = []
        try:
            for folder in cls.folders:
                conn.run([b"CREATE " + quote(folder.name)])
                commands = [b"APPEND %s %s %s {%d+}\r\n%s" % (
                    quote(folder.name), m.flags, m.internal_date, len(m.data), m.data)
                    for m in folder.messages]
                for message, (_, tagged) in zip(folder.messages, conn.exchange(commands)):
                    match = re.match(rb"\S+ OK \[APPENDUID \d+ (\d+)\]", tagged)
                    if match:
                        message.dovecot_uid = int(match.group(1))
                    else:
                        cls.refused_by_dovecot.append((message.name, tagged.decode("latin-1")))
        finally:
            conn.close()

    @classmethod
    def read_structures(cls) -> None:
        """Both servers' BODYSTRUCTUREs, before any test: what Dovecot then
        caches changes some of its later answers (SEARCH BODY in a
        multipart whose boundary never comes), so every test, run alone or
        with the others, meets it in the same state."""
        dovecot = Connection(cls.dovecot.port, dovecot_harness.USER, dovecot_harness.PASSWORD,
                             "dovecot")
        vellum = Connection(cls.server.port, h.JD_LOGIN, h.JD_PASSWORD, "vellumd")
        cls.structures: dict[str, tuple[dict, dict]] = {}
        try:
            for folder in cls.folders:
                cls.structures[folder.name] = run_on_both(
                    lambda: cls.fetch_structures(dovecot, folder),
                    lambda: cls.fetch_structures(vellum, folder), FOLDER_TIMEOUT)
        finally:
            dovecot.close()
            vellum.close()

    # -- helpers --

    def connections(self) -> tuple[Connection, Connection]:
        dovecot = Connection(self.dovecot.port, dovecot_harness.USER, dovecot_harness.PASSWORD,
                             "dovecot")
        self.addCleanup(dovecot.close)
        vellum = Connection(self.server.port, h.JD_LOGIN, h.JD_PASSWORD, "vellumd")
        self.addCleanup(vellum.close)
        return dovecot, vellum

    @staticmethod
    def fetch_structures(conn: Connection, folder: Folder) -> dict[int, object]:
        """UID -> parsed BODYSTRUCTURE."""
        _, fetched = conn.run([b"EXAMINE " + quote(folder.name),
                               b"UID FETCH 1:* (BODYSTRUCTURE)"])
        structures: dict[int, object] = {}
        for response in fetched:
            if b" FETCH " in response[:20]:
                _, items = parse_fetch(response)
                structures[int(items["UID"][0])] = items["BODYSTRUCTURE"][1]
        return structures

    def parts(self, folder: Folder) -> list[list[tuple[str, bool]]]:
        """Per compared message, every part number either server's
        BODYSTRUCTURE has, with whether both call it a leaf."""
        theirs, ours = self.structures[folder.name]
        out = []
        for message in self.compared_messages(folder):
            numbers = dict(part_numbers(theirs.get(message.dovecot_uid)))
            for number, leaf in part_numbers(ours.get(message.vellum_uid)):
                numbers[number] = numbers.get(number, leaf) and leaf
            out.append(list(numbers.items()))
        return out

    @staticmethod
    def compared_messages(folder: Folder) -> list:
        return [m for m in folder.messages if m.dovecot_uid is not None]

    @staticmethod
    def run_fetches(conn: Connection, folder: Folder, commands: list[bytes]
                    ) -> tuple[dict[int, dict[str, tuple[bytes, object]]], list[str]]:
        """The commands pipelined after EXAMINE, surviving dropped
        connections: UID -> item -> value from every untagged FETCH (Dovecot
        runs pipelined FETCHes in parallel, so responses interleave), and
        each command's status."""
        setup = [b"EXAMINE " + quote(folder.name)]
        conn.run(setup)
        answers = conn.exchange_surviving(commands, setup)
        values: dict[int, dict[str, tuple[bytes, object]]] = collections.defaultdict(dict)
        for untagged, _ in answers:
            for response in untagged:
                if b" FETCH " not in response[:20]:
                    continue
                _, fetched = parse_fetch(response)
                if "UID" not in fetched:
                    raise h.HarnessError(f"{conn.name}: FETCH response without UID: "
                                         f"{response[:200]!r}")
                values[int(fetched["UID"][0])].update(fetched)
        return values, [status_of(tagged) for _, tagged in answers]

    # -- FETCH --

    def test_fetch_items_match_dovecot(self) -> None:
        started = time.monotonic()
        tally = Tally(self.known, is_fetch_item)
        dovecot, vellum = self.connections()
        for folder in self.folders:
            messages = self.compared_messages(folder)
            wanted = [WHOLE_ITEMS + [item.format(number) for number, _ in parts
                                     for item in PART_ITEMS]
                      for parts in self.parts(folder)]

            def commands(uids: list[int]) -> list[bytes]:
                return [b"UID FETCH %d (%s)" % (uid, " ".join(chunk).encode())
                        for uid, items in zip(uids, wanted) for chunk in chunked(items)]

            (theirs, their_status), (ours, our_status) = run_on_both(
                lambda: self.run_fetches(dovecot, folder,
                                         commands([m.dovecot_uid for m in messages])),
                lambda: self.run_fetches(vellum, folder,
                                         commands([m.vellum_uid for m in messages])),
                FOLDER_TIMEOUT)
            failed = [status for status in their_status + our_status if status != "OK"]
            if failed:
                raise h.HarnessError(f"{folder.name}: FETCH answered {failed[:5]}")
            for message in messages:
                tally.messages.add(message.name)
                their_items = theirs.get(message.dovecot_uid, {})
                our_items = ours.get(message.vellum_uid, {})
                for name in sorted((set(their_items) | set(our_items)) - UNASKED):
                    mine, other = our_items.get(name), their_items.get(name)
                    if mine is not None and other is not None and mine[0] == other[0]:
                        tally.record(item_kind(name))
                        continue
                    spelled = " (same value, spelled differently)" if (
                        mine is not None and other is not None and mine[1] == other[1]) else ""
                    tally.record(item_kind(name), [(message.name, name,
                                                    shorten(mine and mine[0]) + spelled,
                                                    shorten(other and other[0]))])
        tally.finish(self, "FETCH", started, "fetch")
        self.assertEqual(self.refused_by_dovecot, [])

    # -- BINARY --

    def test_binary_matches_dovecot(self) -> None:
        started = time.monotonic()
        tally = Tally(self.known, is_binary_item)
        dovecot, vellum = self.connections()
        left_out = 0
        for folder in self.folders:
            progress(folder.name)
            messages = self.compared_messages(folder)
            wanted: list[tuple[object, list[str]]] = []
            for message, parts in zip(messages, self.parts(folder)):
                leaves = [number for number, leaf in parts if leaf]
                left_out += max(0, len(leaves) - BINARY_PARTS)
                wanted.append((message, [item.format(number) for number in leaves[:BINARY_PARTS]
                                         for item in BINARY_ITEMS]))

            def ask(requests: list[tuple[object, list[str]]]) -> tuple[dict, dict]:
                """One FETCH per request (message, items) on each server:
                (message name, item) -> (status of its FETCH, value)."""

                def run(conn: Connection, uid_of: Callable) -> dict:
                    values, statuses = self.run_fetches(conn, folder, [
                        b"UID FETCH %d (%s)" % (uid_of(m), " ".join(items).encode())
                        for m, items in requests])
                    out = {}
                    for (message, items), status in zip(requests, statuses):
                        for item in items:
                            name = canonical_name(item)
                            value = values.get(uid_of(message), {}).get(name)
                            out[(message.name, name)] = (
                                status, value[0] if value and status == "OK" else None)
                    return out

                return run_on_both(lambda: run(dovecot, lambda m: m.dovecot_uid),
                                   lambda: run(vellum, lambda m: m.vellum_uid), FOLDER_TIMEOUT)

            # All of a message's items in one FETCH; where either server
            # fails one, one FETCH per item: Dovecot fails a whole FETCH for
            # one part it cannot decode, and drops the connection on some.
            theirs, ours = ask([(m, chunk) for m, items in wanted for chunk in chunked(items)])
            failed = {name for (name, _), (status, _) in [*theirs.items(), *ours.items()]
                      if status != "OK"}
            if failed:
                their_single, our_single = ask([(m, [item]) for m, items in wanted
                                                if m.name in failed for item in items])
                theirs.update(their_single)
                ours.update(our_single)
            for message, items in wanted:
                tally.messages.add(message.name)
                for item in items:
                    name = canonical_name(item)
                    mine, other = ours[(message.name, name)], theirs[(message.name, name)]
                    if mine == other:
                        tally.record(item_kind(name))
                    else:
                        tally.record(item_kind(name), [(
                            message.name, name, f"{mine[0]} {shorten(mine[1], 120)}",
                            f"{other[0]} {shorten(other[1], 120)}")])
        print(f"BINARY: {left_out} leaf parts after the first {BINARY_PARTS} of a message "
              f"not compared", file=sys.stderr)
        tally.finish(self, "BINARY", started, "binary")

    # -- SEARCH, SORT, THREAD --

    def test_search_sort_and_thread_match_dovecot(self) -> None:
        started = time.monotonic()
        tally = Tally(self.known, is_query)
        dovecot, vellum = self.connections()
        queries = ([("SEARCH " + q, search_command(q)) for q in SEARCHES] +
                   [(f"SORT ({c})", sort_command(c)) for c in SORTS] +
                   [("THREAD " + a, thread_command(a)) for a in THREADS])
        for folder in self.folders:
            messages = self.compared_messages(folder)
            if any(m.dovecot_uid != m.vellum_uid for m in messages):
                raise h.HarnessError(f"{folder.name}: the servers numbered the messages "
                                     f"differently; UID sets would name other messages")
            tally.messages.update(m.name for m in messages)
            tally.messages.add(folder.name)
            by_uid = {m.vellum_uid: m.name for m in messages}
            setup = [b"EXAMINE " + quote(folder.name)]

            def ask(conn: Connection) -> list[tuple[list[bytes], Optional[bytes]]]:
                # One at a time: Dovecot runs pipelined SEARCHes in parallel,
                # and an untagged SEARCH names no command.
                conn.run(setup)
                return [conn.exchange_surviving([command], setup)[0] for _, command in queries]

            theirs, ours = run_on_both(lambda: ask(dovecot), lambda: ask(vellum),
                                       FOLDER_TIMEOUT)
            for (query, _), (their_lines, their_tagged), (our_lines, our_tagged) in zip(
                    queries, theirs, ours):
                kind = query.split(" ")[0]
                their_result, our_result = status_of(their_tagged), status_of(our_tagged)
                if their_result != "OK" or our_result != "OK":
                    tally.record(kind, [] if their_result == our_result else
                                 [(folder.name, query, our_result, their_result)])
                    continue
                tally.record(kind, [(message, query, mine, other)
                                    for message, mine, other in self.compare_answer(
                                        kind, their_lines, our_lines, by_uid)])
        tally.finish(self, "SEARCH, SORT and THREAD", started, "queries")

    @staticmethod
    def compare_answer(kind: str, theirs: list[bytes], ours: list[bytes],
                       by_uid: dict[int, str]) -> list[tuple[str, str, str]]:
        """(message, where vellumd puts it, where Dovecot does) for each
        message the two answers place differently: in one SEARCH answer
        only, out of place in SORT, under another parent or out of order
        among its siblings in THREAD."""

        def name(uid: int) -> str:
            return by_uid.get(uid, f"UID {uid} (no such message)")

        def answer(lines: list[bytes]):
            for line in lines:
                if kind == "THREAD" and (line == b"* THREAD" or line.startswith(b"* THREAD ")):
                    return parse_thread(line)
                numbers = numbers_after(line, kind.encode())
                if numbers is not None:
                    return [name(uid) for uid in numbers]
            raise h.HarnessError(f"no {kind} response in {lines[:3]!r}")

        their_answer, our_answer = answer(theirs), answer(ours)
        if kind == "SEARCH":
            return [(m, "found" if m in our_answer else "not found",
                     "found" if m in their_answer else "not found")
                    for m in sorted(set(their_answer) ^ set(our_answer))]
        if kind == "SORT":
            def place(answer: list[str], message: str) -> str:
                return (f"place {answer.index(message) + 1} of {len(answer)}"
                        if message in answer else "missing")

            moved = set(out_of_place(their_answer, our_answer)) | (
                set(our_answer) - set(their_answer))
            return [(m, place(our_answer, m), place(their_answer, m)) for m in sorted(moved)]
        moved = thread_differences(their_answer, our_answer, lambda uid, _mine: name(uid))
        return [(m, "another parent or sibling order", "") for m in sorted(moved)]

if __name__ == "__main__":
    unittest.main()
