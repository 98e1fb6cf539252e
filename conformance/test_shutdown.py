"""SIGTERM / SIGINT: vellumd stops accepting, says BYE to every client
(RFC 3501 7.1.5) and exits 0."""

import signal
import socket
import unittest

from vellum_harness import (
    HOST, JD_LOGIN, JD_PASSWORD, TIMEOUT, Server, ServerTestCase, shared_data, start_compression,
)


class Shutdown(ServerTestCase):
    """One server per test: each test stops it."""

    @classmethod
    def setUpClass(cls):
        cls.data = shared_data()

    def setUp(self):
        self.server = Server(self.data, failure_delay_ms=200).start()
        self.addCleanup(self.server.kill)

    def connect_various(self):
        """Clients in every state the server must say goodbye to."""
        clients = {}
        clients["plain, not authenticated"] = self.plain()
        clients["starttls, not authenticated"] = self.starttls()
        clients["tls, authenticated"] = self.logged_in(name="tls-authenticated")
        clients["tls, selected"] = self.selected()
        conn = self.logged_in(name="tls-compressed")
        start_compression(conn)
        clients["tls, compressed (RFC 4978)"] = conn
        conn = self.logged_in(name="tls-idle")
        conn.send_line("i IDLE")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        clients["tls, idling"] = conn
        conn = self.tls("tls-in-literal")
        conn.send_line("l LOGIN {14}")
        self.assertTrue(conn.read_line().startswith("+"), conn.describe())
        clients["tls, inside a literal"] = conn
        conn = self.plain("plain-in-authenticate")
        # Not allowed in the clear: just a pending partial command line.
        conn.send(b"p NOOP")
        clients["plain, partial line"] = conn
        return clients

    def stop_with(self, number):
        clients = self.connect_various()
        self.server.signal(number)
        for state, conn in clients.items():
            with self.subTest(client=state):
                lines = conn.expect_eof(TIMEOUT)
                byes = [l for l in lines if l.upper().startswith("* BYE")]
                self.assertTrue(byes, f"{state}: no * BYE before the close: {lines}"
                                + conn.describe())
        code = self.server.wait()
        self.assertEqual(code, 0, f"exit code after signal {number}\n{self.server.log_text()}")
        # The listeners are gone.
        for port in (self.server.port, self.server.tls_port):
            with self.assertRaises(OSError, msg=f"port {port} still accepts"):
                socket.create_connection((HOST, port), timeout=2).close()

    def test_sigterm(self):
        self.stop_with(signal.SIGTERM)

    def test_sigint(self):
        self.stop_with(signal.SIGINT)

    def test_sigterm_without_clients(self):
        # Signalled as soon as both "listening on" lines are logged: from
        # then on a supervisor may stop the server, and it must still exit
        # cleanly (the signal handlers must be in place by then).
        self.server.signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(), 0, self.server.log_text())

    def test_stop_helper_checks_exit_code(self):
        # The harness's own stop() (used after every other test class) sends
        # SIGTERM and insists on exit code 0.
        self.logged_in()
        self.server.stop()
        self.assertFalse(self.server.running())


if __name__ == "__main__":
    unittest.main()
