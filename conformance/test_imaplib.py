"""Python's imaplib as a real client: IMAP4_SSL, and IMAP4 + starttls()."""

import imaplib
import time
import unittest

from test_corpus_fetch import CORPUS
from vellum_harness import (
    ACME_LOGIN, ACME_PASSWORD, HOST, JD_ALIAS, JD_LOGIN, JD_PASSWORD, JD_USER, TIMEOUT,
    ArchiveServerTestCase, ServerTestCase, client_context,
)


class Imaplib(ServerTestCase):

    def ssl_client(self):
        # imaplib verifies the certificate against host "127.0.0.1" (IP SAN).
        client = imaplib.IMAP4_SSL(HOST, self.server.tls_port,
                                   ssl_context=client_context(self.data), timeout=TIMEOUT)
        self.addCleanup(self.shutdown, client)
        return client

    def starttls_client(self):
        client = imaplib.IMAP4(HOST, self.server.port, timeout=TIMEOUT)
        self.addCleanup(self.shutdown, client)
        return client

    @staticmethod
    def shutdown(client):
        try:
            client.shutdown()
        except OSError:
            pass

    def session(self, client, login=JD_LOGIN, password=JD_PASSWORD):
        typ, _ = client.login(login, password)
        self.assertEqual(typ, "OK")
        self.assertEqual(client.state, "AUTH")
        typ, data = client.list()
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [b'(\\HasNoChildren) "/" INBOX'])
        typ, data = client.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [b"0"])
        typ, data = client.uid("SEARCH", "ALL")
        self.assertEqual((typ, data), ("OK", [b""]))
        typ, data = client.status("INBOX", "(MESSAGES)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"MESSAGES 0", data[0])
        typ, data = client.namespace()
        self.assertEqual((typ, data), ("OK", [b'(("" "/")) NIL NIL']))
        typ, _ = client.close()
        self.assertEqual(typ, "OK")
        typ, _ = client.logout()
        self.assertEqual(typ, "BYE")

    def test_imap4_ssl(self):
        client = self.ssl_client()
        self.assertIn("AUTH=PLAIN", client.capabilities)
        self.assertNotIn("LOGINDISABLED", client.capabilities)
        self.session(client)

    def test_imap4_starttls(self):
        client = self.starttls_client()
        self.assertIn("STARTTLS", client.capabilities)
        self.assertIn("LOGINDISABLED", client.capabilities)
        typ, _ = client.starttls(ssl_context=client_context(self.data))
        self.assertEqual(typ, "OK")
        # imaplib asked for the capabilities again after TLS.
        self.assertIn("AUTH=PLAIN", client.capabilities)
        self.assertNotIn("STARTTLS", client.capabilities)
        self.session(client)

    def test_login_in_the_clear_is_refused(self):
        client = self.starttls_client()
        with self.assertRaises(imaplib.IMAP4.error) as caught:
            client.login(JD_LOGIN, JD_PASSWORD)
        self.assertIn("PRIVACYREQUIRED", str(caught.exception))

    def test_alias_login_and_other_tenant(self):
        self.session(self.ssl_client(), f"{JD_ALIAS}/{JD_USER}", JD_PASSWORD)
        self.session(self.ssl_client(), ACME_LOGIN, ACME_PASSWORD)

    def test_wrong_password(self):
        client = self.ssl_client()
        with self.assertRaises(imaplib.IMAP4.error) as caught:
            client.login(JD_LOGIN, ACME_PASSWORD)
        self.assertIn("AUTHENTICATIONFAILED", str(caught.exception))

    def test_authenticate_plain(self):
        client = self.ssl_client()
        # imaplib sends AUTHENTICATE PLAIN and answers the "+" continuation.
        typ, _ = client.authenticate(
            "PLAIN", lambda _challenge: f"\0{JD_LOGIN}\0{JD_PASSWORD}".encode())
        self.assertEqual(typ, "OK")
        typ, _ = client.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK")

    def test_select_for_writing_is_read_write(self):
        # imaplib raises IMAP4.readonly when a SELECT answers [READ-ONLY];
        # SELECT opens the folder read-write for the user's own flags.
        client = self.ssl_client()
        client.login(JD_LOGIN, JD_PASSWORD)
        typ, data = client.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"0"]))
        self.assertEqual(client.untagged_responses.get("READ-WRITE"), [b""])

    def test_append_is_refused(self):
        client = self.ssl_client()
        client.login(JD_LOGIN, JD_PASSWORD)
        typ, data = client.append("INBOX", None, None, b"Subject: x\r\n\r\nbody\r\n")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[CANNOT]", data[0])
        typ, _ = client.noop()
        self.assertEqual(typ, "OK")

    def test_idle_not_needed_noop_and_capability(self):
        client = self.ssl_client()
        client.login(JD_LOGIN, JD_PASSWORD)
        typ, data = client.capability()
        self.assertEqual(typ, "OK")
        self.assertIn(b"NAMESPACE", data[0])
        self.assertEqual(client.noop()[0], "OK")



class ImaplibOnAnArchive(ArchiveServerTestCase):
    """imaplib through every command a reader of an archive uses, on real
    corpus messages: LIST, STATUS, SELECT/EXAMINE, FETCH (each item),
    STORE, SEARCH, SORT, THREAD, UID forms, CHECK, CLOSE, UNSELECT, and the
    refused changes."""

    @classmethod
    def populate(cls) -> None:
        cls.sources = {}
        for path in sorted((CORPUS / "mimekit" / "eml").glob("*.eml"))[:12]:
            cls.sources[path.name] = path.read_bytes()
        cls.import_files(JD_LOGIN, cls.sources)
        cls.import_files(JD_LOGIN, {"x.eml": b"Subject: projects\r\n\r\nplans\r\n"},
                         "--folder", "Projects/2024")

    def client(self):
        client = imaplib.IMAP4_SSL(HOST, self.server.tls_port,
                                   ssl_context=client_context(self.data), timeout=TIMEOUT)
        self.addCleanup(Imaplib.shutdown, client)
        self.assertEqual(client.login(JD_LOGIN, JD_PASSWORD)[0], "OK")
        return client

    def test_folders(self):
        client = self.client()
        typ, data = client.list()
        self.assertEqual(typ, "OK")
        self.assertIn(b'(\\Noselect \\HasChildren) "/" Projects', data)
        self.assertIn(b'(\\HasNoChildren) "/" Projects/2024', data)
        typ, data = client.lsub()
        self.assertEqual(typ, "OK")
        typ, data = client.status("Projects/2024", "(MESSAGES UIDNEXT UNSEEN)")
        self.assertEqual(data, [b"Projects/2024 (MESSAGES 1 UIDNEXT 2 UNSEEN 1)"])
        for refused in (lambda: client.create("New"), lambda: client.delete("INBOX"),
                        lambda: client.rename("INBOX", "Old")):
            typ, data = refused()
            self.assertEqual(typ, "NO")
            self.assertIn(b"[CANNOT]", data[0])

    def test_reading_and_flags(self):
        client = self.client()
        count = len(self.sources)
        typ, data = client.select("INBOX")
        self.assertEqual((typ, data), ("OK", [str(count).encode()]))
        # FETCH: every RFC 3501 item and the macros.
        typ, data = client.fetch("1", "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY "
                                      "BODYSTRUCTURE UID)")
        self.assertEqual(typ, "OK")
        for item in (b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE", b"ENVELOPE", b"BODY (",
                     b"BODYSTRUCTURE", b"UID 1"):
            self.assertIn(item, data[0])
        for macro in ("ALL", "FAST", "FULL"):
            typ, data = client.fetch("1:2", macro)
            self.assertEqual(typ, "OK")
            self.assertEqual(len(data), 2, macro)
        first = self.sources[sorted(self.sources)[0]].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        typ, data = client.fetch("1", "(BODY.PEEK[HEADER] BODY.PEEK[TEXT] RFC822.PEEK)")
        self.assertEqual(typ, "OK")
        header, text = first.split(b"\r\n\r\n", 1)
        self.assertEqual(data[0][1], header + b"\r\n\r\n")
        self.assertEqual(data[1][1], text)
        self.assertEqual(data[2][1], first)
        self.assertNotIn(b"\\Seen", client.fetch("1", "(FLAGS)")[1][0])
        # RFC822 (not .PEEK) sets \Seen in a SELECTed folder.
        typ, data = client.fetch("1", "(RFC822)")
        self.assertEqual(data[0][1], first)
        self.assertIn(b"\\Seen", client.fetch("1", "(FLAGS)")[1][0])
        # STORE and UID STORE of the user's flags.
        typ, data = client.store("2", "+FLAGS", "(\\Flagged $Important)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Flagged", data[0])
        typ, data = client.uid("STORE", "2", "-FLAGS.SILENT", "(\\Flagged)")
        self.assertEqual((typ, data), ("OK", [None]))
        typ, data = client.search(None, "KEYWORD", "$Important")
        self.assertEqual(data, [b"2"])
        typ, data = client.search(None, "SEEN")
        self.assertEqual(data, [b"1"])
        typ, data = client.store("3", "+FLAGS", "(\\Deleted)")
        self.assertEqual(typ, "NO")
        # SEARCH, SORT, THREAD and their UID forms.
        typ, data = client.search("UTF-8", "ALL")
        self.assertEqual(len(data[0].split()), count)
        typ, data = client.uid("SEARCH", "UID", "1:3")
        self.assertEqual(data, [b"1 2 3"])
        typ, data = client.sort("(REVERSE ARRIVAL)", "UTF-8", "ALL")
        order = [int(n) for n in data[0].split()]
        self.assertEqual(sorted(order), list(range(1, count + 1)))
        typ, dates = client.fetch("1:*", "(INTERNALDATE)")
        arrival = {int(line.split()[0]): imaplib.Internaldate2tuple(line) for line in dates}
        stamps = [time.mktime(arrival[n]) for n in order]
        self.assertEqual(stamps, sorted(stamps, reverse=True), "RFC 5256: newest first")
        typ, data = client.uid("SORT", "(SUBJECT)", "UTF-8", "ALL")
        self.assertEqual(typ, "OK")
        typ, data = client.thread("REFERENCES", "UTF-8", "ALL")
        self.assertEqual(typ, "OK")
        typ, data = client.uid("THREAD", "ORDEREDSUBJECT", "UTF-8", "ALL")
        self.assertEqual(typ, "OK")
        # Changes to the archive are refused, and change nothing.
        for refused in (lambda: client.copy("1", "Projects/2024"),
                        lambda: client.uid("MOVE", "1", "Projects/2024"),
                        lambda: client.expunge(),
                        lambda: client.append("INBOX", None, None, b"Subject: x\r\n\r\ny\r\n")):
            typ, data = refused()
            self.assertEqual(typ, "NO")
        self.assertEqual(client.check()[0], "OK")
        self.assertEqual(client.noop()[0], "OK")
        self.assertEqual(client.unselect()[0], "OK")
        typ, data = client.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK")
        self.assertEqual(client.store("4", "+FLAGS", "(\\Seen)")[0], "NO")
        self.assertEqual(client.close()[0], "OK")
        typ, data = client.status("INBOX", "(MESSAGES UNSEEN)")
        self.assertEqual(data, [f"INBOX (MESSAGES {count} UNSEEN {count - 1})".encode()])


if __name__ == "__main__":
    unittest.main()
