"""Clients that vanish or misbehave at awkward moments must not disturb the
server or the other clients."""

import socket
import ssl
import struct
import unittest

from vellum_harness import (
    JD_LOGIN, JD_PASSWORD, ServerTestCase, client_context, open_socket, quote,
)


def reset(sock):
    """Closes with a TCP RST instead of a FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class Robustness(ServerTestCase):

    def assertServerHealthy(self):
        self.assertTrue(self.server.running(), self.server.log_text())
        conn = self.logged_in(name="health-check")
        self.expect(conn, "h1", "SELECT INBOX", "OK")
        self.expect(conn, "h2", "LOGOUT", "OK")

    def test_abrupt_disconnects(self):
        # A watcher connection stays open through all of it.
        watcher = self.logged_in(name="watcher")

        # Before the greeting is read, with a reset.
        reset(open_socket(self.server.port))
        # In the middle of an implicit TLS handshake.
        sock = open_socket(self.server.tls_port)
        sock.sendall(b"\x16\x03\x01\x00\xff\x01\x00")  # truncated ClientHello
        reset(sock)
        # Right after STARTTLS's OK, before any handshake.
        conn = self.plain("starttls-then-gone")
        conn.command("a", "STARTTLS")
        reset(conn.sock)
        # Inside a synchronizing literal.
        conn = self.tls("literal-then-gone")
        conn.send_line("a LOGIN {14}")
        conn.read_line()
        conn.send(b"jdcorp")
        reset(conn.sock)
        # Inside a skipped non-synchronizing APPEND.
        conn = self.logged_in(name="append-then-gone")
        conn.send(b"a APPEND INBOX {100000+}\r\n" + b"x" * 1000)
        reset(conn.sock)
        # Waiting for a delayed login failure.
        conn = self.tls("failure-then-gone")
        conn.send_line(f"a LOGIN {quote(JD_LOGIN)} {quote('wrong')}")
        reset(conn.sock)
        # In IDLE.
        conn = self.logged_in(name="idle-then-gone")
        conn.send_line("a IDLE")
        conn.read_line()
        reset(conn.sock)
        # Many commands pipelined, then gone without reading the answers.
        conn = self.logged_in(name="pipeline-then-gone")
        conn.send(b"".join(b"p%d LIST \"\" *\r\n" % i for i in range(2000)))
        reset(conn.sock)

        self.expect(watcher, "w1", "NOOP", "OK", msg="the watcher after the disconnects")
        self.assertServerHealthy()
        self.reset_throttle()

    def test_tls_garbage_after_handshake(self):
        sock = open_socket(self.server.tls_port)
        tls = client_context(self.data).wrap_socket(sock, server_hostname="localhost")
        tls.recv(4096)  # greeting
        # Write a bogus record directly on the TCP socket underneath.
        underlying = socket.socket(fileno=socket.dup(tls.fileno()))
        underlying.sendall(b"\x17\x03\x03\x00\x05hello")
        underlying.close()
        try:
            tls.settimeout(10)
            while tls.recv(4096):
                pass
        except (ssl.SSLError, ConnectionResetError, OSError):
            pass
        tls.close()
        self.assertServerHealthy()

    def test_many_connections(self):
        conns = [self.plain(f"c{i}") for i in range(50)]
        for i, conn in enumerate(conns):
            conn.send_line(f"n{i} NOOP")
        for i, conn in enumerate(conns):
            _, status = conn.read_until_tagged(f"n{i}")
            self.assertStatus(conn, status, "OK")
        self.assertServerHealthy()


if __name__ == "__main__":
    unittest.main()
