"""A folder that grows while a client has it selected: an import running in
another process shows up as * N EXISTS within 2 seconds during IDLE
(RFC 2177), and at the next NOOP otherwise (RFC 3501 6.1.2).
"""

import time
import unittest

import vellum_harness as h


def message(number: int) -> bytes:
    return (f"From: sender{number}@example.com\r\nSubject: message {number}\r\n"
            f"Message-ID: <{number}@idle.test>\r\n\r\nbody {number}\r\n").encode()


class GrowingFolder(h.ArchiveServerTestCase):
    count = 0

    @classmethod
    def populate(cls) -> None:
        cls.add_messages(2)

    @classmethod
    def add_messages(cls, how_many: int) -> None:
        """Imports `how_many` new messages into INBOX with the vellum CLI."""
        batch = {}
        for _ in range(how_many):
            cls.count += 1
            batch[f"{cls.count:04d}.eml"] = message(cls.count)
        cls.import_files(h.JD_LOGIN, batch)

    def login_and_select(self) -> h.ImapConnection:
        conn = h.connect_tls(self.server)
        self.addCleanup(conn.close)
        self.assertEqual(conn.command("L", f'LOGIN "{h.JD_LOGIN}" "{h.JD_PASSWORD}"')[1].status, "OK")
        untagged, status = conn.command("S", "SELECT INBOX")
        self.assertEqual(status.status, "OK")
        exists = [int(line.split()[1]) for line in untagged if line.endswith(" EXISTS")]
        self.assertEqual(exists, [self.count])
        return conn

    def test_idle_reports_an_import_within_two_seconds(self) -> None:
        conn = self.login_and_select()
        conn.send_line("I IDLE")
        self.assertTrue(conn.read_line().startswith("+ "))
        before = self.count
        started = time.monotonic()
        self.add_messages(3)
        line = conn.read_line(timeout=5)
        elapsed = time.monotonic() - started
        self.assertEqual(line, f"* {before + 3} EXISTS")
        self.assertLess(elapsed, 2.0 + 1.0, "the import itself may take up to a second")
        conn.send_line("DONE")
        _, status = conn.read_until_tagged("I")
        self.assertEqual(status.status, "OK")
        # The new messages can be fetched right away.
        untagged, status = conn.command("F", f"FETCH {before + 1}:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(status.status, "OK")
        self.assertIn(f"Subject: message {before + 3}", "\n".join(untagged))

    def test_noop_reports_new_messages(self) -> None:
        conn = self.login_and_select()
        before = self.count
        untagged, status = conn.command("N1", "NOOP")
        self.assertEqual((untagged, status.status), ([], "OK"))
        self.add_messages(1)
        untagged, status = conn.command("N2", "NOOP")
        self.assertEqual(untagged, [f"* {before + 1} EXISTS"])
        self.assertEqual(status.status, "OK")

    def test_idle_without_changes_says_nothing(self) -> None:
        conn = self.login_and_select()
        conn.send_line("I IDLE")
        self.assertTrue(conn.read_line().startswith("+ "))
        conn.assert_nothing_received(wait=2.5)
        conn.send_line("DONE")
        _, status = conn.read_until_tagged("I")
        self.assertEqual(status.status, "OK")


if __name__ == "__main__":
    unittest.main()
