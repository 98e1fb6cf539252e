#!/usr/bin/env python3
"""The benchmarks' archives, as Maildir folders and mbox files.

The corpus's messages (.eml files whole, .mbox files split at their "From "
lines, byte-identical duplicates and empty messages left out) are the
"corpus" archive. The scaled archive repeats them until it holds COUNT
messages: the first round unchanged, each later round with a Message-ID of
its own, so that every message is distinct (neither server merges copies)
and searches find about COUNT/corpus times as much.

    scale_corpus.py --count 100000 --maildir OUT/.Scaled
    scale_corpus.py --count 100000 --mbox OUT/scaled.mbox

Maildir files are named so that both servers keep this order: Dovecot sorts
new files by the time stamp at the front of the name, `vellum import` by the
whole name; fixed-width numbers make both the same. The names carry S= (the
file's size) and W= (its size with CRLF line ends), as Dovecot's own
delivery writes them, so that Dovecot need not read a message to learn its
RFC822.SIZE.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
# The conformance tests split the corpus's mboxes the same way.
sys.path.insert(0, str(ROOT / "conformance"))
from dovecot_harness import split_mbox  # noqa: E402
MESSAGE_ID = re.compile(rb"^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)


def corpus_messages(corpus: Path = CORPUS) -> list[bytes]:
    """Every distinct, non-empty message of the corpus, in path order (an
    mbox split at its "From " lines, quoted ">From " lines kept as found)."""
    seen, out = set(), []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.suffix not in (".eml", ".mbox"):
            continue
        data = path.read_bytes()
        for message in (split_mbox(data) if path.suffix == ".mbox" else [data]):
            digest = hashlib.sha256(message).digest()
            if message.strip() and digest not in seen:
                seen.add(digest)
                out.append(message)
    return out


def with_message_id(message: bytes, copy: int, index: int) -> bytes:
    """The message with Message-ID <copy.original> (or a new one at the top)."""
    end_of_header = message.find(b"\n\n")
    header = message if end_of_header < 0 else message[:end_of_header + 1]
    newline = b"\r\n" if b"\r\n" in header[:200] else b"\n"
    match = MESSAGE_ID.search(header)
    if match:
        original = match.group(0).split(b":", 1)[1].strip().strip(b"<>")[:200]
        field = b"Message-ID: <%d.%s>" % (copy, re.sub(rb"\s+", b"", original)) + newline
        return message[:match.start()] + field + message[match.end():]
    return b"Message-ID: <%d.%d@scaled.invalid>" % (copy, index) + newline + message


def scaled(messages: list[bytes], count: int) -> Iterator[bytes]:
    """`count` messages: the corpus, then copies with Message-IDs of their own."""
    for n in range(count):
        copy, index = divmod(n, len(messages))
        yield messages[index] if copy == 0 else with_message_id(messages[index], copy, index)


def crlf_size(message: bytes) -> int:
    """The size as IMAP sends it: each LF not after a CR becomes CRLF."""
    return len(message) + message.count(b"\n") - message.count(b"\r\n")


def maildir_name(n: int, message: bytes) -> str:
    return f"{1_000_000_000 + n}.M{n:06d}P1.bench,S={len(message)},W={crlf_size(message)}:2,"


def write_maildir(folder: Path, messages: Iterable[bytes]) -> int:
    """Writes a Maildir folder (cur/, new/, tmp/); returns how many messages."""
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    count = 0
    for n, message in enumerate(messages):
        (folder / "cur" / maildir_name(n, message)).write_bytes(message)
        count += 1
    return count


def write_mbox(path: Path, messages: Iterable[bytes]) -> int:
    """Writes an mboxrd file ("From " lines in bodies quoted with '>')."""
    quote = re.compile(rb"^(>*From )", re.MULTILINE)
    count = 0
    with path.open("wb") as out:
        for message in messages:
            out.write(b"From bench@scaled.invalid Thu Jan  1 00:00:00 2004\n")
            body = quote.sub(rb">\1", message)
            out.write(body if body.endswith(b"\n") else body + b"\n")
            out.write(b"\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--maildir", type=Path)
    target.add_argument("--mbox", type=Path)
    options = parser.parse_args()
    messages = scaled(corpus_messages(options.corpus), options.count)
    written = (write_maildir(options.maildir, messages) if options.maildir
               else write_mbox(options.mbox, messages))
    print(f"{written} messages")


if __name__ == "__main__":
    main()
