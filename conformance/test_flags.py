"""Each user's own flags on archived mail (issue 4, RFC 3501 6.4.6 STORE,
RFC 7162 CONDSTORE and QRESYNC).

SELECT opens a folder read-write for the user's flags, EXAMINE read-only.
Flags start as archived (Maildir info), STORE and a non-PEEK body FETCH
change them for that user only, every change raises the folder's
HIGHESTMODSEQ, other sessions of the same user hear of it at NOOP and in
IDLE, and the archived message stays byte for byte what was imported.
"""

import hashlib
import re
import tempfile
import time
import unittest
from pathlib import Path

import vellum_harness as h


def message(number: int) -> bytes:
    return (f"From: sender{number}@example.com\r\nSubject: message {number}\r\n"
            f"Message-ID: <{number}@flags.test>\r\n\r\nbody {number}\r\n").encode()


# Maildir file names: message 1 archived as read and flagged, 2 as answered,
# 3 and 4 with no flags.
MAILDIR = {
    "cur/1000.1.host:2,FS": message(1),
    "cur/1000.2.host:2,R": message(2),
    "cur/1000.3.host:2,": message(3),
    "new/1000.4.host": message(4),
}

FETCH_RE = re.compile(r"^\* (\d+) FETCH \((.*)\)$")


def fetch_items(line: str) -> "tuple[int, dict]":
    """'* 3 FETCH (UID 3 FLAGS (\\Seen) MODSEQ (7))' -> (3, {...}); values as text."""
    match = FETCH_RE.match(line)
    assert match, line
    text = match.group(2)
    items = {}
    for item in re.finditer(r"(UID|MODSEQ|FLAGS) (\d+|\([^)]*\))", text):
        items[item.group(1)] = item.group(2).strip("()")
    return int(match.group(1)), items


def flags_of(items: dict) -> set:
    return set(items["FLAGS"].split()) if items.get("FLAGS") else set()


class UserFlags(h.ArchiveServerTestCase):

    @classmethod
    def populate(cls) -> None:
        source = Path(tempfile.mkdtemp(prefix="maildir-", dir=cls.data.root))
        (source / "tmp").mkdir()
        for name, data in MAILDIR.items():
            path = source / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
        cls.vellum("import", h.JD_LOGIN, "--folder", "INBOX", str(source))
        # Mary reads Jon's archive through a grant: her flags are her own.
        cls.vellum("user", "grant", h.JD_OTHER_LOGIN, h.JD_LOGIN)

    def ok(self, conn: h.ImapConnection, tag: str, command: str) -> list:
        untagged, status = conn.command(tag, command)
        self.assertEqual(status.status, "OK", f"{command}: {status.line}" + conn.describe())
        return untagged

    def flags(self, conn: h.ImapConnection) -> dict:
        """UID -> set of flags, as FETCH FLAGS reports them."""
        result = {}
        for line in self.ok(conn, "FF", "UID FETCH 1:* (FLAGS)"):
            _, items = fetch_items(line)
            result[int(items["UID"])] = flags_of(items)
        return result

    def reset(self, conn: h.ImapConnection) -> None:
        """Puts Jon's flags back to what the archive holds, so tests don't
        depend on their order."""
        self.ok(conn, "R1", "UID STORE 1 FLAGS.SILENT (\\Seen \\Flagged)")
        self.ok(conn, "R2", "UID STORE 2 FLAGS.SILENT (\\Answered)")
        self.ok(conn, "R3", "UID STORE 3:4 FLAGS.SILENT ()")

    def selected(self, login: str = h.JD_LOGIN, password: str = h.JD_PASSWORD,
                 mailbox: str = "INBOX") -> h.ImapConnection:
        conn = self.login(login, password)
        untagged, status = conn.command("S", f'SELECT "{mailbox}"')
        self.assertEqual((status.status, status.code), ("OK", "READ-WRITE"), conn.describe())
        if login == h.JD_LOGIN:
            self.reset(conn)
        return conn

    # ---- SELECT and EXAMINE ---------------------------------------------------

    def test_select_offers_the_users_flags_examine_none(self) -> None:
        conn = self.login()
        untagged, status = conn.command("S", "SELECT INBOX")
        self.assertEqual(status.code, "READ-WRITE")
        permanent = [l for l in untagged if l.startswith("* OK [PERMANENTFLAGS")]
        self.assertEqual(len(permanent), 1, untagged)
        # RFC 3501 7.1: \* lets the client create keywords; \Deleted is not
        # offered, since archived messages are never removed.
        self.assertTrue(re.match(r"^\* OK \[PERMANENTFLAGS \(\\Answered \\Flagged \\Seen "
                                 r"\\Draft( \S+)* \\\*\)\]", permanent[0]), permanent[0])
        untagged, status = conn.command("E", "EXAMINE INBOX")
        self.assertEqual(status.code, "READ-ONLY")
        self.assertIn("* OK [PERMANENTFLAGS ()] Read-only mailbox", untagged)
        _, status = conn.command("T", "STORE 1 +FLAGS (\\Flagged)")
        self.assertEqual((status.status, status.code), ("NO", "READ-ONLY"))
        # EXAMINE never sets \Seen (RFC 3501 6.3.2), even for BODY[].
        before = self.flags(conn)
        self.ok(conn, "B", "FETCH 3 BODY[]")
        self.assertEqual(self.flags(conn), before)

    def test_flags_start_as_archived(self) -> None:
        conn = self.selected()
        self.assertEqual(self.flags(conn), {
            1: {"\\Seen", "\\Flagged"}, 2: {"\\Answered"}, 3: set(), 4: set()})
        untagged = self.ok(conn, "U", "SEARCH UNSEEN")
        self.assertEqual(untagged, ["* SEARCH 2 3 4"])

    # ---- STORE ------------------------------------------------------------------

    def test_store_forms(self) -> None:
        conn = self.selected()
        untagged = self.ok(conn, "A", "STORE 3 +FLAGS (\\Seen $Work)")
        # A keyword new to the folder: FLAGS and PERMANENTFLAGS again
        # (RFC 3501 7.2.6), then the message's flags.
        self.assertTrue(any(l.startswith("* FLAGS (") and "$Work" in l for l in untagged),
                        untagged)
        fetches = [l for l in untagged if " FETCH " in l]
        self.assertEqual(len(fetches), 1, untagged)
        number, items = fetch_items(fetches[0])
        self.assertEqual(number, 3)
        self.assertEqual(flags_of(items), {"\\Seen", "$Work"})

        untagged = self.ok(conn, "B", "STORE 3 -FLAGS.SILENT (\\Seen)")
        self.assertEqual(untagged, [], "SILENT sends nothing without CONDSTORE")
        untagged = self.ok(conn, "C", "UID STORE 2:3 FLAGS (\\Draft)")
        self.assertEqual(sorted(untagged), [
            "* 2 FETCH (UID 2 FLAGS (\\Draft))", "* 3 FETCH (UID 3 FLAGS (\\Draft))"])
        # System flags in any case are stored in their standard spelling.
        untagged = self.ok(conn, "D", "STORE 4 +FLAGS (\\flagged)")
        self.assertEqual(untagged, ["* 4 FETCH (FLAGS (\\Flagged))"])
        self.assertEqual(self.flags(conn)[4], {"\\Flagged"})

    def test_store_refusals_change_nothing(self) -> None:
        conn = self.selected()
        before = self.flags(conn)
        _, status = conn.command("A", "STORE 1:* +FLAGS (\\Seen \\Deleted)")
        self.assertEqual((status.status, status.code), ("NO", "CANNOT"))
        _, status = conn.command("B", "STORE 1 FLAGS (\\Recent)")
        self.assertEqual((status.status, status.code), ("BAD", "CLIENTBUG"))
        _, status = conn.command("C", "STORE 9 +FLAGS (\\Seen)")
        self.assertEqual(status.status, "BAD")
        self.assertEqual(self.flags(conn), before)
        # Removing \Deleted changes nothing and is no error.
        self.ok(conn, "D", "STORE 1 -FLAGS (\\Deleted)")

    def test_fetch_body_sets_seen_peek_does_not(self) -> None:
        conn = self.selected()
        untagged = self.ok(conn, "P", "FETCH 3 (BODY.PEEK[] RFC822.HEADER BINARY.PEEK[1])")
        self.assertNotIn("FLAGS", "".join(untagged))
        self.assertNotIn("\\Seen", self.flags(conn)[3])
        # RFC 3501 6.4.5: the \Seen flag is set, and reported with the body.
        conn.send_line("B FETCH 3:4 BODY[TEXT]")
        responses = [conn.read_response() for _ in range(2)]
        _, status = conn.read_until_tagged("B")
        self.assertEqual(status.status, "OK")
        for response in responses:
            self.assertRegex(response, r"^\* [34] FETCH \(BODY\[TEXT\] \{\d+\}body [34]\r\n "
                                       r"FLAGS \(\\Seen\)\)$")
        flags = self.flags(conn)
        self.assertEqual((flags[3], flags[4]), ({"\\Seen"}, {"\\Seen"}))
        # Already seen: no FLAGS the second time.
        untagged = self.ok(conn, "C", "FETCH 3 RFC822.TEXT")
        self.assertNotIn("FLAGS", "".join(untagged))

    def test_flags_are_per_user_and_the_archive_is_untouched(self) -> None:
        jon = self.selected()
        self.ok(jon, "A", "STORE 3 +FLAGS (\\Flagged $Jon)")
        mary = self.selected(h.JD_OTHER_LOGIN, h.JD_OTHER_PASSWORD,
                             f"Other Users/{h.JD_USER}/INBOX")
        mary_flags = self.flags(mary)
        self.assertEqual(mary_flags[3], set(), "Mary starts from the archived flags")
        self.ok(mary, "B", "STORE 4 +FLAGS (\\Seen)")
        self.assertEqual(self.flags(jon)[4], set(), "Mary's \\Seen is hers alone")
        self.assertEqual(self.flags(jon)[3], {"\\Flagged", "$Jon"})
        # The archived bytes are what was imported, and verify agrees.
        for uid, source in ((3, message(3)), (4, message(4))):
            untagged = self.ok(jon, f"F{uid}", f"UID FETCH {uid} BODY.PEEK[]")
            self.assertIn(source.decode(), "\n".join(untagged))
        verify = self.vellum("verify", h.JD_INSTANCE)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)

    def test_flags_survive_a_new_connection(self) -> None:
        conn = self.selected()
        self.ok(conn, "A", "STORE 2 +FLAGS ($Keep)")
        again = self.login()
        self.ok(again, "S", "EXAMINE INBOX")
        self.assertIn("$Keep", self.flags(again)[2])

    # ---- other sessions of the same user -----------------------------------

    def test_another_session_hears_of_changes_at_noop_and_in_idle(self) -> None:
        writer = self.selected()
        reader = self.login()
        self.ok(reader, "S", "SELECT INBOX")
        self.ok(writer, "A", "STORE 4 +FLAGS (\\Flagged)")
        untagged = self.ok(reader, "N", "NOOP")
        self.assertEqual(untagged, ["* 4 FETCH (FLAGS (\\Flagged))"])
        self.assertEqual(self.ok(reader, "N2", "NOOP"), [], "reported once")
        reader.send_line("I IDLE")
        self.assertTrue(reader.read_line().startswith("+"))
        started = time.monotonic()
        self.ok(writer, "B", "STORE 4 -FLAGS (\\Flagged)")
        self.assertEqual(reader.read_line(timeout=5), "* 4 FETCH (FLAGS ())")
        self.assertLess(time.monotonic() - started, 3.0)
        reader.send_line("DONE")
        _, status = reader.read_until_tagged("I")
        self.assertEqual(status.status, "OK")

    # ---- CONDSTORE (RFC 7162 3.1) ---------------------------------------------

    def highest_modseq(self, untagged: list) -> int:
        values = [int(m.group(1)) for l in untagged
                  if (m := re.match(r"^\* OK \[HIGHESTMODSEQ (\d+)\]", l))]
        self.assertEqual(len(values), 1, untagged)
        return values[0]

    def test_condstore(self) -> None:
        conn = self.login()
        untagged = self.ok(conn, "S", "SELECT INBOX (CONDSTORE)")
        highest = self.highest_modseq(untagged)
        self.reset(conn)
        untagged = self.ok(conn, "M", "FETCH 1:* (MODSEQ)")
        modseqs = {fetch_items(l)[0]: int(fetch_items(l)[1]["MODSEQ"]) for l in untagged}
        self.assertEqual(sorted(modseqs), [1, 2, 3, 4])
        current = max(modseqs.values())
        self.assertGreaterEqual(current, highest)

        # .SILENT still reports the new MODSEQ (3.1.3), with the UID (3.2.4).
        untagged = self.ok(conn, "A", "STORE 3 +FLAGS.SILENT (\\Answered)")
        self.assertEqual(len(untagged), 1, untagged)
        number, items = fetch_items(untagged[0])
        self.assertEqual((number, items["UID"]), (3, "3"))
        stored = int(items["MODSEQ"])
        self.assertGreater(stored, current)

        # CHANGEDSINCE (3.1.4.1): only what changed, MODSEQ implied.
        untagged = self.ok(conn, "C", f"FETCH 1:* (FLAGS) (CHANGEDSINCE {stored - 1})")
        self.assertEqual(len(untagged), 1, untagged)
        number, items = fetch_items(untagged[0])
        self.assertEqual((number, int(items["MODSEQ"])), (3, stored))
        self.assertEqual(flags_of(items), {"\\Answered"})

        # UNCHANGEDSINCE (3.1.3): message 3 changed after `current`, so it is
        # left alone and named in MODIFIED; message 4 is stored.
        untagged, status = conn.command(
            "U", f"STORE 3:4 (UNCHANGEDSINCE {current}) +FLAGS (\\Flagged)")
        self.assertEqual((status.status, status.code), ("OK", "MODIFIED 3"), status.line)
        self.assertEqual([fetch_items(l)[0] for l in untagged], [4])
        self.assertNotIn("\\Flagged", self.flags(conn)[3])
        untagged, status = conn.command(
            "V", f"UID STORE 3 (UNCHANGEDSINCE {current}) +FLAGS (\\Flagged)")
        self.assertEqual(status.code, "MODIFIED 3", "UIDs for UID STORE")

        # SEARCH MODSEQ (3.1.5, 3.1.6): the highest modseq of what matched.
        untagged = self.ok(conn, "Q", f"SEARCH MODSEQ {stored}")
        match = re.match(r"^\* SEARCH ((?:\d+ ?)+) \(MODSEQ (\d+)\)$", untagged[0])
        self.assertIsNotNone(match, untagged)
        self.assertIn("3", match.group(1).split())
        untagged = self.ok(conn, "Q2", f"SEARCH RETURN (COUNT) MODSEQ {stored}")
        self.assertRegex(untagged[0], r"^\* ESEARCH \(TAG \"Q2\"\) COUNT \d+ MODSEQ \d+$")

        # STATUS and a new SELECT report the new HIGHESTMODSEQ.
        untagged = self.ok(conn, "S2", "SELECT INBOX (CONDSTORE)")
        self.assertGreaterEqual(self.highest_modseq(untagged), stored + 1)

    def test_enable_condstore_while_selected_reports_highestmodseq(self) -> None:
        conn = self.selected()
        untagged = self.ok(conn, "E", "ENABLE CONDSTORE")
        self.assertIn("* ENABLED CONDSTORE", untagged)
        self.highest_modseq(untagged)
        # Now unsolicited and STORE FETCH responses carry UID and MODSEQ.
        untagged = self.ok(conn, "A", "STORE 4 +FLAGS (\\Draft)")
        number, items = fetch_items(untagged[0])
        self.assertEqual((number, items["UID"]), (4, "4"))
        self.assertIn("MODSEQ", items)

    # ---- QRESYNC (RFC 7162 3.2) -------------------------------------------------

    def test_qresync(self) -> None:
        conn = self.login()
        _, status = conn.command("B", "SELECT INBOX (QRESYNC (1 1))")
        self.assertEqual(status.status, "BAD", "QRESYNC needs ENABLE QRESYNC (3.2.5)")
        self.assertEqual(self.ok(conn, "E", "ENABLE QRESYNC"), ["* ENABLED QRESYNC"])
        untagged = self.ok(conn, "S", "SELECT INBOX")
        highest = self.highest_modseq(untagged)
        validity = int(re.search(r"UIDVALIDITY (\d+)", "\n".join(untagged)).group(1))
        self.reset(conn)
        self.ok(conn, "A", "STORE 2 +FLAGS (\\Flagged)")

        # Reconnect and resynchronise in one round trip: only message 2
        # (and whatever reset() changed) comes back, with its UID; UIDs the
        # client knows but the folder never had are VANISHED (EARLIER).
        again = self.login()
        self.ok(again, "E", "ENABLE QRESYNC")
        untagged = self.ok(again, "S", f"SELECT INBOX (QRESYNC ({validity} {highest} 1:9))")
        fetched = {int(fetch_items(l)[1]["UID"]): fetch_items(l)[1]
                   for l in untagged if " FETCH " in l}
        self.assertIn(2, fetched)
        self.assertEqual(flags_of(fetched[2]), {"\\Answered", "\\Flagged"})
        self.assertIn("MODSEQ", fetched[2])
        self.assertFalse([l for l in untagged if l.startswith("* VANISHED")],
                         "UIDs 5:9 were never assigned (UIDNEXT 5): nothing vanished")
        # Up to date: nothing to send.
        new_highest = self.highest_modseq(untagged)
        untagged = self.ok(again, "S2", f"SELECT INBOX (QRESYNC ({validity} {new_highest}))")
        self.assertEqual(untagged[0], "* OK [CLOSED] Previous mailbox closed")
        self.assertFalse([l for l in untagged if " FETCH " in l], untagged)
        # A UIDVALIDITY mismatch ignores the rest (3.2.5).
        untagged = self.ok(again, "S3", f"SELECT INBOX (QRESYNC ({validity + 1} 1))")
        self.assertFalse([l for l in untagged if " FETCH " in l], untagged)
        # UID FETCH ... (CHANGEDSINCE n VANISHED) (3.2.6)
        untagged = self.ok(again, "F", f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {new_highest} VANISHED)")
        self.assertEqual(untagged, [])
        _, status = again.command("G", f"FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
        self.assertEqual(status.status, "BAD", "VANISHED only with UID FETCH")


class ArchiveChecksum(h.ArchiveServerTestCase):
    """STOREs never write to a stored message: its SHA-256 over IMAP is the
    same before and after the user changed every flag it may."""

    @classmethod
    def populate(cls) -> None:
        cls.import_files(h.JD_LOGIN, {f"{n}.eml": message(n) for n in range(1, 6)})

    def test_stores_leave_the_bytes(self) -> None:
        conn = h.connect_tls(self.server)
        self.addCleanup(conn.close)
        conn.command("L", f'LOGIN "{h.JD_LOGIN}" "{h.JD_PASSWORD}"')
        conn.command("S", "SELECT INBOX")

        def digests() -> list:
            untagged, status = conn.command("F", "FETCH 1:* BODY.PEEK[]")
            self.assertEqual(status.status, "OK")
            return [hashlib.sha256(l.encode()).hexdigest() for l in untagged]

        before = digests()
        for tag, command in enumerate(["STORE 1:* +FLAGS (\\Seen \\Answered \\Flagged \\Draft)",
                                       "STORE 1:* +FLAGS ($a $b)", "STORE 1:* -FLAGS (\\Seen)",
                                       "STORE 1:* FLAGS ()"]):
            _, status = conn.command(f"T{tag}", command)
            self.assertEqual(status.status, "OK")
        self.assertEqual(digests(), before)


if __name__ == "__main__":
    unittest.main()
