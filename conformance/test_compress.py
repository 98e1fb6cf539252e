"""COMPRESS=DEFLATE (RFC 4978): after the tagged OK both directions are raw
DEFLATE, over implicit TLS and over STARTTLS alike; LIST, SELECT and FETCH
of imported messages come back byte for byte through Python's zlib; a
second COMPRESS is refused with NO [COMPRESSIONACTIVE]; bytes the client
pipelined after the command are read as compressed data; a corrupt stream
ends the connection."""

import base64
import random
import re
import time
import unittest

import vellum_harness as h
from test_corpus_fetch import CORPUS, normalize


def thread_message(number: int) -> bytes:
    """Business mail quoting the message before it, as a thread does."""
    quoted = "".join(f"> Item {i}: the figures for region {i % 7} are attached.\r\n"
                     for i in range(number % 9 + 3))
    return (f"From: Jon Doe <jon.doe@jdcorp.example>\r\n"
            f"To: Mary Major <mary.major@jdcorp.example>\r\n"
            f"Subject: Re: quarterly figures, part {number}\r\n"
            f"Date: Mon, {number % 28 + 1} Jan 2024 10:{number % 60:02d}:00 +0000\r\n"
            f"Message-ID: <thread-{number}@jdcorp.example>\r\n\r\n"
            f"Mary,\r\n\r\nsee my notes below ({number}).\r\n\r\n{quoted}\r\nJon\r\n").encode()


def large_message(seed: int) -> bytes:
    """About 3 MB: text that compresses well, then a base64 attachment of
    random bytes that hardly compresses."""
    rng = random.Random(seed)
    words = ["gas", "power", "contract", "trading", "desk", "Houston", "price", "volume",
             "schedule", "pipeline", "forward", "curve", "risk", "report", "weekly"]
    lines = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(25_000)]
    attachment = base64.encodebytes(rng.randbytes(1_000_000)).replace(b"\n", b"\r\n")
    return (f"From: desk@jdcorp.example\r\nSubject: positions {seed}\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b{seed}\r\n\r\n"
            f"--b{seed}\r\nContent-Type: text/plain\r\n\r\n").encode() + \
        "\r\n".join(lines).encode() + \
        (f"\r\n--b{seed}\r\nContent-Type: application/octet-stream\r\n"
         f"Content-Transfer-Encoding: base64\r\n\r\n").encode() + attachment + \
        f"--b{seed}--\r\n".encode()


INBOX = [thread_message(n) for n in range(1, 41)]
LARGE = [large_message(seed) for seed in (1, 2, 3)]
LITERAL_RE = re.compile(r"BODY\[\] \{(\d+)\}")


def corpus_messages() -> list:
    source = CORPUS / "python-stdlib" / "eml"
    if not source.is_dir():
        return []
    return [p.read_bytes() for p in sorted(source.iterdir()) if p.is_file()][:12]


def fetch_bodies(conn: h.ImapConnection, tag: str, uids: str,
                 read_delay: float = 0.0) -> dict:
    """UID FETCH uids (BODY.PEEK[]) -> {uid: bytes}; waits `read_delay`
    seconds before reading, so a large answer backs up in the server."""
    conn.send_line(f"{tag} UID FETCH {uids} (BODY.PEEK[])")
    time.sleep(read_delay)
    untagged, status = conn.read_until_tagged(tag, timeout=60)
    if status.status != "OK":
        raise AssertionError(f"FETCH: {status.line}" + conn.describe())
    bodies = {}
    for line in untagged:
        uid = re.search(r"UID (\d+)", line)
        literal = LITERAL_RE.search(line)
        if uid is None or literal is None:
            raise AssertionError(f"unexpected FETCH response {line[:200]!r}" + conn.describe())
        start = literal.end()
        bodies[int(uid.group(1))] = line[start:start + int(literal.group(1))].encode("latin-1")
    return bodies


class Compress(h.ArchiveServerTestCase):
    @classmethod
    def populate(cls) -> None:
        cls.corpus = corpus_messages()
        cls.import_files(h.JD_LOGIN, {f"{i:03}.eml": m for i, m in enumerate(INBOX)})
        cls.import_files(h.JD_LOGIN, {f"{i:03}.eml": m for i, m in enumerate(LARGE)},
                         "--folder", "Large")
        cls.import_files(h.JD_LOGIN, {"first.eml": thread_message(999)}, "--folder", "Watched")
        if cls.corpus:
            cls.import_files(h.JD_LOGIN, {f"{i:03}.eml": m for i, m in enumerate(cls.corpus)},
                             "--folder", "Corpus")

    def connect(self, how: str = "tls") -> h.ImapConnection:
        if how == "tls":
            conn = h.connect_tls(self.server, "tls-compress")
        else:
            conn = h.connect_starttls(self.server, "starttls-compress")
        self.addCleanup(conn.close)
        _, status = conn.command("L", f"LOGIN {h.quote(h.JD_LOGIN)} {h.quote(h.JD_PASSWORD)}")
        self.assertEqual(status.status, "OK", conn.describe())
        return conn

    def expect(self, conn: h.ImapConnection, tag: str, command: str, status: str,
               code: str = None) -> list:
        untagged, tagged = conn.command(tag, command)
        self.assertEqual(tagged.status, status, f"{command}: {tagged.line}" + conn.describe())
        if code is not None:
            self.assertEqual(tagged.code_atom, code, tagged.line + conn.describe())
        return untagged

    def check_archive(self, conn: h.ImapConnection) -> None:
        """LIST, SELECT and FETCH over the compressed connection."""
        listed = self.expect(conn, "a", 'LIST "" "*"', "OK")
        names = {line.rsplit(" ", 1)[-1].strip('"') for line in listed}
        self.assertLessEqual({"INBOX", "Large"} | ({"Corpus"} if self.corpus else set()), names,
                             listed)
        untagged = self.expect(conn, "b", "SELECT INBOX", "OK")
        self.assertIn(f"* {len(INBOX)} EXISTS", untagged)
        bodies = fetch_bodies(conn, "c", "1:*")
        self.assertEqual(bodies, {i + 1: m for i, m in enumerate(INBOX)})
        if self.corpus:
            self.expect(conn, "d", "EXAMINE Corpus", "OK")
            bodies = fetch_bodies(conn, "e", "1:*")
            self.assertEqual(bodies, {i + 1: normalize(m) for i, m in enumerate(self.corpus)})

    def test_offered_once_logged_in(self) -> None:
        conn = h.connect_tls(self.server, "tls-capability")
        self.addCleanup(conn.close)
        self.assertNotIn("COMPRESS=DEFLATE", conn.greeting.upper())
        self.expect(conn, "a", "COMPRESS DEFLATE", "BAD")
        _, status = conn.command("b", f"LOGIN {h.quote(h.JD_LOGIN)} {h.quote(h.JD_PASSWORD)}")
        self.assertIn("COMPRESS=DEFLATE", status.code.upper().split())
        untagged = self.expect(conn, "c", "CAPABILITY", "OK")
        self.assertIn("COMPRESS=DEFLATE", h.capabilities_of(untagged[0][2:]))

    def test_over_implicit_tls(self) -> None:
        conn = self.connect("tls")
        deflate = h.start_compression(conn)
        self.check_archive(conn)
        # The server compressed what it sent: mostly IMAP and mail text.
        self.assertLess(deflate.wire_received, deflate.plain_received / 2)
        self.expect(conn, "f", "COMPRESS DEFLATE", "NO", "COMPRESSIONACTIVE")
        self.expect(conn, "g", "NOOP", "OK")
        untagged = self.expect(conn, "h", "LOGOUT", "OK")
        self.assertTrue(untagged and untagged[0].startswith("* BYE"), untagged)
        conn.expect_eof()
        self.assertTrue(self.server.wait_for_log(r"COMPRESS=DEFLATE active"),
                        self.server.log_text(last=20))

    def test_over_starttls(self) -> None:
        conn = self.connect("starttls")
        h.start_compression(conn)
        self.check_archive(conn)
        self.expect(conn, "f", "COMPRESS DEFLATE", "NO", "COMPRESSIONACTIVE")
        self.expect(conn, "g", "LOGOUT", "OK")

    def test_large_fetch_read_late(self) -> None:
        # About 9 MB of answers, not read for a second: the server's output
        # queue fills past its high watermark and resumes as the client reads.
        conn = self.connect()
        deflate = h.start_compression(conn)
        self.expect(conn, "a", "EXAMINE Large", "OK")
        bodies = fetch_bodies(conn, "b", "1:*", read_delay=1.0)
        self.assertEqual(sorted(bodies), [1, 2, 3])
        for uid, message in enumerate(LARGE, start=1):
            self.assertEqual(bodies[uid], message, f"UID {uid}")
        self.assertLess(deflate.wire_received, deflate.plain_received * 0.7)
        self.expect(conn, "c", "NOOP", "OK")

    def test_command_pipelined_after_compress(self) -> None:
        # The client sends its next command, compressed, in the same packet
        # as COMPRESS; the server decompresses it once compression starts.
        conn = self.connect()
        deflate = h.DeflateSocket(conn.sock)
        h.start_compression(conn, "a", deflate, pipelined=deflate.compress(b"b NOOP\r\n"))
        _, status = conn.read_until_tagged("b")
        self.assertEqual(status.status, "OK", conn.describe())
        self.expect(conn, "c", "SELECT INBOX", "OK")

    def test_compressed_command_flood(self) -> None:
        # 4 MB of commands compress to a few KB. The server decompresses
        # them in steps, and not while a command runs in the background
        # (EXAMINE here), just as it stops reading an uncompressed client:
        # the commands do not pile up in memory, and every answer arrives
        # in order.
        count = 500_000
        conn = self.connect()
        deflate = h.start_compression(conn)
        # NOOP outside a folder needs no worker thread.
        wire = deflate.compress(b"s EXAMINE INBOX\r\nu UNSELECT\r\n" + b"x NOOP\r\n" * count +
                                b"y LOGOUT\r\n")
        self.assertLess(len(wire), 64 * 1024)
        deflate.sock.sendall(wire)
        received = bytearray()
        deadline = time.monotonic() + 60
        while not received.endswith(b"y OK LOGOUT completed\r\n"):
            self.assertLess(time.monotonic(), deadline, bytes(received[-200:]))
            chunk = deflate.recv(1 << 20)
            self.assertTrue(chunk, f"closed after {len(received)} bytes: {bytes(received[-200:])}")
            received += chunk
        selected, _, rest = bytes(received).partition(b"s OK [READ-ONLY] EXAMINE completed\r\n")
        self.assertIn(f"* {len(INBOX)} EXISTS\r\n".encode(), selected)
        self.assertEqual(rest, b"u OK UNSELECT completed\r\n" + b"x OK NOOP completed\r\n" * count +
                         b"* BYE Logging out\r\ny OK LOGOUT completed\r\n")

    def test_idle_under_compression(self) -> None:
        # The continuation, and what the server's archive watcher reports
        # on its own, are flushed at once, not held in zlib.
        conn = self.connect()
        h.start_compression(conn)
        self.expect(conn, "a", "SELECT Watched", "OK")
        conn.send_line("b IDLE")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        self.import_files(h.JD_LOGIN, {"new.eml": thread_message(1000)}, "--folder", "Watched")
        self.assertEqual(conn.read_line(timeout=5), "* 2 EXISTS")
        conn.send_line("DONE")
        _, status = conn.read_until_tagged("b")
        self.assertEqual(status.status, "OK", conn.describe())

    def test_unknown_mechanism_leaves_the_connection_uncompressed(self) -> None:
        conn = self.connect()
        self.expect(conn, "a", "COMPRESS LZW", "BAD")
        self.expect(conn, "b", "NOOP", "OK")
        h.start_compression(conn, "c")
        self.expect(conn, "d", "NOOP", "OK")

    def test_corrupt_stream_closes_the_connection(self) -> None:
        conn = self.connect()
        deflate = h.start_compression(conn)
        self.expect(conn, "a", "NOOP", "OK")
        # A block of type 3, which DEFLATE does not have (RFC 1951 3.2.3).
        deflate.sock.sendall(b"\xff" * 8)
        conn.expect_eof()
        self.assertTrue(self.server.wait_for_log(r"COMPRESS stream is unreadable"),
                        self.server.log_text(last=20))

    def test_stream_goes_on_after_the_idle_compressor_is_freed(self) -> None:
        # After 10 s without output the server frees its compressor; the
        # next answer starts a new one on the same stream.
        conn = self.connect()
        h.start_compression(conn)
        self.expect(conn, "a", "SELECT INBOX", "OK")
        time.sleep(11)
        bodies = fetch_bodies(conn, "b", "1:3")
        self.assertEqual(bodies, {i + 1: m for i, m in enumerate(INBOX[:3])})


if __name__ == "__main__":
    unittest.main()
