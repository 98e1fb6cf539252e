"""The archive is read-only: every command that would change it is refused
with NO [CANNOT], never BAD (RFC 3501 7.1.2 / 7.1.3, RFC 5530 CANNOT), and
APPEND's message literal is refused without being requested
(RFC 3501 6.3.11 and 7.5, RFC 7888). A user's own flags are not the
archive: STORE changes them, except \Deleted, for nothing is ever removed."""

import unittest

from vellum_harness import ServerTestCase, parse_status

KIB = 1024


class ReadOnly(ServerTestCase):

    def test_mailbox_changes_are_refused(self):
        conn = self.logged_in()
        for number, command in enumerate([
            "CREATE Projects",
            "CREATE INBOX/sub",
            "DELETE INBOX",
            "DELETE Projects",
            "RENAME INBOX Old",
        ]):
            with self.subTest(command=command):
                self.expect(conn, f"m{number}", command, "NO", "CANNOT")
        self.expect(conn, "z", 'LIST "" *', "OK")

    def test_message_changes_are_refused(self):
        conn = self.selected()
        for number, command in enumerate([
            "UID STORE 1:* FLAGS.SILENT (\\Deleted)",
            "STORE 1 +FLAGS (\\Seen \\Deleted)",
            "UID COPY 1:* INBOX",
            "UID MOVE 1:* INBOX",
            "EXPUNGE",
        ]):
            with self.subTest(command=command):
                self.expect(conn, f"m{number}", command, "NO", "CANNOT")
        self.expect(conn, "z", "NOOP", "OK")

    def test_append_synchronizing_literal_refused_before_continuation(self):
        conn = self.logged_in()
        conn.send(b"a APPEND INBOX {5}\r\n")
        line = conn.read_line()
        self.assertFalse(line.startswith("+"),
                         "the server asked for a message it will refuse" + conn.describe())
        status = parse_status(line)
        self.assertIsNotNone(status, f"unexpected {line!r}" + conn.describe())
        self.assertStatus(conn, status, "NO", "CANNOT")
        self.assertEqual(status.tag, "a", conn.describe())
        # The client sends no literal; the connection continues.
        self.expect(conn, "b", "NOOP", "OK", msg="after the refused APPEND")
        self.expect(conn, "c", "SELECT INBOX", "OK")

    def test_append_with_flags_and_date_synchronizing(self):
        conn = self.logged_in()
        conn.send(b'a APPEND INBOX (\\Seen $Label1) "14-Jul-2023 10:00:00 +0200" {310}\r\n')
        line = conn.read_line()
        self.assertFalse(line.startswith("+"), conn.describe())
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertStatus(conn, status, "NO", "CANNOT")
        self.expect(conn, "b", "NOOP", "OK")

    def test_append_non_synchronizing_literal_is_skipped(self):
        conn = self.logged_in()
        # The message bytes look like commands: they must be skipped as data.
        message = b"c LOGOUT\r\n"
        conn.send(b"a APPEND INBOX {%d+}\r\n" % len(message) + message + b"\r\nb NOOP\r\n")
        untagged, status = conn.read_until_tagged("a")
        self.assertFalse([l for l in untagged if l.startswith("+")], conn.describe())
        self.assertStatus(conn, status, "NO", "CANNOT")
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "OK")
        self.expect(conn, "d", "SELECT INBOX", "OK", msg="the connection keeps working")

    def test_append_non_synchronizing_literal_byte_by_byte(self):
        conn = self.logged_in()
        message = b"From: a@example.org\r\nSubject: x\r\n\r\nhello\r\n"
        conn.send_bytewise(b"a APPEND INBOX (\\Seen) {%d+}\r\n" % len(message) + message + b"\r\n")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "NO", "CANNOT")
        self.expect(conn, "b", "NOOP", "OK")

    def test_append_to_unknown_mailbox_non_synchronizing(self):
        conn = self.logged_in()
        conn.send(b"a APPEND NoSuchFolder {5+}\r\nhello\r\n")
        _, status = conn.read_until_tagged("a")
        # RFC 3501 6.3.11 suggests [TRYCREATE] for a missing mailbox; a
        # read-only archive may answer CANNOT. NO either way, never BAD.
        self.assertStatus(conn, status, "NO")
        self.expect(conn, "b", "NOOP", "OK")

    def test_large_non_synchronizing_append(self):
        # RFC 7888 4: a server may read and refuse a large non-synchronizing
        # APPEND, or say BYE and close. Either way no BAD and no desync.
        conn = self.logged_in()
        message = b"x" * (200 * KIB)
        conn.send(b"a APPEND INBOX {%d+}\r\n" % len(message))
        try:
            conn.send(message + b"\r\nb NOOP\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        line = conn.read_line()
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        if status.tag == "*":
            self.assertEqual(status.status, "BYE", conn.describe())
            conn.expect_eof()
            return
        self.assertStatus(conn, status, "NO", "CANNOT")
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "OK")

    def test_append_before_login_is_bad_without_continuation(self):
        conn = self.plain()
        conn.send(b"a APPEND INBOX {5}\r\n")
        line = conn.read_line()
        self.assertFalse(line.startswith("+"), conn.describe())
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertEqual((status.tag, status.status), ("a", "BAD"), conn.describe())
        self.expect(conn, "b", "NOOP", "OK")

    def test_select_is_read_write_for_flags_examine_read_only(self):
        # RFC 3501 6.3.1/6.3.2: SELECT may change the user's flags, EXAMINE not.
        conn = self.logged_in()
        self.expect(conn, "a", "SELECT INBOX", "OK", "READ-WRITE")
        self.expect(conn, "b", "EXAMINE INBOX", "OK", "READ-ONLY")
        self.expect(conn, "c", "STORE 1 +FLAGS (\\Seen)", "NO", "READ-ONLY")


if __name__ == "__main__":
    unittest.main()
