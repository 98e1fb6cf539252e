"""Archives of other users: a user granted read access (vellum user grant)
or an instance admin sees them under "Other Users/<user>/" (RFC 2342
other users' namespace); nobody else does, and never across instances.
"""

import unittest

import vellum_harness as h

MARY_MESSAGE = (b"From: mary@example.com\r\nTo: board@example.com\r\n"
                b"Subject: Board minutes\r\n\r\nConfidential minutes.\r\n")
JON_MESSAGE = b"From: jon@example.com\r\nSubject: Jon's own\r\n\r\nmine\r\n"


class OtherUsers(h.ArchiveServerTestCase):
    @classmethod
    def populate(cls) -> None:
        cls.import_files(h.JD_OTHER_LOGIN, {"board.eml": MARY_MESSAGE}, "--folder", "Board")
        cls.import_files(h.JD_LOGIN, {"own.eml": JON_MESSAGE})
        cls.vellum("user", "add", "jdcorp/auditor", "--admin", "--password-stdin",
                   stdin="audit-pw-1\n")

    def listing(self, conn: h.ImapConnection) -> list:
        untagged, status = conn.command("A", 'LIST "" "*"')
        self.assertEqual(status.status, "OK")
        return untagged

    def test_without_a_grant_nothing_of_others_is_visible(self) -> None:
        conn = self.login(h.JD_LOGIN, h.JD_PASSWORD)
        untagged, _ = conn.command("N", "NAMESPACE")
        self.assertEqual(untagged, ['* NAMESPACE (("" "/")) NIL NIL'])
        self.assertEqual(self.listing(conn), ['* LIST (\\HasNoChildren) "/" INBOX'])
        _, status = conn.command("S", 'SELECT "Other Users/mary.major/Board"')
        self.assertEqual((status.status, status.code), ("NO", "NONEXISTENT"))

    def test_a_granted_archive_appears_under_other_users(self) -> None:
        self.vellum("user", "grant", h.JD_LOGIN, h.JD_OTHER_LOGIN)
        self.addCleanup(self.vellum, "user", "revoke", h.JD_LOGIN, h.JD_OTHER_LOGIN)
        conn = self.login(h.JD_LOGIN, h.JD_PASSWORD)
        untagged, _ = conn.command("N", "NAMESPACE")
        self.assertEqual(untagged, ['* NAMESPACE (("" "/")) (("Other Users/" "/")) NIL'])
        self.assertEqual(self.listing(conn), [
            '* LIST (\\HasNoChildren) "/" INBOX',
            '* LIST (\\Noselect \\HasChildren) "/" "Other Users"',
            '* LIST (\\Noselect \\HasChildren) "/" "Other Users/mary.major"',
            '* LIST (\\HasNoChildren) "/" "Other Users/mary.major/Board"',
        ])
        untagged, status = conn.command("S", 'EXAMINE "Other Users/mary.major/Board"')
        self.assertEqual(status.status, "OK")
        self.assertIn("* 1 EXISTS", untagged)
        untagged, status = conn.command("F", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")
        self.assertIn("Subject: Board minutes", "\n".join(untagged))
        untagged, status = conn.command("T", 'STATUS "Other Users/mary.major/Board" (MESSAGES)')
        self.assertEqual(untagged, ['* STATUS "Other Users/mary.major/Board" (MESSAGES 1)'])
        # Mary's archive is not Jon's: his INBOX still holds only his message.
        untagged, _ = conn.command("S2", "EXAMINE INBOX")
        self.assertIn("* 1 EXISTS", untagged)
        untagged, _ = conn.command("F2", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")
        self.assertIn("Subject: Jon's own", "\n".join(untagged))

    def test_a_revoked_grant_ends_at_the_next_login(self) -> None:
        self.vellum("user", "grant", h.JD_LOGIN, h.JD_OTHER_LOGIN)
        self.vellum("user", "revoke", h.JD_LOGIN, h.JD_OTHER_LOGIN)
        conn = self.login(h.JD_LOGIN, h.JD_PASSWORD)
        self.assertEqual(self.listing(conn), ['* LIST (\\HasNoChildren) "/" INBOX'])

    def test_an_admin_sees_every_user_of_the_instance(self) -> None:
        conn = self.login("jdcorp/auditor", "audit-pw-1")
        listing = self.listing(conn)
        self.assertIn('* LIST (\\HasNoChildren) "/" "Other Users/mary.major/Board"', listing)
        self.assertIn('* LIST (\\HasNoChildren) "/" "Other Users/jon.doe/INBOX"', listing)
        # Nothing of another instance's users.
        self.assertFalse([line for line in listing if "acme" in line.lower()])

    def test_another_instance_sees_nothing(self) -> None:
        conn = self.login(h.ACME_LOGIN, h.ACME_PASSWORD)
        self.assertEqual(self.listing(conn), ['* LIST (\\HasNoChildren) "/" INBOX'])
        untagged, _ = conn.command("S", "EXAMINE INBOX")
        self.assertIn("* 0 EXISTS", untagged)
        _, status = conn.command("S2", 'EXAMINE "Other Users/jon.doe/INBOX"')
        self.assertEqual((status.status, status.code), ("NO", "NONEXISTENT"))


if __name__ == "__main__":
    unittest.main()
