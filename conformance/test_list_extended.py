"""LIST-EXTENDED (RFC 5258) with SPECIAL-USE (RFC 6154), LIST-STATUS
(RFC 5819), subscriptions (RFC 3501 6.3.6-6.3.9) kept per user across
connections and restarts, mailbox names in modified UTF-7 (RFC 3501 5.1.3)
and, after ENABLE UTF8=ACCEPT, in UTF-8 (RFC 6855).

The archive: jon.doe's Maildir with INBOX (one message seen, one not),
"Entwürfe" (Maildir++ spells it ".Entw&APw-rfe"), "Archive/2019" below a
level that holds no messages, and "Sent"; mary.major's own "Board".
"""

import re
import tempfile
import unittest
from pathlib import Path

import vellum_harness as h


def message(subject: str) -> bytes:
    return (f"From: jon@example.com\r\nTo: team@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}@example.com>\r\n\r\nBody of {subject}.\r\n"
            ).encode()


def utf8(line: str) -> str:
    """The harness reads lines as Latin-1; UTF-8 names need decoding again."""
    return line.encode("latin-1").decode("utf-8")


class ListExtended(h.ArchiveServerTestCase):
    @classmethod
    def populate(cls) -> None:
        maildir = Path(tempfile.mkdtemp(prefix="maildir-", dir=cls.data.root)) / "Maildir"
        folders = {
            "": {"1.host:2,S": message("seen in inbox"), "2.host:2,": message("new in inbox")},
            ".Entw&APw-rfe": {"3.host:2,S": message("draft")},
            ".Archive.2019": {"4.host:2,S": message("old one"), "5.host:2,": message("old two")},
            ".Sent": {"6.host:2,S": message("sent")},
        }
        for folder, files in folders.items():
            for sub in ("cur", "new", "tmp"):
                (maildir / folder / sub).mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (maildir / folder / "cur" / name).write_bytes(data)
        cls.vellum("import", h.JD_LOGIN, str(maildir))
        cls.import_files(h.JD_OTHER_LOGIN, {"board.eml": message("minutes")}, "--folder", "Board")

    def ok(self, conn: h.ImapConnection, command: str) -> list:
        untagged, status = conn.command("T", command)
        self.assertEqual(status.status, "OK", f"{command}: {status.line}" + conn.describe())
        return untagged

    def refused(self, conn: h.ImapConnection, command: str, expected: str, code: str) -> None:
        _, status = conn.command("R", command)
        self.assertEqual((status.status, status.code_atom), (expected, code),
                         f"{command}: {status.line}" + conn.describe())

    def test_capabilities(self) -> None:
        conn = self.login()
        caps = h.capabilities_of(self.ok(conn, "CAPABILITY")[0][2:])
        for capability in ("LIST-EXTENDED", "LIST-STATUS", "UTF8=ACCEPT", "SPECIAL-USE"):
            self.assertIn(capability, caps)

    def test_plain_list_names_in_modified_utf7(self) -> None:
        conn = self.login()
        self.assertEqual(self.ok(conn, 'LIST "" "*"'), [
            '* LIST (\\HasNoChildren) "/" INBOX',
            '* LIST (\\Noselect \\HasChildren) "/" Archive',
            '* LIST (\\HasNoChildren) "/" Archive/2019',
            '* LIST (\\HasNoChildren) "/" Entw&APw-rfe',
            '* LIST (\\HasNoChildren \\Sent) "/" Sent',
        ])
        self.assertEqual(self.ok(conn, 'LIST "" "Entw&APw-*"'),
                         ['* LIST (\\HasNoChildren) "/" Entw&APw-rfe'])

    def test_extended_forms(self) -> None:
        conn = self.login()
        # Several patterns, each name once (RFC 5258 3).
        self.assertEqual(self.ok(conn, 'LIST "" ("INBOX" "inbox" "Arch%" "*/2019") RETURN (CHILDREN)'), [
            '* LIST (\\HasNoChildren) "/" INBOX',
            '* LIST (\\Noselect \\HasChildren) "/" Archive',
            '* LIST (\\HasNoChildren) "/" Archive/2019',
        ])
        # RFC 6154: the SPECIAL-USE selection option.
        self.assertEqual(self.ok(conn, 'LIST (SPECIAL-USE) "" "*"'),
                         ['* LIST (\\HasNoChildren \\Sent) "/" Sent'])
        # An extended LIST ignores the empty pattern (RFC 5258 3).
        self.assertEqual(self.ok(conn, 'LIST () "" ""'), [])
        self.assertEqual(self.ok(conn, 'LIST "" ("" "Sent")'),
                         ['* LIST (\\HasNoChildren \\Sent) "/" Sent'])
        self.assertEqual(self.ok(conn, 'LIST (REMOTE) "Archive/" "%"'),
                         ['* LIST (\\HasNoChildren) "/" Archive/2019'])
        # What RFC 5258 makes BAD.
        for command in ('LIST (RECURSIVEMATCH) "" "*"', 'LIST (REMOTE RECURSIVEMATCH) "" "*"',
                        'LIST (FUZZY) "" "*"', 'LIST "" "*" RETURN (FUZZY)',
                        'LIST "" "*" RETURN (STATUS ())', 'LIST "" "*" RETURN (STATUS (NOPE))'):
            with self.subTest(command=command):
                self.refused(conn, command, "BAD", "CLIENTBUG")

    def test_list_status(self) -> None:
        conn = self.login()
        items = "MESSAGES UNSEEN UIDNEXT UIDVALIDITY SIZE HIGHESTMODSEQ RECENT"
        lines = self.ok(conn, f'LIST "" "*" RETURN (STATUS ({items}))')
        # A STATUS right after each selectable mailbox's LIST, none after Archive.
        names = []
        for i, line in enumerate(lines):
            match = re.match(r'^\* LIST \(([^)]*)\) "/" (\S+)$', line)
            if not match:
                continue
            names.append(match.group(2))
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if "\\Noselect" in match.group(1):
                self.assertFalse(following.startswith("* STATUS"), following)
                continue
            self.assertTrue(following.startswith(f"* STATUS {match.group(2)} ("), following)
            # The same values as a STATUS command gives.
            alone = self.ok(conn, f"STATUS {match.group(2)} ({items})")
            self.assertEqual([following], alone)
        self.assertEqual(names, ["INBOX", "Archive", "Archive/2019", "Entw&APw-rfe", "Sent"])
        status = dict(re.findall(r"(\w+) (\d+)",
                                 self.ok(conn, "STATUS Archive/2019 (MESSAGES UNSEEN RECENT)")[0]))
        self.assertEqual(status, {"MESSAGES": "2", "UNSEEN": "1", "RECENT": "0"})
        status = self.ok(conn, "STATUS INBOX (UIDNEXT HIGHESTMODSEQ SIZE)")[0]
        self.assertRegex(status, r"^\* STATUS INBOX \(UIDNEXT 3 HIGHESTMODSEQ [1-9]\d* SIZE [1-9]\d*\)$")
        self.refused(conn, "STATUS Archive (MESSAGES)", "NO", "NONEXISTENT")

    def test_subscriptions_survive_reconnect_and_restart_and_stay_per_user(self) -> None:
        conn = self.login()
        self.assertEqual(len(self.ok(conn, 'LSUB "" "*"')), 4)  # every folder at first
        self.ok(conn, "UNSUBSCRIBE Archive/2019")
        self.ok(conn, "UNSUBSCRIBE Sent")
        self.ok(conn, "SUBSCRIBE Later/2025")  # not a folder (yet)
        self.addCleanup(self.restore_subscriptions)
        expected_lsub = [
            '* LSUB () "/" INBOX',
            '* LSUB () "/" Entw&APw-rfe',
            '* LSUB (\\Noselect) "/" Later/2025',
        ]
        expected_list = [
            '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
            '* LIST (\\HasNoChildren \\Subscribed) "/" Entw&APw-rfe',
            '* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" Later/2025',
        ]
        for when in ("same connection", "reconnect", "restart"):
            with self.subTest(when=when):
                if when == "reconnect":
                    conn = self.login()
                elif when == "restart":
                    self.server.stop()
                    type(self).server = h.Server(self.data).start()
                    conn = self.login()
                self.assertEqual(self.ok(conn, 'LSUB "" "*"'), expected_lsub)
                self.assertEqual(self.ok(conn, 'LIST (SUBSCRIBED) "" "*"'), expected_list)
        # RFC 3501 6.3.9: "%" shows the level above a subscribed name.
        self.assertEqual(self.ok(conn, 'LSUB "" "%"'), [
            '* LSUB () "/" INBOX', '* LSUB () "/" Entw&APw-rfe', '* LSUB (\\Noselect) "/" Later'])
        self.assertEqual(self.ok(conn, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"'), [
            '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
            '* LIST (\\HasNoChildren \\Subscribed) "/" Entw&APw-rfe',
            '* LIST (\\NonExistent \\HasNoChildren) "/" Later ("CHILDINFO" ("SUBSCRIBED"))',
        ])
        self.assertEqual(self.ok(conn, 'LIST "" "%" RETURN (SUBSCRIBED)'), [
            '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
            '* LIST (\\Noselect \\HasChildren) "/" Archive',
            '* LIST (\\HasNoChildren \\Subscribed) "/" Entw&APw-rfe',
            '* LIST (\\HasNoChildren \\Sent) "/" Sent',
        ])
        # LIST-STATUS with SUBSCRIBED: no STATUS for the name that is no folder.
        lines = self.ok(conn, 'LIST (SUBSCRIBED) "" "*" RETURN (STATUS (MESSAGES))')
        self.assertEqual([line for line in lines if line.startswith("* STATUS")],
                         ['* STATUS INBOX (MESSAGES 2)', '* STATUS Entw&APw-rfe (MESSAGES 1)'])
        self.ok(conn, "UNSUBSCRIBE Nowhere")  # not subscribed: OK, as in Dovecot

        mary = self.login(h.JD_OTHER_LOGIN, h.JD_OTHER_PASSWORD)
        self.assertEqual(self.ok(mary, 'LSUB "" "*"'),
                         ['* LSUB () "/" INBOX', '* LSUB () "/" Board'])

    def restore_subscriptions(self) -> None:
        conn = self.login()
        self.ok(conn, "SUBSCRIBE Archive/2019")
        self.ok(conn, "SUBSCRIBE Sent")
        self.ok(conn, "UNSUBSCRIBE Later/2025")

    def test_names_that_are_not_modified_utf7(self) -> None:
        conn = self.login()
        untagged = self.ok(conn, 'EXAMINE "Entw&APw-rfe"')
        self.assertIn("* 1 EXISTS", untagged)
        self.assertEqual(self.ok(conn, 'STATUS "Entw&APw-rfe" (MESSAGES)'),
                         ["* STATUS Entw&APw-rfe (MESSAGES 1)"])
        self.refused(conn, 'EXAMINE "&Jjo!"', "NO", "CANNOT")
        self.refused(conn, 'STATUS "Entw&AOM-rfe&-" (MESSAGES)', "NO", "NONEXISTENT")
        self.refused(conn, 'SUBSCRIBE "&U,BTFw-&ZeVnLIqe-"', "NO", "CANNOT")
        # Raw UTF-8 without ENABLE UTF8=ACCEPT is no modified UTF-7 name.
        conn.send("R EXAMINE {9+}\r\n".encode() + "Entwürfe".encode() + b"\r\n")
        _, status = conn.read_until_tagged("R")
        self.assertEqual((status.status, status.code_atom), ("NO", "CANNOT"), conn.describe())
        # A LIST pattern that is no name is ignored (RFC 5258 3).
        self.assertEqual(self.ok(conn, 'LIST "" ("&Jjo!" "Sent")'),
                         ['* LIST (\\HasNoChildren \\Sent) "/" Sent'])

    def test_utf8_accept(self) -> None:
        conn = self.login()
        self.assertEqual(self.ok(conn, "ENABLE UTF8=ACCEPT"), ["* ENABLED UTF8=ACCEPT"])
        self.assertEqual([utf8(line) for line in self.ok(conn, 'LIST "" "Entw*"')],
                         ['* LIST (\\HasNoChildren) "/" "Entwürfe"'])
        conn.send_line('S STATUS "Entwürfe" (MESSAGES)')
        untagged, status = conn.read_until_tagged("S")
        self.assertEqual(status.status, "OK", conn.describe())
        self.assertEqual([utf8(line) for line in untagged], ['* STATUS "Entwürfe" (MESSAGES 1)'])
        # "&" is an ampersand now, not the start of modified base64.
        self.refused(conn, 'EXAMINE "Entw&APw-rfe"', "NO", "NONEXISTENT")
        conn.send(b'B EXAMINE "Entw\xfcrfe"\r\n')  # Latin-1, not UTF-8
        _, status = conn.read_until_tagged("B")
        self.assertEqual((status.status, status.code_atom), ("BAD", "CLIENTBUG"), conn.describe())
        conn.send_line('X EXAMINE "Entwürfe"')
        untagged, status = conn.read_until_tagged("X")
        self.assertEqual(status.status, "OK", conn.describe())
        self.assertIn("* 1 EXISTS", untagged)
        self.refused(conn, "SEARCH CHARSET UTF-8 ALL", "BAD", "CLIENTBUG")
        self.assertEqual(self.ok(conn, 'SEARCH SUBJECT "draft"'), ["* SEARCH 1"])
        # Another connection of the same user still gets modified UTF-7.
        other = self.login()
        self.assertEqual(self.ok(other, 'LIST "" "Entw*"'),
                         ['* LIST (\\HasNoChildren) "/" Entw&APw-rfe'])


if __name__ == "__main__":
    unittest.main()
