"""Thunderbird's start-up sequence, replayed over implicit TLS with the raw
harness client, each answer checked against RFC 3501 and the extensions:

    capability / authenticate PLAIN (SASL-IR) / ID / ENABLE CONDSTORE /
    NAMESPACE / LIST "" "*" / LSUB "" "*" / SELECT "INBOX" (CONDSTORE) /
    UID fetch 1:* (FLAGS) / UID fetch n:* (UID RFC822.SIZE FLAGS
    BODY.PEEK[HEADER.FIELDS (...)]) / IDLE ... DONE / logout

(lower-case command names and tag numbering as Thunderbird sends them).
"""

import re
import unittest

import vellum_harness as h
from test_corpus_fetch import CORPUS, normalize

# Thunderbird 115's header list for the message list.
TB_FIELDS = ("From To Cc Bcc Subject Date Message-ID Priority X-Priority References "
             "Newsgroups In-Reply-To Content-Type Reply-To")
INBOX_SOURCE = "mimekit/eml"
INBOX_COUNT = 15


# ---- a parser for one untagged response (literals already inlined) -------------

class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r} at {self.pos}: {self.text[self.pos:self.pos + 40]!r}")
        self.pos += 1

    def value(self):
        c = self.peek()
        if c == "(":
            self.pos += 1
            items = []
            while self.peek() != ")":
                if not self.peek():
                    raise ValueError("unterminated list")
                items.append(self.value())
                if self.peek() == " ":
                    self.pos += 1
            self.pos += 1
            return items
        if c == '"':
            self.pos += 1
            out = []
            while True:
                c = self.peek()
                if not c:
                    raise ValueError("unterminated quoted string")
                self.pos += 1
                if c == '"':
                    return "".join(out)
                if c == "\\":
                    c = self.peek()
                    self.pos += 1
                out.append(c)
        if c == "{":
            match = re.compile(r"\{(\d+)\}").match(self.text, self.pos)
            if not match:
                raise ValueError(f"bad literal at {self.pos}")
            start = match.end()
            self.pos = start + int(match.group(1))
            return ("literal", self.text[start:self.pos])
        # An atom; BODY[...]<n> and the like are one token, brackets nested.
        start = self.pos
        depth = 0
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
            elif depth == 0 and c in " ()":
                break
            self.pos += 1
        if start == self.pos:
            raise ValueError(f"empty atom at {self.pos}: {self.text[self.pos:self.pos + 40]!r}")
        return self.text[start:self.pos]


def parse_fetch(line: str):
    """'* n FETCH (...)' -> (n, {ITEM: value}), item names upper-cased."""
    match = re.match(r"\* (\d+) FETCH ", line)
    if not match:
        raise ValueError(f"not a FETCH response: {line[:80]!r}")
    parser = Parser(line[match.end():])
    items = parser.value()
    if parser.pos != len(parser.text):
        raise ValueError(f"junk after the FETCH list: {parser.text[parser.pos:][:40]!r}")
    if len(items) % 2:
        raise ValueError(f"odd number of FETCH items: {items!r}")
    return int(match.group(1)), {items[i].upper(): items[i + 1] for i in range(0, len(items), 2)}


class ThunderbirdReplay(h.ArchiveServerTestCase):
    # The status and capability checks of the one-server-per-class tests.
    assertStatus = h.ServerTestCase.assertStatus
    capability_command = h.ServerTestCase.capability_command
    greeting_capabilities = h.ServerTestCase.greeting_capabilities

    @classmethod
    def setUpClass(cls) -> None:
        if not CORPUS.is_dir():
            raise unittest.SkipTest(f"no corpus at {CORPUS}")
        super().setUpClass()

    @classmethod
    def populate(cls) -> None:
        files = sorted(p for p in (CORPUS / INBOX_SOURCE).iterdir() if p.is_file())[:INBOX_COUNT]
        cls.inbox = [f.read_bytes() for f in files]
        cls.import_files(h.JD_LOGIN, {f"{i:03}.eml": m for i, m in enumerate(cls.inbox)},
                         "--folder", "INBOX")
        cls.import_files(h.JD_LOGIN, {"a.eml": cls.inbox[0]}, "--folder", "Archives/2020")
        cls.import_files(h.JD_LOGIN, {"a.eml": cls.inbox[1]}, "--folder", "Sent")

    def ok(self, conn, tag, command):
        untagged, status = conn.command(tag, command)
        self.assertStatus(conn, status, "OK", msg=command)
        return untagged, status

    def test_startup_sequence(self) -> None:
        conn = h.connect_tls(self.server, "thunderbird")
        self.addCleanup(conn.close)
        greeting_caps = self.greeting_capabilities(conn)
        self.assertIn("AUTH=PLAIN", greeting_caps)

        # 1 capability
        caps = self.capability_command(conn, "1")
        for cap in ("IMAP4REV1", "SASL-IR", "AUTH=PLAIN"):
            self.assertIn(cap, caps)

        # 2 authenticate PLAIN with the initial response (SASL-IR)
        untagged, status = conn.command(
            "2", "authenticate PLAIN " + h.plain_response(h.JD_LOGIN, h.JD_PASSWORD))
        self.assertStatus(conn, status, "OK", msg="authenticate")
        # Thunderbird re-reads capabilities unless the OK carries them.
        if status.code_atom == "CAPABILITY":
            caps = h.capabilities_of(status.code)
        else:
            caps = self.capability_command(conn, "2a")
        self.assertNotIn("LOGINDISABLED", caps)
        for cap in ("IMAP4REV1", "ID", "ENABLE", "IDLE", "NAMESPACE", "LITERAL+", "CONDSTORE"):
            self.assertIn(cap, caps)

        # 3 ID: exactly one * ID response (RFC 2971 3.1), NIL or a list of pairs
        untagged, _ = self.ok(conn, "3", 'ID ("name" "Thunderbird" "version" "115.3.1")')
        ids = [l for l in untagged if l.upper().startswith("* ID ")]
        self.assertEqual(len(ids), 1, untagged)
        id_value = Parser(ids[0][5:]).value()
        if id_value != "NIL":
            self.assertIsInstance(id_value, list)
            self.assertEqual(len(id_value) % 2, 0, ids[0])

        # 4 ENABLE CONDSTORE (RFC 5161 3.1, RFC 7162 3.1): enabled, and said so.
        untagged, _ = self.ok(conn, "4", "ENABLE CONDSTORE")
        self.assertEqual(untagged, ["* ENABLED CONDSTORE"])

        # 5 NAMESPACE (RFC 2342 5): personal namespace "" with "/"
        untagged, _ = self.ok(conn, "5", "NAMESPACE")
        self.assertEqual(len(untagged), 1, untagged)
        self.assertTrue(untagged[0].startswith('* NAMESPACE (("" "/"))'), untagged)

        # 6 LIST "" "*" and 7 LSUB "" "*" (RFC 3501 7.2.2/7.2.3)
        listed = {}
        untagged, _ = self.ok(conn, "6", 'list "" "*"')
        for line in untagged:
            match = re.match(r'^\* LIST \(([^)]*)\) "/" (.+)$', line)
            self.assertIsNotNone(match, line)
            name = Parser(match.group(2)).value()
            self.assertIsInstance(name, str)
            listed[name] = match.group(1).split()
        for folder in ("INBOX", "Sent", "Archives/2020"):
            self.assertIn(folder, listed, untagged)
        self.assertEqual(len(listed), len(untagged), "a folder listed twice")
        untagged, _ = self.ok(conn, "7", 'lsub "" "*"')
        for line in untagged:
            match = re.match(r'^\* LSUB \(([^)]*)\) "/" (.+)$', line)
            self.assertIsNotNone(match, line)
            self.assertIn(Parser(match.group(2)).value(), listed, line)

        # 8 SELECT "INBOX" (CONDSTORE) (RFC 3501 6.3.1): FLAGS, EXISTS, RECENT,
        # UIDVALIDITY, UIDNEXT; READ-WRITE, for the user's own flags may
        # change; HIGHESTMODSEQ once CONDSTORE is on (RFC 7162 3.1.2.1).
        untagged, status = self.ok(conn, "8", 'select "INBOX" (CONDSTORE)')
        self.assertEqual(status.code_atom, "READ-WRITE", status.line)
        highest = [int(m.group(1)) for l in untagged
                   if (m := re.match(r"^\* OK \[HIGHESTMODSEQ (\d+)\]", l))]
        self.assertEqual(len(highest), 1, untagged)
        self.assertGreaterEqual(highest[0], len(self.inbox), untagged)
        permanent = [l for l in untagged if l.startswith("* OK [PERMANENTFLAGS (")]
        self.assertEqual(len(permanent), 1, untagged)
        self.assertIn("\\*", permanent[0])
        self.assertNotIn("\\Deleted", permanent[0])
        self.assertIn(f"* {len(self.inbox)} EXISTS", untagged)
        self.assertTrue(any(re.match(r"^\* \d+ RECENT$", l) for l in untagged), untagged)
        self.assertTrue(any(re.match(r"^\* FLAGS \(.*\)$", l) for l in untagged), untagged)
        self.assertTrue(any(re.match(r"^\* OK \[UIDVALIDITY [1-9]\d*\]", l) for l in untagged),
                        untagged)
        uidnext = [int(m.group(1)) for l in untagged
                   if (m := re.match(r"^\* OK \[UIDNEXT (\d+)\]", l))]
        self.assertEqual(uidnext, [len(self.inbox) + 1], untagged)

        # 9 UID fetch 1:* (FLAGS): one FETCH per message with UID (6.4.8)
        untagged, _ = self.ok(conn, "9", "UID fetch 1:* (FLAGS)")
        self.assertEqual(len(untagged), len(self.inbox), untagged)
        uids = []
        for seq, line in enumerate(untagged, 1):
            number, items = parse_fetch(line)
            self.assertEqual(number, seq, line)
            self.assertIn("UID", items, line)
            self.assertIsInstance(items.get("FLAGS"), list, line)
            uids.append(int(items["UID"]))
        self.assertEqual(uids, list(range(1, len(self.inbox) + 1)))

        # 10 the message list's headers from the first UID on
        first = 1
        untagged, _ = self.ok(
            conn, "10",
            f"UID fetch {first}:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS ({TB_FIELDS})])")
        self.assertEqual(len(untagged), len(self.inbox), [l[:80] for l in untagged])
        wanted = {f.lower() for f in TB_FIELDS.split()}
        for seq, line in enumerate(untagged, 1):
            with self.subTest(message=seq):
                number, items = parse_fetch(line)
                self.assertEqual(number, seq)
                self.assertEqual(int(items["UID"]), seq)
                self.assertIsInstance(items["FLAGS"], list)
                source = normalize(self.inbox[seq - 1])
                self.assertEqual(int(items["RFC822.SIZE"]), len(source))
                # The item comes back named as requested, without .PEEK (7.4.2).
                keys = [k for k in items if k.startswith("BODY[")]
                self.assertEqual(len(keys), 1, list(items))
                self.assertTrue(keys[0].startswith("BODY[HEADER.FIELDS ("), keys[0])
                value = items[keys[0]]
                text = value[1] if isinstance(value, tuple) else value
                self.assertTrue(text.endswith("\r\n"), repr(text[-20:]))
                # Only the requested fields, each one from the source header.
                header = source.split(b"\r\n\r\n", 1)[0].decode("latin-1")
                source_fields = {m.group(1).lower()
                                 for m in re.finditer(r"^([^\s:]+):", header, re.M)}
                got_fields = {m.group(1).lower()
                              for m in re.finditer(r"^([^\s:]+):", text, re.M)}
                self.assertLessEqual(got_fields, wanted, text)
                self.assertEqual(got_fields, source_fields & wanted, text)

        # A fetch with a UID range past the end answers the last message
        # (RFC 3501 6.4.8: n:* with n > UIDNEXT-1 still includes the last).
        untagged, _ = self.ok(conn, "11", f"UID fetch {len(self.inbox) + 5}:* (FLAGS)")
        self.assertEqual(len(untagged), 1, untagged)
        self.assertEqual(int(parse_fetch(untagged[0])[1]["UID"]), len(self.inbox))

        # 12 IDLE ... DONE (RFC 2177)
        conn.send_line("12 IDLE")
        line = conn.read_line()
        self.assertTrue(line.startswith("+"), line)
        conn.assert_nothing_received(0.5)
        conn.send_line("DONE")
        untagged, status = conn.read_until_tagged("12")
        self.assertStatus(conn, status, "OK", msg="IDLE")
        self.assertEqual(untagged, [])

        # 13 logout
        untagged, status = conn.command("13", "logout")
        self.assertStatus(conn, status, "OK", msg="logout")
        self.assertTrue(any(l.upper().startswith("* BYE") for l in untagged), untagged)


if __name__ == "__main__":
    unittest.main()
