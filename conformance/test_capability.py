"""Greeting and CAPABILITY before and after TLS (RFC 3501 6.1.1, 6.2.1, 7.1;
RFC 8314 3; RFC 4959; RFC 7888)."""

import unittest

from vellum_harness import (
    BASE_CAPABILITIES, JD_LOGIN, JD_PASSWORD, ServerTestCase, parse_status, quote,
)


class CapabilitiesWithoutPlaintextAuth(ServerTestCase):
    """The default configuration: no authentication in the clear."""

    def assertBase(self, caps, conn):
        for name in BASE_CAPABILITIES:
            self.assertIn(name, caps, f"{name} missing from {sorted(caps)}" + conn.describe())

    def test_plain_greeting_is_ok_with_capability_code(self):
        conn = self.plain()
        caps = self.greeting_capabilities(conn)
        self.assertBase(caps, conn)

    def test_plain_capability_offers_starttls_and_logindisabled(self):
        # RFC 3501 6.2.3 / 7.2.1: LOGINDISABLED when LOGIN must not be used;
        # RFC 3501 6.2.1: STARTTLS advertised on a connection without TLS.
        conn = self.plain()
        caps = self.capability_command(conn)
        self.assertBase(caps, conn)
        self.assertIn("STARTTLS", caps, conn.describe())
        self.assertIn("LOGINDISABLED", caps, conn.describe())
        self.assertNotIn("AUTH=PLAIN", caps,
                         "AUTH=PLAIN must not be offered before TLS" + conn.describe())
        self.assertNotIn("NAMESPACE", caps,
                         "NAMESPACE is announced only after login" + conn.describe())

    def test_greeting_capabilities_match_capability_command(self):
        conn = self.plain()
        self.assertEqual(self.greeting_capabilities(conn), self.capability_command(conn),
                         conn.describe())

    def test_capability_after_starttls(self):
        # RFC 3501 6.2.1: the client must discard what it knew before TLS;
        # the server must now offer authentication and no longer STARTTLS.
        conn = self.starttls()
        caps = self.capability_command(conn)
        self.assertBase(caps, conn)
        self.assertIn("AUTH=PLAIN", caps, conn.describe())
        self.assertNotIn("LOGINDISABLED", caps, conn.describe())
        self.assertNotIn("STARTTLS", caps, conn.describe())

    def test_implicit_tls_greeting_and_capability(self):
        # RFC 8314 3.2: on an implicit TLS port the session starts after the
        # handshake; the greeting comes inside TLS.
        conn = self.tls()
        for caps in (self.greeting_capabilities(conn), self.capability_command(conn)):
            self.assertBase(caps, conn)
            self.assertIn("AUTH=PLAIN", caps, conn.describe())
            self.assertNotIn("LOGINDISABLED", caps, conn.describe())
            self.assertNotIn("STARTTLS", caps, conn.describe())

    def test_login_ok_carries_capabilities(self):
        conn = self.tls()
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK", "CAPABILITY")
        caps = {w.upper() for w in status.code.split()[1:]}
        self.assertBase(caps, conn)
        for name in ("NAMESPACE", "UNSELECT"):
            self.assertIn(name, caps, conn.describe())
        for name in ("AUTH=PLAIN", "LOGINDISABLED", "STARTTLS"):
            self.assertNotIn(name, caps, f"{name} after login" + conn.describe())
        # The CAPABILITY command now says the same.
        self.assertEqual(self.capability_command(conn, "b"), caps, conn.describe())

    def test_capability_with_arguments_is_bad(self):
        conn = self.plain()
        _, status = conn.command("a", "CAPABILITY extra")
        self.assertStatus(conn, status, "BAD")

    def test_capability_is_case_insensitive(self):
        # RFC 3501 9 (Formal Syntax, note 1): command names are case-insensitive.
        conn = self.plain()
        untagged, status = conn.command("a", "capability")
        self.assertStatus(conn, status, "OK")
        self.assertTrue(any(l.upper().startswith("* CAPABILITY ") for l in untagged),
                        conn.describe())


class CapabilitiesWithPlaintextAuth(ServerTestCase):
    """--allow-plaintext-auth: LOGIN and AUTH=PLAIN without TLS."""

    server_options = {"failure_delay_ms": 200, "plaintext_auth": True}

    def test_plain_capability_offers_auth_plain(self):
        conn = self.plain()
        caps = self.capability_command(conn)
        self.assertIn("AUTH=PLAIN", caps, conn.describe())
        self.assertNotIn("LOGINDISABLED", caps, conn.describe())
        # A certificate is configured, so STARTTLS is still offered.
        self.assertIn("STARTTLS", caps, conn.describe())
        self.assertEqual(self.greeting_capabilities(conn), caps, conn.describe())

    def test_plaintext_login_works(self):
        conn = self.plain()
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")
        self.expect(conn, "b", "SELECT INBOX", "OK", "READ-WRITE")


if __name__ == "__main__":
    unittest.main()
