"""STARTTLS (RFC 3501 6.2.1, RFC 7817, CVE-2011-0411 command injection)."""

import socket
import ssl
import unittest

from vellum_harness import (
    JD_LOGIN, JD_PASSWORD, ServerTestCase, client_context, parse_status, quote,
)


class StartTls(ServerTestCase):

    def test_starttls_answer_and_handshake(self):
        conn = self.plain()
        _, status = conn.command("a", "STARTTLS")
        self.assertStatus(conn, status, "OK")
        self.assertIn("begin tls", status.text.lower(), status.line + conn.describe())
        conn.start_tls(client_context(self.data))
        # The certificate is the one the server was given (verified against
        # it as the only trusted CA, host name checked).
        self.assertIsNotNone(conn.sock.getpeercert(), conn.describe())
        self.expect(conn, "b", "NOOP", "OK")

    def test_no_greeting_after_starttls(self):
        # RFC 3501 6.2.1: after the handshake the client continues with its
        # next command; the server sends no new greeting.
        conn = self.starttls()
        conn.assert_nothing_received(0.5)

    def test_login_after_starttls(self):
        conn = self.starttls()
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")
        self.expect(conn, "b", "SELECT INBOX", "OK", "READ-WRITE")
        self.expect(conn, "c", "LOGOUT", "OK")

    def test_pipelined_command_after_starttls_is_discarded(self):
        # CVE-2011-0411: bytes that arrive with the STARTTLS line, before the
        # handshake, were sent in the clear (possibly injected by a man in the
        # middle) and must not be executed, neither before nor after TLS.
        conn = self.plain()
        conn.send(b"a STARTTLS\r\nb CAPABILITY\r\n")
        line = conn.read_line()
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertEqual((status.tag, status.status), ("a", "OK"), conn.describe())
        # Had the server answered "b" in the clear, these bytes would be here
        # (or would break the handshake below).
        conn.start_tls(client_context(self.data))
        conn.send_line("c NOOP")
        responses = []
        while True:
            line = conn.read_response()
            responses.append(line)
            parsed = parse_status(line)
            if parsed and parsed.tag != "*":
                break
        self.assertEqual(parse_status(responses[-1]).tag, "c",
                         f"the injected command was executed: {responses}" + conn.describe())
        self.assertEqual(parse_status(responses[-1]).status, "OK", conn.describe())
        self.assertFalse([l for l in responses if l.upper().startswith("* CAPABILITY")],
                         f"the injected CAPABILITY was executed: {responses}" + conn.describe())

    def test_pipelined_login_after_starttls_is_discarded(self):
        # The same with an injected LOGIN: it must not authenticate the session.
        conn = self.plain()
        conn.send(f"a STARTTLS\r\nb LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}\r\n".encode())
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")
        conn.start_tls(client_context(self.data))
        _, status = conn.command("c", "SELECT INBOX")
        self.assertStatus(conn, status, "BAD", "CLIENTBUG",
                          msg="an injected LOGIN must not have authenticated the session")

    def test_starttls_twice_is_refused(self):
        conn = self.starttls()
        _, status = conn.command("a", "STARTTLS")
        self.assertStatus(conn, status, "BAD")
        self.expect(conn, "b", "NOOP", "OK")

    def test_starttls_on_implicit_tls_port_is_refused(self):
        conn = self.tls()
        _, status = conn.command("a", "STARTTLS")
        self.assertStatus(conn, status, "BAD")
        self.expect(conn, "b", "NOOP", "OK")

    def test_starttls_after_login_is_bad(self):
        conn = self.logged_in()
        _, status = conn.command("b", "STARTTLS")
        self.assertStatus(conn, status, "BAD", "CLIENTBUG")

    def test_starttls_with_argument_is_bad(self):
        conn = self.plain()
        _, status = conn.command("a", "STARTTLS now")
        self.assertStatus(conn, status, "BAD")
        self.expect(conn, "b", "NOOP", "OK")

    def test_failed_handshake_closes_connection(self):
        # Plain text where the ClientHello should be: the server must not
        # fall back to reading commands in the clear.
        conn = self.plain()
        _, status = conn.command("a", "STARTTLS")
        self.assertStatus(conn, status, "OK")
        conn.send(b"b CAPABILITY\r\n")
        lines = conn.expect_eof()
        self.assertFalse([l for l in lines if "CAPABILITY" in l.upper()],
                         f"command executed in the clear after STARTTLS: {lines}" + conn.describe())


if __name__ == "__main__":
    unittest.main()
