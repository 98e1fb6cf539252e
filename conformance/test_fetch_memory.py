"""A FETCH of every body of a large folder by a client that reads slowly
keeps the server's memory bounded (issue 4, deliverable 5; the bound is in
docs/memory.md): FETCH renders a batch at a time on the worker pool and
waits while the connection's unsent output is above its high watermark.

The folder holds 600 messages of 320 KiB (about 190 MiB as sent). The
client asks for all of them, reads nothing for a while, then reads slowly,
then quickly. vellumd's resident memory is sampled throughout; had it
rendered the answer ahead of the client, it would grow by the size of the
answer. The same again under COMPRESS=DEFLATE (RFC 4978), where the
watermarks count compressed bytes: the answers compress to a few percent,
so far more is rendered before the queue fills, but each batch is gone
once compressed.
"""

import os
import re
import time
import unittest

import vellum_harness as h

MESSAGES = 600
BODY_LINES = 4096  # 80-byte lines: 320 KiB a message
# docs/memory.md: the output queue's high watermark (1 MiB), four segments
# (each at most 512 KiB plus the largest message), the TLS records in
# flight and the allocator's slack. Generous next to the 190 MiB answer.
GROWTH_LIMIT = 48 * 1024 * 1024


def message(number: int) -> bytes:
    head = (f"From: sender@example.com\r\nSubject: big {number}\r\n"
            f"Message-ID: <{number}@memory.test>\r\n\r\n").encode()
    # Lines that differ, so that nothing along the way can share them.
    body = b"".join(b"%06d %06d " % (number, line) + b"x" * 64 + b"\r\n"
                    for line in range(BODY_LINES))
    return head + body


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@unittest.skipIf("ASAN_OPTIONS" in os.environ,
                 "AddressSanitizer keeps freed memory in quarantine: RSS says nothing there")
class SlowReader(h.ArchiveServerTestCase):

    @classmethod
    def populate(cls) -> None:
        cls.import_files(h.JD_LOGIN, {f"{n:04d}.eml": message(n) for n in range(1, MESSAGES + 1)})

    def test_memory_stays_bounded_while_the_client_lags(self) -> None:
        self.fetch_everything_slowly(compress=False)

    def test_memory_stays_bounded_under_compression(self) -> None:
        self.fetch_everything_slowly(compress=True)

    def fetch_everything_slowly(self, compress: bool) -> None:
        conn = h.connect_tls(self.server)
        self.addCleanup(conn.close)
        self.assertEqual(conn.command("L", f'LOGIN "{h.JD_LOGIN}" "{h.JD_PASSWORD}"')[1].status,
                         "OK")
        if compress:
            h.start_compression(conn)
        self.assertEqual(conn.command("S", "EXAMINE INBOX")[1].status, "OK")
        # Warm up: one message through every path the big FETCH takes.
        self.assertEqual(conn.command("W", "FETCH 1 BODY.PEEK[]")[1].status, "OK")
        pid = self.server.process.pid
        baseline = rss(pid)

        conn.send_line("F FETCH 1:* BODY.PEEK[]")
        peak = baseline
        # Read nothing for two seconds: the server must stop producing.
        for _ in range(20):
            time.sleep(0.1)
            peak = max(peak, rss(pid))
        # Then slowly, a response every few milliseconds, then at full speed.
        received = 0
        sizes = []
        for index in range(MESSAGES):
            response = conn.read_response(timeout=30)
            match = re.match(r"^\* (\d+) FETCH \(BODY\[\] \{(\d+)\}", response)
            self.assertIsNotNone(match, response[:100])
            self.assertEqual(int(match.group(1)), index + 1)
            sizes.append(int(match.group(2)))
            received += len(response)
            if index < 60:
                time.sleep(0.01)
            if index % 20 == 0:
                peak = max(peak, rss(pid))
        _, status = conn.read_until_tagged("F", timeout=30)
        self.assertEqual(status.status, "OK")
        self.assertEqual(sizes, [len(message(n)) for n in range(1, MESSAGES + 1)])
        growth = peak - baseline
        print(f"\nanswer {received / 2**20:.0f} MiB; vellumd RSS {baseline / 2**20:.1f} MiB "
              f"before, peak {peak / 2**20:.1f} MiB (+{growth / 2**20:.1f} MiB)")
        self.assertLess(growth, GROWTH_LIMIT,
                        f"vellumd grew by {growth / 2**20:.1f} MiB for a {received / 2**20:.0f} "
                        "MiB answer")


if __name__ == "__main__":
    unittest.main()
