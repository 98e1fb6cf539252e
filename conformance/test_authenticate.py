"""AUTHENTICATE PLAIN with and without an initial response (RFC 3501 6.2.2,
RFC 4959 SASL-IR, RFC 4616 PLAIN)."""

import unittest

from vellum_harness import (
    ACME_LOGIN, ACME_PASSWORD, JD_ALIAS, JD_LOGIN, JD_OTHER_LOGIN, JD_PASSWORD, JD_USER,
    ServerTestCase, plain_response,
)


class AuthenticatePlain(ServerTestCase):

    def setUp(self):
        self.reset_throttle()

    def assertAuthenticated(self, conn):
        self.expect(conn, "z", "SELECT INBOX", "OK", "READ-WRITE",
                    msg="SELECT after a successful AUTHENTICATE")

    def assertNotAuthenticated(self, conn):
        self.expect(conn, "z", "SELECT INBOX", "BAD", "CLIENTBUG",
                    msg="SELECT after a failed AUTHENTICATE")

    # -- SASL-IR: the response on the command line --

    def test_initial_response(self):
        conn = self.tls()
        untagged, status = conn.command("a", f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD)}")
        self.assertFalse([l for l in untagged if l.startswith("+")],
                         "no continuation expected with SASL-IR" + conn.describe())
        self.assertStatus(conn, status, "OK")
        self.assertAuthenticated(conn)

    def test_initial_response_by_alias_and_mixed_case_mechanism(self):
        conn = self.tls()
        _, status = conn.command(
            "a", f"authenticate plain {plain_response(f'{JD_ALIAS.upper()}/{JD_USER}', JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")
        self.assertAuthenticated(conn)

    def test_authzid_equal_to_authcid(self):
        conn = self.tls()
        _, status = conn.command(
            "a", f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD, authzid=JD_LOGIN)}")
        self.assertStatus(conn, status, "OK")

    def test_authzid_other_user_is_refused(self):
        # RFC 4616 2: the server must refuse an authzid it will not allow.
        conn = self.tls()
        _, status = conn.command(
            "a",
            f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD, authzid=JD_OTHER_LOGIN)}")
        self.assertStatus(conn, status, "NO")
        self.assertNotAuthenticated(conn)

    def test_authzid_other_tenant_is_refused(self):
        conn = self.tls()
        _, status = conn.command(
            "a",
            f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD, authzid=ACME_LOGIN)}")
        self.assertStatus(conn, status, "NO")
        self.assertNotAuthenticated(conn)

    def test_initial_response_wrong_password(self):
        conn = self.tls()
        _, status = conn.command("a", f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, ACME_PASSWORD)}")
        self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED")
        self.assertNotAuthenticated(conn)

    def test_other_tenant_through_authenticate(self):
        conn = self.tls()
        _, status = conn.command("a", f"AUTHENTICATE PLAIN {plain_response(ACME_LOGIN, ACME_PASSWORD)}")
        self.assertStatus(conn, status, "OK")

    # -- without SASL-IR: "+ " continuation, then the response line --

    def test_continuation(self):
        conn = self.tls()
        conn.send_line("a AUTHENTICATE PLAIN")
        line = conn.read_line()
        # RFC 3501 7.5: continue-req = "+" SP (resp-text / base64); PLAIN's
        # first challenge is empty.
        self.assertTrue(line.startswith("+"), f"expected a continuation, got {line!r}" + conn.describe())
        self.assertEqual(line.strip(), "+", f"PLAIN's challenge is empty: {line!r}" + conn.describe())
        conn.send_line(plain_response(JD_LOGIN, JD_PASSWORD))
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")
        self.assertAuthenticated(conn)

    def test_continuation_wrong_password(self):
        conn = self.tls()
        conn.send_line("a AUTHENTICATE PLAIN")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_line(plain_response(JD_LOGIN, "nope"))
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED")
        self.assertNotAuthenticated(conn)

    def test_cancel_with_star(self):
        # RFC 3501 6.2.2: "*" cancels; the server MUST reject with BAD.
        conn = self.tls()
        conn.send_line("a AUTHENTICATE PLAIN")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_line("*")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "BAD")
        self.assertNotAuthenticated(conn)
        # The connection is usable: a new exchange succeeds.
        _, status = conn.command("b", f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")

    def test_invalid_base64_is_bad(self):
        conn = self.tls()
        conn.send_line("a AUTHENTICATE PLAIN")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_line("!!!not base64!!!")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "BAD")
        self.assertNotAuthenticated(conn)

    def test_malformed_plain_message(self):
        # Base64 of "no NUL separators": not a PLAIN message.
        conn = self.tls()
        _, status = conn.command("a", "AUTHENTICATE PLAIN bm8gTlVMIHNlcGFyYXRvcnM=")
        self.assertIn(status.status, ("BAD", "NO"), status.line + conn.describe())
        self.assertNotAuthenticated(conn)

    def test_empty_initial_response(self):
        # RFC 4959 3: "=" is an empty initial response; for PLAIN that is not
        # a valid message, so the exchange fails, and the connection goes on.
        conn = self.tls()
        untagged, status = conn.command("a", "AUTHENTICATE PLAIN =")
        self.assertFalse([l for l in untagged if l.startswith("+")], conn.describe())
        self.assertIn(status.status, ("BAD", "NO"), status.line + conn.describe())
        self.assertNotAuthenticated(conn)

    def test_over_long_response_line(self):
        # A response line beyond the 64 KiB line limit ends the exchange with
        # a tagged BAD for the AUTHENTICATE; the connection goes on.
        conn = self.tls()
        conn.send_line("a AUTHENTICATE PLAIN")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send(b"QUFB" * (20 * 1024) + b"\r\n")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "BAD", "LIMIT")
        self.expect(conn, "b", "NOOP", "OK")
        self.assertNotAuthenticated(conn)

    # -- mechanisms and state --

    def test_unsupported_mechanism_is_no(self):
        # RFC 3501 6.2.2: an unsupported mechanism gets a tagged NO.
        conn = self.tls()
        untagged, status = conn.command("a", "AUTHENTICATE CRAM-MD5")
        self.assertFalse([l for l in untagged if l.startswith("+")], conn.describe())
        self.assertStatus(conn, status, "NO")

    def test_in_the_clear_is_refused_without_continuation(self):
        conn = self.plain()
        untagged, status = conn.command("a", "AUTHENTICATE PLAIN")
        self.assertFalse([l for l in untagged if l.startswith("+")],
                         "no continuation may be sent before refusing" + conn.describe())
        self.assertStatus(conn, status, "NO", "PRIVACYREQUIRED")
        _, status = conn.command("b", f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD)}")
        self.assertStatus(conn, status, "NO", "PRIVACYREQUIRED")
        self.assertNotAuthenticated(conn)

    def test_authenticate_after_login_is_bad(self):
        conn = self.logged_in()
        _, status = conn.command("b", f"AUTHENTICATE PLAIN {plain_response(JD_LOGIN, JD_PASSWORD)}")
        self.assertStatus(conn, status, "BAD", "CLIENTBUG")


if __name__ == "__main__":
    unittest.main()
