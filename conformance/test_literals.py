"""Literals, LITERAL+, input split at every byte, and input limits
(RFC 3501 4.3 and 7.5, RFC 7888, RFC 5530 LIMIT, RFC 4469 TOOBIG)."""

import unittest

from vellum_harness import (
    JD_LOGIN, JD_PASSWORD, ServerTestCase, parse_status, quote,
)

KIB = 1024


def literal_login_bytes(login, password, non_sync):
    plus = "+" if non_sync else ""
    user = login.encode()
    pw = password.encode()
    return (b"a LOGIN {%d%s}\r\n" % (len(user), plus.encode()) + user +
            b" {%d%s}\r\n" % (len(pw), plus.encode()) + pw + b"\r\n")


class Literals(ServerTestCase):
    # Plaintext LOGIN allowed, so that raw TCP (not only TLS records) can be
    # split at every byte.
    server_options = {"failure_delay_ms": 200, "plaintext_auth": True}

    def sync_literal_login(self, conn):
        user, pw = JD_LOGIN.encode(), JD_PASSWORD.encode()
        conn.send(b"a LOGIN {%d}\r\n" % len(user))
        line = conn.read_line()
        # RFC 3501 7.5: continue-req = "+" SP (resp-text / base64) CRLF
        self.assertTrue(line.startswith("+ "), f"expected '+ ', got {line!r}" + conn.describe())
        conn.send(user + b" {%d}\r\n" % len(pw))
        line = conn.read_line()
        self.assertTrue(line.startswith("+"), f"expected '+', got {line!r}" + conn.describe())
        conn.send(pw + b"\r\n")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK", msg="LOGIN with synchronizing literals")

    def test_synchronizing_literals(self):
        self.sync_literal_login(self.plain())

    def test_synchronizing_literals_over_tls(self):
        self.sync_literal_login(self.tls())

    def test_no_continuation_before_the_literal_is_announced(self):
        # The "+" comes only after the whole "{n}\r\n", not earlier.
        conn = self.plain()
        conn.send(b"a LOGIN {14}")
        conn.assert_nothing_received(0.5)
        conn.send(b"\r\n")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())

    def test_non_synchronizing_literals(self):
        # RFC 7888: "{n+}" needs no continuation; the server sends none.
        conn = self.plain()
        conn.send(literal_login_bytes(JD_LOGIN, JD_PASSWORD, non_sync=True))
        untagged, status = conn.read_until_tagged("a")
        self.assertFalse([l for l in untagged if l.startswith("+")],
                         "continuation sent for a non-synchronizing literal" + conn.describe())
        self.assertStatus(conn, status, "OK")

    def test_literal_containing_special_characters(self):
        # A literal carries bytes that a quoted string could not: here a
        # password with a quote, a backslash and spaces fails cleanly (and
        # does not confuse the parser).
        conn = self.plain()
        password = 'a "b" \\c {3}'
        conn.send(literal_login_bytes(JD_LOGIN, password, non_sync=True))
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "NO", "AUTHENTICATIONFAILED")
        self.expect(conn, "b", "NOOP", "OK")

    def test_non_synchronizing_login_byte_by_byte(self):
        conn = self.plain()
        conn.send_bytewise(literal_login_bytes(JD_LOGIN, JD_PASSWORD, non_sync=True))
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")
        self.expect(conn, "b", "SELECT INBOX", "OK", "READ-WRITE")

    def test_synchronizing_login_byte_by_byte(self):
        conn = self.plain()
        user, pw = JD_LOGIN.encode(), JD_PASSWORD.encode()
        conn.send_bytewise(b"a LOGIN {%d}\r\n" % len(user))
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_bytewise(user + b" {%d}\r\n" % len(pw))
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send_bytewise(pw + b"\r\n")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")

    def test_byte_by_byte_over_tls(self):
        # Each byte in its own TLS record.
        conn = self.tls()
        conn.send_bytewise(literal_login_bytes(JD_LOGIN, JD_PASSWORD, non_sync=True))
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")

    def test_quoted_command_byte_by_byte(self):
        conn = self.plain()
        conn.send_bytewise(f"a LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}\r\nb NOOP\r\n")
        _, status = conn.read_until_tagged("a")
        self.assertStatus(conn, status, "OK")
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "OK")

    def test_pipelined_commands_in_one_write(self):
        conn = self.plain()
        conn.send(f"a NOOP\r\nb LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}\r\n"
                  "c SELECT INBOX\r\nd LOGOUT\r\n".encode())
        for tag in ("a", "b", "c", "d"):
            _, status = conn.read_until_tagged(tag)
            self.assertStatus(conn, status, "OK", msg=f"pipelined command {tag}")
        conn.expect_eof()

    def test_literal_for_mailbox_name(self):
        conn = self.logged_in()
        conn.send(b"b SELECT {5}\r\n")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send(b"INBOX\r\n")
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "OK", "READ-WRITE")

    def test_literal8_where_a_literal_is_expected_is_bad(self):
        # RFC 3516: literal8 "~{n}" is only valid in APPEND/BINARY contexts.
        conn = self.logged_in()
        conn.send(b"b SELECT ~{5+}\r\nINBOX\r\n")
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "BAD")
        self.expect(conn, "c", "NOOP", "OK")

    # -- limits --

    def test_long_line_below_limit_is_accepted(self):
        # Positive control for the limit below: ~60 KiB is fine.
        conn = self.logged_in()
        untagged, status = conn.command("b", 'LIST "" ' + quote("x" * (60 * KIB)))
        self.assertStatus(conn, status, "OK")
        self.assertEqual(untagged, [], conn.describe())

    def test_line_over_64k_is_bad_limit_and_connection_continues(self):
        conn = self.logged_in()
        untagged, status = conn.command("b", 'LIST "" ' + quote("x" * (70 * KIB)))
        self.assertStatus(conn, status, "BAD", "LIMIT")
        self.expect(conn, "c", "NOOP", "OK", msg="after an over-long line")
        self.expect(conn, "d", "SELECT INBOX", "OK", msg="after an over-long line")

    def test_line_over_64k_before_login(self):
        conn = self.plain()
        # A well-formed command (ID is valid in every state), just too long.
        conn.send(b'a ID ("name" "' + b"y" * (100 * KIB) + b'")\r\nb NOOP\r\n')
        line = conn.read_line()
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertEqual(status.status, "BAD", conn.describe())
        self.assertEqual(status.code_atom, "LIMIT", conn.describe())
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "OK")

    def test_literal_below_limit_is_accepted(self):
        conn = self.logged_in()
        size = 60 * KIB
        conn.send(b'b LIST "" {%d}\r\n' % size)
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        conn.send(b"x" * size + b"\r\n")
        _, status = conn.read_until_tagged("b")
        self.assertStatus(conn, status, "OK")

    def test_synchronizing_literal_over_64k_is_toobig_without_continuation(self):
        # RFC 3501 7.5: the server may refuse a literal instead of sending
        # "+"; the client then must not send it, and the connection goes on.
        conn = self.logged_in()
        conn.send(b'b LIST "" {%d}\r\n' % (70 * KIB))
        line = conn.read_line()
        self.assertFalse(line.startswith("+"), "continuation sent for an oversized literal" + conn.describe())
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertStatus(conn, status, "BAD", "TOOBIG")
        self.assertEqual(status.tag, "b", conn.describe())
        self.expect(conn, "c", "NOOP", "OK", msg="after a refused literal")

    def test_huge_synchronizing_literal_size(self):
        conn = self.logged_in()
        conn.send(b'b LIST "" {99999999999999999999999}\r\n')
        line = conn.read_line()
        self.assertFalse(line.startswith("+"), conn.describe())
        status = parse_status(line)
        self.assertIsNotNone(status, conn.describe())
        self.assertEqual((status.tag, status.status), ("b", "BAD"), conn.describe())
        self.expect(conn, "c", "NOOP", "OK")

    def test_non_synchronizing_literal_over_64k_is_bye(self):
        # RFC 7888 4 (choice 2): untagged BYE and close.
        conn = self.logged_in()
        conn.send(b'b LIST "" {%d+}\r\n' % (70 * KIB))
        lines = self.assertClosedWithBye(conn)
        self.assertFalse([l for l in lines if l.startswith("b OK")], conn.describe())


if __name__ == "__main__":
    unittest.main()
