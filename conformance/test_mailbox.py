"""LIST, LSUB, SELECT/EXAMINE, STATUS, NAMESPACE, ID, ENABLE, IDLE, NOOP,
LOGOUT on an archive whose only folder is an empty INBOX
(RFC 3501 6.1, 6.3; RFC 2342; RFC 2971; RFC 5161; RFC 2177)."""

import re
import unittest

from vellum_harness import ACME_LOGIN, ACME_PASSWORD, ServerTestCase, parse_status


class Mailboxes(ServerTestCase):

    def test_list_all(self):
        conn = self.logged_in()
        untagged = self.expect(conn, "a", 'LIST "" "*"', "OK")
        self.assertEqual(untagged, ['* LIST (\\HasNoChildren) "/" INBOX'], conn.describe())

    def test_list_percent_and_inbox_case(self):
        conn = self.logged_in()
        for number, pattern in enumerate(['%', 'INBOX', 'inbox', 'InBoX', 'I*', '"%"']):
            with self.subTest(pattern=pattern):
                untagged = self.expect(conn, f"a{number}", f'LIST "" {pattern}', "OK")
                self.assertEqual(untagged, ['* LIST (\\HasNoChildren) "/" INBOX'], conn.describe())

    def test_list_no_match(self):
        conn = self.logged_in()
        for number, pattern in enumerate(['Nope*', 'INBOX/%', 'INBOX/*', '"Sent Items"']):
            with self.subTest(pattern=pattern):
                untagged = self.expect(conn, f"a{number}", f'LIST "" {pattern}', "OK")
                self.assertEqual(untagged, [], conn.describe())

    def test_list_empty_pattern_gives_delimiter(self):
        # RFC 3501 6.3.8: LIST "" "" returns the hierarchy delimiter.
        conn = self.logged_in()
        untagged = self.expect(conn, "a", 'LIST "" ""', "OK")
        self.assertEqual(len(untagged), 1, conn.describe())
        match = re.match(r'^\* LIST \(([^)]*)\) "/" ""$', untagged[0])
        self.assertIsNotNone(match, conn.describe())
        self.assertIn("\\NOSELECT", match.group(1).upper(), conn.describe())

    def test_lsub(self):
        conn = self.logged_in()
        untagged = self.expect(conn, "a", 'LSUB "" "*"', "OK")
        self.assertEqual(len(untagged), 1, conn.describe())
        self.assertTrue(re.match(r'^\* LSUB \([^)]*\) "/" INBOX$', untagged[0]), conn.describe())

    def test_select_inbox(self):
        conn = self.logged_in()
        untagged, status = conn.command("a", "SELECT INBOX")
        # The user's own flags can change (RFC 3501 6.3.1: READ-WRITE).
        self.assertStatus(conn, status, "OK", "READ-WRITE")
        self.assertIn("* 0 EXISTS", untagged, conn.describe())
        # RFC 3501 6.3.1: FLAGS, EXISTS, RECENT, UIDVALIDITY are required.
        self.assertTrue([l for l in untagged if l.startswith("* FLAGS (")], conn.describe())
        self.assertIn("* 0 RECENT", untagged, conn.describe())
        validity = [l for l in untagged if re.match(r"^\* OK \[UIDVALIDITY [1-9][0-9]*\]", l)]
        self.assertEqual(len(validity), 1, conn.describe())
        uidnext = [l for l in untagged if re.match(r"^\* OK \[UIDNEXT [1-9][0-9]*\]", l)]
        self.assertEqual(len(uidnext), 1, conn.describe())

    def test_select_is_case_insensitive_for_inbox(self):
        # RFC 3501 5.1: INBOX is case-insensitive.
        conn = self.logged_in()
        self.expect(conn, "a", "SELECT inbox", "OK", "READ-WRITE")
        self.expect(conn, "b", 'EXAMINE "InBox"', "OK", "READ-ONLY")

    def test_select_unknown_folder(self):
        conn = self.logged_in()
        self.expect(conn, "a", "SELECT NoSuchFolder", "NO", "NONEXISTENT")
        self.expect(conn, "b", 'SELECT "INBOX/sub"', "NO", "NONEXISTENT")
        self.expect(conn, "c", "EXAMINE Archive", "NO", "NONEXISTENT")

    def test_status_inbox(self):
        conn = self.logged_in()
        untagged = self.expect(conn, "a", "STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)", "OK")
        self.assertEqual(len(untagged), 1, conn.describe())
        match = re.match(r"^\* STATUS (?:INBOX|\"INBOX\") \((.*)\)$", untagged[0])
        self.assertIsNotNone(match, conn.describe())
        words = match.group(1).split()
        items = dict(zip(words[0::2], words[1::2]))
        self.assertEqual(set(items), {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "RECENT"},
                         conn.describe())
        self.assertEqual(items["MESSAGES"], "0", conn.describe())
        self.assertEqual(items["UNSEEN"], "0", conn.describe())
        self.assertEqual(items["RECENT"], "0", conn.describe())
        self.assertGreaterEqual(int(items["UIDNEXT"]), 1, conn.describe())
        # The same UIDVALIDITY as SELECT reports.
        selected = self.expect(conn, "b", "SELECT INBOX", "OK")
        self.assertIn(f"* OK [UIDVALIDITY {items['UIDVALIDITY']}]",
                      " ".join(selected), conn.describe())

    def test_status_unknown_folder(self):
        conn = self.logged_in()
        self.expect(conn, "a", "STATUS Nope (MESSAGES)", "NO", "NONEXISTENT")

    def test_namespace(self):
        conn = self.logged_in()
        untagged = self.expect(conn, "a", "NAMESPACE", "OK")
        self.assertEqual(untagged, ['* NAMESPACE (("" "/")) NIL NIL'], conn.describe())

    def test_id(self):
        for conn in (self.plain(), self.logged_in()):
            untagged = self.expect(conn, "a", 'ID ("name" "conformance" "version" "1")', "OK")
            self.assertEqual(len(untagged), 1, conn.describe())
            self.assertTrue(untagged[0].startswith('* ID ("name" "Vellum"'), conn.describe())
            untagged = self.expect(conn, "b", "ID NIL", "OK")
            self.assertTrue(untagged and untagged[0].startswith('* ID ("name" "Vellum"'),
                            conn.describe())

    def test_enable(self):
        conn = self.logged_in()
        untagged = self.expect(conn, "a", "ENABLE CONDSTORE", "OK")
        # RFC 5161 3.1: ENABLED lists what was enabled (possibly nothing).
        self.assertEqual(len(untagged), 1, conn.describe())
        self.assertTrue(untagged[0].startswith("* ENABLED"), conn.describe())

    def test_idle(self):
        conn = self.selected()
        conn.send_line("a IDLE")
        line = conn.read_line()
        self.assertTrue(line.startswith("+"), f"expected continuation, got {line!r}" + conn.describe())
        conn.assert_nothing_received(0.5)
        conn.send_line("DONE")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")
        self.expect(conn, "b", "NOOP", "OK", msg="after IDLE")

    def test_idle_done_lowercase_in_authenticated_state(self):
        conn = self.logged_in()
        conn.send_line("a IDLE")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_line("done")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")

    def test_idle_ended_by_something_else(self):
        # RFC 2177: only DONE ends IDLE; another line must not be run as a
        # command.
        conn = self.logged_in()
        conn.send_line("a IDLE")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_line("b NOOP")
        lines = []
        while True:
            line = conn.read_line()
            lines.append(line)
            status = parse_status(line)
            if status and status.tag != "*":
                break
        self.assertEqual(parse_status(lines[-1]).tag, "a",
                         f"IDLE must end first: {lines}" + conn.describe())
        self.assertEqual(parse_status(lines[-1]).status, "BAD", conn.describe())
        self.expect(conn, "c", "NOOP", "OK")

    def test_noop(self):
        conn = self.plain()
        self.expect(conn, "a", "NOOP", "OK")
        conn = self.selected()
        self.expect(conn, "b", "NOOP", "OK")

    def test_logout(self):
        for conn in (self.plain(), self.selected()):
            conn.send_line("a LOGOUT")
            lines = conn.expect_eof()
            self.assertGreaterEqual(len(lines), 2, conn.describe())
            # RFC 3501 6.1.3: untagged BYE, then the tagged OK, then close.
            self.assertTrue(lines[0].startswith("* BYE"), conn.describe())
            status = parse_status(lines[1])
            self.assertIsNotNone(status, conn.describe())
            self.assertEqual((status.tag, status.status), ("a", "OK"), conn.describe())
            self.assertEqual(len(lines), 2, f"nothing after LOGOUT's OK: {lines}" + conn.describe())

    def test_commands_pipelined_after_logout_are_ignored(self):
        conn = self.logged_in()
        conn.send(b"a LOGOUT\r\nb NOOP\r\n")
        lines = conn.expect_eof()
        self.assertFalse([l for l in lines if l.startswith("b ")], conn.describe())

    def test_other_tenant_has_its_own_inbox(self):
        conn = self.logged_in(ACME_LOGIN, ACME_PASSWORD, name="acme")
        untagged = self.expect(conn, "a", 'LIST "" "*"', "OK")
        self.assertEqual(untagged, ['* LIST (\\HasNoChildren) "/" INBOX'], conn.describe())
        self.expect(conn, "b", "SELECT INBOX", "OK", "READ-WRITE")


if __name__ == "__main__":
    unittest.main()
