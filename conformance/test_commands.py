"""Unknown commands, syntax errors and commands in the wrong state
(RFC 3501 3, 6, 7.1.3 BAD; RFC 5530 CLIENTBUG)."""

import unittest

from vellum_harness import JD_LOGIN, JD_PASSWORD, ServerTestCase, parse_status, quote


class BadCommands(ServerTestCase):

    def test_unknown_command_is_bad(self):
        for conn in (self.plain(), self.logged_in()):
            _, status = conn.command("a", "FROBNICATE")
            self.assertStatus(conn, status, "BAD")
            _, status = conn.command("b", "XYZZY 1 2 3")
            self.assertStatus(conn, status, "BAD")
            self.expect(conn, "c", "NOOP", "OK", msg="after an unknown command")

    def test_syntax_errors_are_bad_with_a_code(self):
        # Each is a known command with wrong arguments; the answer is a
        # tagged BAD with a response code, and the connection goes on.
        conn = self.logged_in()
        cases = [
            "SELECT",                      # missing mailbox
            "SELECT INBOX extra",          # extra argument
            "NOOP now",                    # NOOP takes no argument
            'LIST ""',                     # missing pattern
            'STATUS INBOX',                # missing item list
            'STATUS INBOX (MESSAGES',      # unclosed list
            'LIST "" "unterminated',       # unterminated quoted string
            "RENAME INBOX",                # missing second name
            "ENABLE",                      # no capability given
        ]
        for number, command in enumerate(cases):
            with self.subTest(command=command):
                _, status = conn.command(f"s{number}", command)
                self.assertStatus(conn, status, "BAD", ..., msg=command)
        self.expect(conn, "z", "NOOP", "OK", msg="after the syntax errors")

    def test_syntax_errors_in_selected_state(self):
        conn = self.selected()
        cases = [
            "FETCH",                        # missing everything
            "FETCH 1:* (FLAGS",             # unclosed list
            "FETCH x FLAGS",                # not a sequence set
            "UID FETCH 1:* NOSUCHITEM",     # unknown fetch item
            "SEARCH NOSUCHKEY",             # unknown search key
            "UID FROBNICATE 1",             # unknown UID command
        ]
        for number, command in enumerate(cases):
            with self.subTest(command=command):
                _, status = conn.command(f"s{number}", command)
                self.assertStatus(conn, status, "BAD", ..., msg=command)
        self.expect(conn, "z", "NOOP", "OK")

    def test_tags_are_echoed_exactly(self):
        # RFC 3501 2.2.1: the tagged answer carries the client's tag as sent.
        conn = self.plain()
        for tag in ("a.1", "A001", "x-Y_z", "9", "tag]with]brackets", "~tilde"):
            with self.subTest(tag=tag):
                _, status = conn.command(tag, "NOOP")
                self.assertEqual(status.tag, tag, conn.describe())
                self.assertStatus(conn, status, "OK")

    def test_invalid_tag_gets_untagged_bad(self):
        # RFC 3501 7.1.3: a BAD that cannot be tied to a command is untagged.
        conn = self.plain()
        conn.send_line("* NOOP")
        line = conn.read_line()
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertEqual((status.tag, status.status), ("*", "BAD"), conn.describe())
        self.expect(conn, "a", "NOOP", "OK")

    def test_tag_without_command_is_bad(self):
        conn = self.plain()
        conn.send_line("lonelytag")
        line = conn.read_line()
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertEqual(status.status, "BAD", conn.describe())
        self.expect(conn, "a", "NOOP", "OK")

    def test_bare_lf_line_end(self):
        # RFC 3501 2.2: lines end with CRLF. A server may accept a bare LF or
        # answer BAD, but the next CRLF command must work either way.
        conn = self.plain()
        conn.send(b"a NOOP\n")
        conn.send(b"b NOOP\r\n")
        seen = []
        while True:
            status = parse_status(conn.read_line())
            self.assertIsNotNone(status, conn.describe())
            seen.append(status)
            if status.tag == "b":
                break
        self.assertEqual(seen[-1].status, "OK", conn.describe())

    def test_nul_in_command_is_bad(self):
        conn = self.plain()
        conn.send(b"a NOOP\x00\r\n")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "BAD")
        self.expect(conn, "b", "NOOP", "OK")

    # -- wrong state: BAD [CLIENTBUG] --

    def test_commands_before_login(self):
        conn = self.plain()
        for number, command in enumerate([
            "SELECT INBOX", "EXAMINE INBOX", 'LIST "" *', "STATUS INBOX (MESSAGES)",
            "NAMESPACE", "ENABLE IMAP4rev2", "IDLE", "CREATE x", "FETCH 1 FLAGS",
            "UID FETCH 1 FLAGS", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH ALL",
        ]):
            with self.subTest(command=command):
                untagged, status = conn.command(f"w{number}", command)
                self.assertFalse([l for l in untagged if l.startswith("+")], conn.describe())
                self.assertStatus(conn, status, "BAD", "CLIENTBUG", msg=command)
        self.expect(conn, "z", "NOOP", "OK")

    def test_selected_state_commands_without_select(self):
        conn = self.logged_in()
        for number, command in enumerate([
            "FETCH 1 FLAGS", "UID FETCH 1:* FLAGS", "SEARCH ALL", "UID SEARCH ALL",
            "CLOSE", "UNSELECT", "CHECK", "STORE 1 +FLAGS (\\Seen)", "COPY 1 INBOX",
            "EXPUNGE",
        ]):
            with self.subTest(command=command):
                _, status = conn.command(f"w{number}", command)
                self.assertStatus(conn, status, "BAD", "CLIENTBUG", msg=command)
        self.expect(conn, "z", "NOOP", "OK")

    def test_not_authenticated_commands_after_login(self):
        conn = self.logged_in()
        for number, command in enumerate([
            f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}",
            "AUTHENTICATE PLAIN",
            "STARTTLS",
        ]):
            with self.subTest(command=command):
                untagged, status = conn.command(f"w{number}", command)
                self.assertFalse([l for l in untagged if l.startswith("+")], conn.describe())
                self.assertStatus(conn, status, "BAD", "CLIENTBUG", msg=command)
        self.expect(conn, "z", "SELECT INBOX", "OK")

    def test_close_returns_to_authenticated(self):
        conn = self.selected()
        self.expect(conn, "a", "CLOSE", "OK")
        self.expect(conn, "b", "FETCH 1:* FLAGS", "BAD", "CLIENTBUG", msg="FETCH after CLOSE")
        self.expect(conn, "c", "SELECT INBOX", "OK")
        self.expect(conn, "d", "UNSELECT", "OK")
        self.expect(conn, "e", "UID SEARCH ALL", "BAD", "CLIENTBUG", msg="SEARCH after UNSELECT")

    def test_failed_select_deselects(self):
        # RFC 3501 6.3.1: a failed SELECT leaves the connection authenticated.
        conn = self.selected()
        self.expect(conn, "a", "SELECT NoSuchFolder", "NO", "NONEXISTENT")
        self.expect(conn, "b", "UID FETCH 1:* FLAGS", "BAD", "CLIENTBUG",
                    msg="FETCH after a failed SELECT")

    # -- commands in the selected state on the empty INBOX --

    def test_fetch_search_on_empty_inbox(self):
        conn = self.selected()
        untagged = self.expect(conn, "a", "UID FETCH 1:* (FLAGS)", "OK")
        self.assertEqual(untagged, [], conn.describe())
        untagged = self.expect(conn, "b", "SEARCH ALL", "OK")
        self.assertEqual([l.rstrip() for l in untagged], ["* SEARCH"], conn.describe())
        untagged = self.expect(conn, "c", "UID SEARCH ALL", "OK")
        self.assertEqual([l.rstrip() for l in untagged], ["* SEARCH"], conn.describe())
        # A message number beyond EXISTS (0) is invalid (RFC 3501 9, seq-number).
        _, status = conn.command("d", "FETCH 1 FLAGS")
        self.assertIn(status.status, ("BAD", "NO"), status.line + conn.describe())
        self.expect(conn, "e", "CHECK", "OK")


if __name__ == "__main__":
    unittest.main()
