#!/usr/bin/env python3
"""COMPRESS=DEFLATE benchmark (RFC 4978). A benchmark, not a test: it prints
figures and asserts nothing.

    tools/bench/compress_bench.py settings   # bytes and CPU per zlib setting
    tools/bench/compress_bench.py memory [--connections N] [--bin-dir build/bin]

`settings` compresses IMAP answers built from the shared corpus (Enron
mailboxes and the .eml sources) the way vellumd does: raw DEFLATE, one
Z_SYNC_FLUSH per burst of answers. Two traffic shapes: a message list
(header fetches, 50 messages per answer) and reading (one BODY[] per
answer). "fresh" is the same with a new compressor for every burst, which
is what freeing an idle connection's compressor costs.

`memory` starts vellumd (through conformance/vellum_harness.py), opens N
logged-in TLS connections, and reports vellumd's resident memory per
connection: uncompressed, under COMPRESS right after answers, and after
the idle compressor has been freed.
"""

import argparse
import glob
import os
import re
import sys
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")

# (level, window bits, memLevel); vellumd uses the first.
SETTINGS = [(1, 15, 6), (1, 15, 8), (1, 13, 6), (1, 12, 5), (3, 15, 6), (6, 15, 8)]


def corpus_messages():
    messages = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "enron", "*.mbox")))[:40]:
        with open(path, "rb") as f:
            data = f.read()
        messages += [re.sub(rb"\r?\n", b"\r\n", m) for m in re.split(rb"(?m)^From .*\n", data)
                     if m.strip()]
    for path in sorted(glob.glob(os.path.join(CORPUS, "*", "eml", "*.eml")))[:800]:
        with open(path, "rb") as f:
            messages.append(f.read())
    return messages


def traffic(messages):
    listing, burst = [], []
    for number, message in enumerate(messages, start=1):
        header = message.split(b"\r\n\r\n", 1)[0][:1500]
        burst.append(b"* %d FETCH (UID %d RFC822.SIZE %d FLAGS (\\Seen) BODY[HEADER.FIELDS "
                     b"(FROM TO CC SUBJECT DATE MESSAGE-ID)] {%d}\r\n%s)\r\n"
                     % (number, number, len(message), len(header), header))
        if len(burst) == 50:
            listing.append(burst + [b"h OK UID FETCH completed\r\n"])
            burst = []
    reading = [[b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (n, n, len(m)), m, b")\r\n",
                b"b OK UID FETCH completed\r\n"] for n, m in enumerate(messages, start=1)]
    return [("message list", listing), ("reading", reading)]


def run(bursts, level, window_bits, mem_level, fresh):
    def compressor():
        return zlib.compressobj(level, zlib.DEFLATED, -window_bits, mem_level)
    plain = sent = 0
    started = time.process_time()
    stream = compressor()
    for burst in bursts:
        for piece in burst:
            plain += len(piece)
            sent += len(stream.compress(piece))
        sent += len(stream.flush(zlib.Z_SYNC_FLUSH))
        if fresh:
            stream = compressor()
    return sent / plain, time.process_time() - started, plain


def settings(_args):
    messages = corpus_messages()
    print(f"{len(messages)} messages from {CORPUS}")
    print(f"{'traffic':13} {'level':>5} {'wbits':>5} {'memLevel':>8} {'zlib KiB':>8} "
          f"{'sent/plain':>10} {'fresh':>6} {'CPU s':>6} {'MB/s':>6}")
    for name, bursts in traffic(messages):
        for level, window_bits, mem_level in SETTINGS:
            ratio, cpu, plain = run(bursts, level, window_bits, mem_level, False)
            fresh, _, _ = run(bursts, level, window_bits, mem_level, True)
            memory = ((1 << (window_bits + 2)) + (1 << (mem_level + 9))) // 1024
            print(f"{name:13} {level:>5} {window_bits:>5} {mem_level:>8} {memory:>8} "
                  f"{ratio:>10.3f} {fresh:>6.3f} {cpu:>6.2f} {plain / cpu / 1e6:>6.0f}")


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    raise SystemExit("no RssAnon in /proc")


def memory(args):
    sys.path.insert(0, os.path.join(ROOT, "conformance"))
    os.environ["VELLUM_BIN_DIR"] = os.path.abspath(args.bin_dir)
    import vellum_harness as h

    data = h.TestData()
    server = h.Server(data).start()
    try:
        pid = server.process.pid
        count = args.connections
        time.sleep(0.5)
        before = resident_kib(pid)
        conns = []
        for i in range(count):
            conn = h.connect_tls(server, f"c{i}")
            conn.command("L", f"LOGIN {h.quote(h.JD_LOGIN)} {h.quote(h.JD_PASSWORD)}")
            conn.command("A", 'LIST "" "*"')
            conn.command("B", "SELECT INBOX")
            conns.append(conn)
        time.sleep(0.5)
        plain = resident_kib(pid)
        for conn in conns:
            h.start_compression(conn)
            conn.command("N", "NOOP")
            conn.command("A", 'LIST "" "*"')
        time.sleep(0.5)
        active = resident_kib(pid)
        time.sleep(11)  # past the 10 s after which vellumd frees an idle compressor
        idle = resident_kib(pid)
        print(f"vellumd anonymous resident memory, {count} TLS connections, logged in, INBOX selected")
        print(f"  per connection, uncompressed:                       {(plain - before) / count:6.1f} KiB")
        print(f"  more per connection under COMPRESS, just answered:  {(active - plain) / count:6.1f} KiB")
        print(f"  more per connection under COMPRESS, idle for 11 s:  {(idle - plain) / count:6.1f} KiB")
        for conn in conns:
            conn.close()
    finally:
        server.stop()
        data.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("settings")
    measured = commands.add_parser("memory")
    measured.add_argument("--connections", type=int, default=300)
    measured.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    args = parser.parse_args()
    {"settings": settings, "memory": memory}[args.command](args)


if __name__ == "__main__":
    main()
