#!/usr/bin/env python3
"""Scaled corpus: the shared corpus repeated until it holds N distinct
messages, as one Maildir (default) or one mboxrd file, for benchmarks that
need a large folder (SEARCH latency at 100,000 messages, issues 4 and 5).

    tools/bench/scaled_corpus.py OUT [--messages 100000] [--format maildir|mbox]

The first copy is the corpus as `vellum import` reads it (mbox files split
and unquoted as store/mbox_reader.h does, .eml files as they are). Every later
copy k changes each message's Message-ID only: an existing one becomes
<vellum-copyK.ORIGINAL>, a missing one is added as the first header line
(after a UTF-8 byte-order mark, with the message's own line end). Everything
else, In-Reply-To and References included, stays byte for byte, so each copy
is a new set of distinct messages with the corpus's text, sizes and
structure. Messages whose bytes repeat one already written are left out, so
N messages written are N distinct contents.

The output is deterministic: the same N and format give the same bytes.
Maildir names carry S= (the file's size) and W= (its size with CRLF line
ends), as Dovecot's own delivery writes them, so that Dovecot, which
tools/dev bench gives the same files, need not read a message to learn its
RFC822.SIZE; both Dovecot (by the time stamp in front) and `vellum import`
(by the whole name) keep the messages in the order written.
"""

import argparse
import glob
import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")

BOM = b"\xef\xbb\xbf"
FROM_QUOTED = re.compile(rb"^>+From ")
MESSAGE_ID = re.compile(rb"message-id[ \t]*:", re.IGNORECASE)


def split_lines(data):
    """Lines with their ends (LF, CRLF or a lone CR)."""
    return re.findall(rb"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$", data)


def mbox_messages(data):
    """As store/mbox_reader.h: a message starts at each line beginning with
    "From "; its "From " line and the blank line before the next one go,
    and one '>' goes from every line that starts with >From, >>From, ..."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    messages, current = [], None
    for line in split_lines(data):
        if line.startswith(b"From "):
            if current is not None:
                messages.append(current)
            current = []
            continue
        if current is None:
            continue
        current.append(line[1:] if FROM_QUOTED.match(line) else line)
    if current is not None:
        messages.append(current)
    out = []
    for lines in messages:
        if lines and lines[-1] in (b"\n", b"\r\n", b"\r"):
            lines = lines[:-1]  # the separator's blank line
        out.append(b"".join(lines))
    return out


def corpus_messages():
    paths = sorted(glob.glob(os.path.join(CORPUS, "**", "*.eml"), recursive=True) +
                   glob.glob(os.path.join(CORPUS, "**", "*.mbox"), recursive=True))
    for path in paths:
        with open(path, "rb") as file:
            data = file.read()
        if data.startswith(b"From ") or data.startswith(BOM + b"From "):
            yield from mbox_messages(data)
        else:
            yield data


def line_end(message):
    match = re.search(rb"\r\n|\n|\r", message)
    return match.group(0) if match else b"\r\n"


def with_message_id(message, copy):
    """The message with its Message-ID made unique to `copy` (see above)."""
    start = len(BOM) if message.startswith(BOM) else 0
    lines = split_lines(message[start:])
    for i, line in enumerate(lines):
        if line.strip(b"\r\n") == b"":
            break  # end of the header
        match = MESSAGE_ID.match(line)
        if not match:
            continue
        # The value runs on over folded continuation lines.
        end = i + 1
        while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
            end += 1
        value = b"".join(lines[i:end])[match.end():]
        body = value.rstrip(b"\r\n")
        stripped = body.strip().strip(b"<>")
        new_value = b" <vellum-copy%d.%s>" % (copy, stripped)
        new_line = line[:match.end()] + new_value + value[len(body):]
        return message[:start] + b"".join(lines[:i]) + new_line + b"".join(lines[end:])
    digest = hashlib.sha256(message).hexdigest()[:24]
    added = b"Message-ID: <vellum-copy%d.%s@scaled.invalid>" % (copy, digest.encode())
    return message[:start] + added + line_end(message) + message[start:]


def distinct_corpus_messages():
    """The corpus's messages, each distinct content once, in path order."""
    originals = []
    seen = set()
    for message in corpus_messages():
        digest = hashlib.sha256(message).digest()
        if digest not in seen:
            seen.add(digest)
            originals.append(message)
    return originals


def scaled_messages(count):
    originals = distinct_corpus_messages()
    written = set()
    copy = 0
    produced = 0
    while produced < count:
        for message in originals:
            scaled = message if copy == 0 else with_message_id(message, copy)
            digest = hashlib.sha256(scaled).digest()
            if digest in written:
                continue
            written.add(digest)
            yield scaled
            produced += 1
            if produced == count:
                return
        copy += 1


def crlf_size(message):
    """The size as IMAP sends it: each LF not after a CR becomes CRLF."""
    return len(message) + message.count(b"\n") - message.count(b"\r\n")


def write_maildir(out, messages):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    count = 0
    for count, message in enumerate(messages, 1):
        # The readers sort by name: fixed-width numbers keep the order.
        name = os.path.join(out, "cur", f"{1_000_000_000 + count}.M{count}.scaled,"
                                        f"S={len(message)},W={crlf_size(message)}:2,S")
        with open(name, "wb") as file:
            file.write(message)
    return count


def write_mbox(out, messages):
    count = 0
    with open(out, "wb") as file:
        for count, message in enumerate(messages, 1):
            file.write(b"From scaled@vellum.invalid Mon Jan  1 00:00:00 2001\n")
            for line in split_lines(message):
                file.write(b">" + line if line.startswith(b"From ") or FROM_QUOTED.match(line)
                           else line)
            if not message.endswith((b"\n", b"\r")):
                file.write(b"\n")
            file.write(b"\n")
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the Maildir (or mbox file) to write; must not exist")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--format", choices=("maildir", "mbox"), default="maildir")
    options = parser.parse_args()
    if os.path.exists(options.out):
        sys.exit(f"{options.out} exists already")
    messages = scaled_messages(options.messages)
    writer = write_maildir if options.format == "maildir" else write_mbox
    count = writer(options.out, messages)
    print(f"wrote {count} messages to {options.out}")


if __name__ == "__main__":
    main()
