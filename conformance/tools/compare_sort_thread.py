#!/usr/bin/env python3
"""Compares Vellum's SORT and THREAD (RFC 5256) with Dovecot's on the Enron
mailboxes of one person.

    compare_sort_thread.py --dump build-sort/bin/sort_thread_dump [--person allen-p]
    compare_sort_thread.py --dump ... --rest-of-corpus   # every non-Enron message
    compare_sort_thread.py --dump ... --mbox FILE...

APPENDs every message of ../shared/corpus/enron/enron.<person>.*.mbox (split
at "From " lines; or the rest of the corpus, or the given mbox files) to one
Dovecot folder, each with its own INTERNALDATE, and
runs ``SORT (...) UTF-8 ALL`` for several criteria and ``THREAD
REFERENCES|ORDEREDSUBJECT UTF-8 ALL``. ``sort_thread_dump`` (tests/protocol)
answers the same queries over the same messages; the script prints, per
query, whether the answers agree and, where they do not, the first
differences with the messages' Subject, From, To, Cc and Date.

Runs Dovecot (dovecot_harness.py). Development tool, stdlib only.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import dovecot_harness  # noqa: E402
from dovecot_oracle import out_of_place  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
BASE_INTERNALDATE = 946684800  # 1 Jan 2000 00:00:00 UTC; message i arrives i minutes later
SORT_PROGRAMS = [
    "ARRIVAL", "DATE", "SIZE", "SUBJECT", "FROM", "TO", "CC",
    "REVERSE DATE", "SUBJECT DATE", "REVERSE SUBJECT", "FROM REVERSE SIZE",
    "DISPLAYFROM", "DISPLAYTO",
]
THREAD_ALGORITHMS = ["ORDEREDSUBJECT", "REFERENCES"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def internal_date_text(seconds: int) -> str:
    moment = time.gmtime(seconds)
    return (f'"{moment.tm_mday:02d}-{MONTHS[moment.tm_mon - 1]}-{moment.tm_year} '
            f'{moment.tm_hour:02d}:{moment.tm_min:02d}:{moment.tm_sec:02d} +0000"')


def person_messages(corpus: Path, person: str) -> list[bytes]:
    out = []
    for path in sorted((corpus / "enron").glob(f"enron.{person}.*.mbox")):
        out += dovecot_harness.split_mbox(path.read_bytes())
    return out


def chosen_messages(args) -> list[bytes]:
    if args.mbox:
        return [m for path in args.mbox for m in dovecot_harness.split_mbox(Path(path).read_bytes())]
    if args.rest_of_corpus:
        return [m for _, m in dovecot_harness.corpus_messages(Path(args.corpus),
                                                              skip_sources=["enron"])]
    return person_messages(Path(args.corpus), args.person)


def queries() -> list[str]:
    return ([f"SORT {program}" for program in SORT_PROGRAMS] +
            [f"THREAD {algorithm}" for algorithm in THREAD_ALGORITHMS])


def imap_command(query: str) -> bytes:
    kind, rest = query.split(" ", 1)
    if kind == "SORT":
        return f"SORT ({rest}) UTF-8 ALL".encode()
    return f"THREAD {rest} UTF-8 ALL".encode()


def ask_dovecot(messages: list[bytes]) -> tuple[list[int], dict[str, str]]:
    """APPENDs the messages; returns the indexes Dovecot stored, in
    mailbox order, and each query's untagged answer."""
    answers = {}
    stored = []
    with dovecot_harness.DovecotServer(extra_config="mail_fsync = never\n") as dovecot:
        dovecot.command(b"CREATE sorted")
        for index, message in enumerate(messages):
            date = internal_date_text(BASE_INTERNALDATE + 60 * index)
            try:
                dovecot.command(f"APPEND sorted {date}".encode(), message)
                stored.append(index)
            except dovecot_harness.ImapError:
                pass
        dovecot.command(b"SELECT sorted")
        for query in queries():
            untagged = dovecot.command(imap_command(query))
            kind = query.split(" ", 1)[0]
            lines = [line.decode("latin-1") for line in untagged
                     if line.startswith(f"* {kind}".encode())]
            answers[query] = lines[0][2:] if lines else ""
    return stored, answers


def ask_vellum(dump: str, messages: list[bytes], stored: list[int]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        listing = []
        for index in stored:
            path = Path(tmp) / f"{index}.eml"
            path.write_bytes(messages[index])
            listing.append(f"{BASE_INTERNALDATE + 60 * index} {path}")
        result = subprocess.run([dump] + queries(), input="\n".join(listing).encode(),
                                capture_output=True, check=True)
    lines = result.stdout.decode("latin-1").splitlines()
    return dict(zip(queries(), lines))


def parse_thread(data: str) -> dict[int, str]:
    """Message number -> its parent as a label: "top", a number, or
    "dummy<smallest child>" for a parent that is not there. Iterative, so
    deep threads do not hit Python's recursion limit."""
    parent: dict[int, object] = {}
    dummy_children: dict[int, list[int]] = {}
    stack: list[list] = []  # per open list: [tail node, numbers seen]
    dummies = 0
    i = 0
    text = data[len("THREAD"):]
    while i < len(text):
        c = text[i]
        if c == "(":
            if stack and not stack[-1][1]:
                # A list that starts with a nested list: its parent is missing.
                dummies += 1
                node = ("dummy", dummies)
                parent[node] = stack[-1][0]
                stack[-1] = [node, True]
            stack.append([stack[-1][0] if stack else None, False])
            i += 1
        elif c == ")":
            stack.pop()
            i += 1
        elif c.isdigit():
            j = i
            while j < len(text) and text[j].isdigit():
                j += 1
            number = int(text[i:j])
            parent[number] = stack[-1][0]
            if isinstance(stack[-1][0], tuple):
                dummy_children.setdefault(stack[-1][0][1], []).append(number)
            stack[-1] = [number, True]
            i = j
        else:
            i += 1
    labels = {}
    for node, up in parent.items():
        if isinstance(node, tuple):
            continue
        if up is None:
            labels[node] = "top"
        elif isinstance(up, tuple):
            labels[node] = f"dummy<{min(dummy_children[up[1]])}>"
        else:
            labels[node] = str(up)
    return labels


def describe(message: bytes) -> str:
    header = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(message)
    parts = []
    for name in ("Subject", "From", "To", "Cc", "Date", "Message-ID", "In-Reply-To",
                 "References"):
        value = header.get(name)
        if value is not None:
            parts.append(f"{name}: {' '.join(str(value).split())[:90]}")
    return "; ".join(parts)


def compare_sort(query: str, theirs: str, ours: str, by_number, examples: int) -> None:
    their_numbers = [int(n) for n in theirs.split()[1:]]
    our_numbers = [int(n) for n in ours.split()[1:]]
    moved = out_of_place(their_numbers, our_numbers)
    our_place = {n: i for i, n in enumerate(our_numbers)}
    print(f"{query}: DIFFERENT ({len(moved)} of {len(their_numbers)} messages out of place; "
          f"{len(our_numbers)} numbers from Vellum)")
    for number in moved[:examples]:
        print(f"  message {number}: Dovecot place {their_numbers.index(number) + 1}, "
              f"Vellum place {our_place.get(number, -1) + 1}")
        print(f"    {describe(by_number(number))}")


def compare_thread(query: str, theirs: str, ours: str, by_number, examples: int) -> None:
    their_parents = parse_thread(theirs)
    our_parents = parse_thread(ours)
    differing = sorted(n for n in their_parents if our_parents.get(n) != their_parents[n])
    missing = set(our_parents) ^ set(their_parents)
    print(f"{query}: DIFFERENT ({len(differing)} of {len(their_parents)} messages have "
          f"another parent; {len(missing)} messages in only one answer)")
    if not differing:
        print("  (same tree, different order of siblings or threads)")
    for number in differing[:examples]:
        print(f"  message {number}: Dovecot parent {their_parents[number]}, "
              f"Vellum parent {our_parents.get(number)}")
        print(f"    {number}: {describe(by_number(number))}")
        for label in {their_parents[number], our_parents.get(number)}:
            if label and label.isdigit():
                print(f"    {label}: {describe(by_number(int(label)))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", required=True, help="path to sort_thread_dump")
    parser.add_argument("--person", default="allen-p", help="an Enron mailbox owner")
    parser.add_argument("--rest-of-corpus", action="store_true",
                        help="every message of the corpus but Enron's, instead")
    parser.add_argument("--mbox", nargs="+", help="these mbox files, instead")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()

    messages = chosen_messages(args)
    started = time.monotonic()
    stored, theirs = ask_dovecot(messages)
    print(f"{len(stored)} of {len(messages)} messages stored by Dovecot "
          f"({time.monotonic() - started:.0f} s)")
    started = time.monotonic()
    ours = ask_vellum(args.dump, messages, stored)
    print(f"sort_thread_dump answered {len(ours)} queries in {time.monotonic() - started:.1f} s")

    def by_number(sequence: int) -> bytes:
        return messages[stored[sequence - 1]]

    agreeing = 0
    for query in queries():
        if theirs[query] == ours.get(query):
            print(f"{query}: same")
            agreeing += 1
        elif query.startswith("SORT"):
            compare_sort(query, theirs[query], ours.get(query, ""), by_number, args.examples)
        else:
            compare_thread(query, theirs[query], ours.get(query, ""), by_number, args.examples)
    print(f"{agreeing} of {len(queries())} queries give the same answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
