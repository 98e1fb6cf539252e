"""Python's imaplib as a real client: IMAP4_SSL, and IMAP4 + starttls()."""

import imaplib
import unittest

from vellum_harness import (
    ACME_LOGIN, ACME_PASSWORD, HOST, JD_ALIAS, JD_LOGIN, JD_PASSWORD, JD_USER, TIMEOUT,
    ServerTestCase, client_context,
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

    def test_select_for_writing_is_reported_read_only(self):
        # imaplib raises IMAP4.readonly when a SELECT answers [READ-ONLY].
        client = self.ssl_client()
        client.login(JD_LOGIN, JD_PASSWORD)
        with self.assertRaises(imaplib.IMAP4.readonly):
            client.select("INBOX")

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


if __name__ == "__main__":
    unittest.main()
