"""SEARCH over imported messages whose answers are known exactly: every
RFC 3501 key vellumd supports, nesting with OR and NOT, UID SEARCH and
ESEARCH (RFC 4731), case-insensitive substrings in headers and bodies,
RFC 2047 and quoted-printable text, and short needles that the trigram index
cannot serve.
"""

import unittest

import vellum_harness as h

MESSAGES = [
    # 1
    b"From: Alice Archer <alice@example.com>\r\n"
    b"To: Bob <bob@example.com>\r\n"
    b"Subject: Quarterly report\r\n"
    b"Date: Mon, 06 Jan 2020 10:00:00 +0000\r\n"
    b"X-Project: Vellum\r\n"
    b"\r\n"
    b"The natural gas numbers are in.\r\n",
    # 2: RFC 2047 subject, quoted-printable body with a soft line break
    b"From: =?UTF-8?Q?Ren=C3=A9e_Dupont?= <renee@example.org>\r\n"
    b"To: alice@example.com\r\n"
    b"Cc: carol@example.net\r\n"
    b"Subject: =?UTF-8?B?UsOpdW5pb24gZGUgbWFyZGk=?=\r\n"
    b"Date: Tue, 15 Sep 2020 23:30:00 -0700\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Caf=C3=A9 au lait, lon=\r\n"
    b"gue r=C3=A9union.\r\n",
    # 3: big, bare LF line ends, no Date
    b"From: bob@example.com\n"
    b"To: alice@example.com\n"
    b"Subject: Re: Quarterly report\n"
    b"\n" + b"Lots of text. " * 1000 + b"\n",
]


class Search(h.ArchiveServerTestCase):
    @classmethod
    def populate(cls) -> None:
        cls.import_files(h.JD_LOGIN, {f"{i:02d}.eml": m for i, m in enumerate(MESSAGES, 1)})

    def setUp(self) -> None:
        self.conn = h.connect_tls(self.server)
        self.assertEqual(self.conn.command("L", f'LOGIN "{h.JD_LOGIN}" "{h.JD_PASSWORD}"')[1].status, "OK")
        self.assertEqual(self.conn.command("S", "EXAMINE INBOX")[1].status, "OK")

    def tearDown(self) -> None:
        self.conn.close()

    def lines(self, tag: str, text: str) -> list:
        """The untagged lines and then the tagged one, as text."""
        untagged, status = self.conn.command(tag, text)
        return list(untagged) + [status.line]

    def search(self, criteria: str, command: str = "SEARCH") -> list:
        lines = self.lines("T", f"{command} {criteria}")
        self.assertTrue(lines[-1].startswith("T OK"), lines)
        found = [line for line in lines if line.startswith("* SEARCH")]
        self.assertEqual(len(found), 1, lines)
        return [int(n) for n in found[0].split()[2:]]

    def test_header_keys_are_case_insensitive_substrings(self) -> None:
        self.assertEqual(self.search('FROM "ALICE"'), [1])
        self.assertEqual(self.search('FROM "example.com"'), [1, 3])
        self.assertEqual(self.search("TO alice"), [2, 3])
        self.assertEqual(self.search("CC carol"), [2])
        self.assertEqual(self.search("BCC carol"), [])
        self.assertEqual(self.search('SUBJECT "quarterly"'), [1, 3])
        self.assertEqual(self.search("HEADER X-Project vell"), [1])
        self.assertEqual(self.search('HEADER X-Project ""'), [1])
        self.assertEqual(self.search("HEADER X-Missing x"), [])

    def test_rfc2047_words_and_utf8_are_searched_decoded(self) -> None:
        self.assertEqual(self.search('FROM "renée"', "SEARCH CHARSET UTF-8"), [2])
        self.assertEqual(self.search('SUBJECT "RÉUNION"', "SEARCH CHARSET UTF-8"), [2])

    def test_body_and_text(self) -> None:
        self.assertEqual(self.search('BODY "NATURAL GAS"'), [1])
        # A soft line break of quoted-printable is not in the decoded text.
        self.assertEqual(self.search('BODY "longue"'), [2])
        self.assertEqual(self.search("BODY quarterly"), [])
        self.assertEqual(self.search("TEXT quarterly"), [1, 3])
        self.assertEqual(self.search("TEXT lo"), [2, 3])  # shorter than a trigram
        self.assertEqual(self.search('BODY ""'), [1, 2, 3])

    def test_dates_sizes_and_sets(self) -> None:
        self.assertEqual(self.search("SENTON 6-Jan-2020"), [1])
        # 23:30 at -0700 is the 15th where it was sent.
        self.assertEqual(self.search("SENTON 15-Sep-2020"), [2])
        self.assertEqual(self.search("SENTBEFORE 1-Feb-2020"), [1])
        self.assertEqual(self.search("SENTSINCE 1-Feb-2020"), [2])
        self.assertEqual(self.search("LARGER 10000"), [3])
        self.assertEqual(self.search("SMALLER 10000"), [1, 2])
        self.assertEqual(self.search("2:*"), [2, 3])
        self.assertEqual(self.search("UID 1,3"), [1, 3])

    def test_boolean_structure(self) -> None:
        self.assertEqual(self.search("NOT FROM alice"), [2, 3])
        self.assertEqual(self.search("OR FROM renee LARGER 10000"), [2, 3])
        self.assertEqual(self.search("(FROM bob SUBJECT re) OR 1 2"), [])
        self.assertEqual(self.search("NOT (OR 1 (FROM bob))"), [2])
        self.assertEqual(self.search("ALL UNSEEN"), [1, 2, 3])
        self.assertEqual(self.search("SEEN"), [])

    def test_uid_search_and_esearch(self) -> None:
        self.assertEqual(self.search("SUBJECT quarterly", "UID SEARCH"), [1, 3])
        lines = self.lines("E", "SEARCH RETURN (MIN MAX COUNT ALL) TEXT quarterly")
        self.assertIn('* ESEARCH (TAG "E") MIN 1 MAX 3 ALL 1,3 COUNT 2', lines)
        lines = self.lines("F", "UID SEARCH RETURN () ALL")
        self.assertIn('* ESEARCH (TAG "F") UID ALL 1:3', lines)
        lines = self.lines("G", "SEARCH RETURN (COUNT) FROM nobody")
        self.assertIn('* ESEARCH (TAG "G") COUNT 0', lines)

    def test_sort_and_thread(self) -> None:
        # RFC 5256: "Re: Quarterly report" has the base subject of message 1.
        self.assertIn("* SORT 1 3 2", self.lines("O", "SORT (SUBJECT) UTF-8 ALL"))
        self.assertIn("* SORT 3 2 1", self.lines("O", "SORT (REVERSE SIZE) UTF-8 ALL"))
        self.assertIn("* SORT 1 3", self.lines("O", "UID SORT (SUBJECT) UTF-8 SUBJECT quarterly"))
        self.assertIn("* THREAD (1 3)(2)", self.lines("H", "THREAD ORDEREDSUBJECT UTF-8 ALL"))
        self.assertIn("* THREAD (1 3)(2)", self.lines("H", "THREAD REFERENCES UTF-8 ALL"))
        self.assertIn("* THREAD", self.lines("H", "THREAD REFERENCES UTF-8 FROM nobody"))
        self.assertTrue(self.lines("X", "SORT (NONSENSE) UTF-8 ALL")[-1].startswith("X BAD"))
        self.assertTrue(self.lines("X", "THREAD NONSENSE UTF-8 ALL")[-1].startswith("X NO"))

    def test_unknown_charset(self) -> None:
        lines = self.lines("C", "SEARCH CHARSET KOI8-R ALL")
        self.assertTrue(lines[-1].startswith("C NO [BADCHARSET"), lines)


if __name__ == "__main__":
    unittest.main()
