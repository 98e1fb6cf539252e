"""Implicit TLS and TLS versions (RFC 8314 3.2 and 4.1: TLS 1.2 or later;
TLS 1.1 and older refused; TLS 1.3 preferred)."""

import shutil
import socket
import ssl
import subprocess
import unittest
import warnings

from vellum_harness import (
    HOST, JD_LOGIN, JD_PASSWORD, TIMEOUT, ServerTestCase, client_context, open_socket, quote,
)


def s_client(args, stdin=b""):
    """Runs `openssl s_client` and returns (exit code, stdout+stderr)."""
    completed = subprocess.run(
        ["openssl", "s_client", *args],
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=30,
    )
    return completed.returncode, completed.stdout.decode("utf-8", "replace")


def negotiated_protocol(output):
    """The protocol of the session s_client set up, or None if the handshake
    failed ("New, (NONE), Cipher is (NONE)"). The "Protocol :" line of the
    SSL-Session block is not used: it shows the attempted version even when
    the handshake failed."""
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("New, ") and ", Cipher is " in line:
            version = line[len("New, "):].split(",", 1)[0].strip()
            return None if version == "(NONE)" else version
        if line.startswith("Protocol version:"):  # -brief
            return line[len("Protocol version:"):].strip()
    return None


class ImplicitTls(ServerTestCase):

    def test_greeting_inside_tls(self):
        conn = self.tls()
        self.assertTrue(conn.greeting.startswith("* OK"), conn.describe())

    def test_tls13_by_default(self):
        conn = self.tls()
        self.assertEqual(conn.sock.version(), "TLSv1.3", conn.describe())

    def test_certificate_verifies_by_name_and_address(self):
        # The CA is the generated certificate only; the host name is checked.
        for hostname in ("localhost", "127.0.0.1"):
            with self.subTest(hostname=hostname):
                raw = open_socket(self.server.tls_port)
                with client_context(self.data).wrap_socket(raw, server_hostname=hostname) as sock:
                    self.assertIsNotNone(sock.getpeercert())

    def test_wrong_host_name_is_rejected_by_client(self):
        # Control for the test above: verification is really on.
        raw = open_socket(self.server.tls_port)
        with self.assertRaises(ssl.SSLCertVerificationError):
            client_context(self.data).wrap_socket(raw, server_hostname="mail.example.org")
        raw.close()

    def test_tls12_is_accepted(self):
        context = client_context(self.data, maximum=ssl.TLSVersion.TLSv1_2)
        conn = self.tls("tls12", context)
        self.assertEqual(conn.sock.version(), "TLSv1.2", conn.describe())
        _, status = conn.command("a", f"LOGIN {quote(JD_LOGIN)} {quote(JD_PASSWORD)}")
        self.assertStatus(conn, status, "OK")

    def test_plaintext_on_tls_port_gets_no_imap_answer(self):
        sock = open_socket(self.server.tls_port)
        self.addCleanup(sock.close)
        sock.sendall(b"a CAPABILITY\r\n")
        received = b""
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        self.assertNotIn(b"* OK", received)
        self.assertNotIn(b"CAPABILITY", received)

    def test_old_tls_is_refused_python(self):
        # RFC 8314 4.1: TLS 1.2 is the minimum. The Python client must be able
        # to offer TLS 1.1 for this to mean anything; if the local OpenSSL
        # cannot, the check is skipped (the s_client one below remains).
        for version in (ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1):
            with self.subTest(version=version.name):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    try:
                        context = client_context(self.data, minimum=version, maximum=version)
                        context.set_ciphers("DEFAULT@SECLEVEL=0")
                    except (ValueError, ssl.SSLError) as error:
                        self.skipTest(f"this Python/OpenSSL cannot offer {version.name}: {error}")
                raw = open_socket(self.server.tls_port)
                try:
                    with self.assertRaises(ssl.SSLError) as caught:
                        context.wrap_socket(raw, server_hostname="localhost").close()
                finally:
                    raw.close()
                reason = f"{caught.exception.reason} {caught.exception}"
                if "NO_PROTOCOLS_AVAILABLE" in reason.upper() or "no protocols available" in reason:
                    self.skipTest(f"the local OpenSSL refuses to offer {version.name}: {reason}")

    def test_old_tls_is_refused_s_client(self):
        if shutil.which("openssl") is None:
            self.skipTest("openssl is not installed")
        target = f"{HOST}:{self.server.tls_port}"
        # Control: the same invocation with TLS 1.2 succeeds, so a failure
        # below is the server's refusal and not a broken command line.
        code, output = s_client(["-connect", target, "-tls1_2", "-cipher", "DEFAULT@SECLEVEL=0"])
        self.assertEqual(negotiated_protocol(output), "TLSv1.2", output)
        for flag in ("-tls1_1", "-tls1"):
            with self.subTest(flag=flag):
                code, output = s_client(["-connect", target, flag, "-cipher", "DEFAULT@SECLEVEL=0"])
                if "no protocols available" in output:
                    self.skipTest(f"the local openssl cannot offer {flag}: {output}")
                self.assertNotEqual(code, 0, f"s_client {flag} succeeded:\n{output}")
                self.assertIsNone(negotiated_protocol(output), output)
                # Refused by the server's version check (RFC 8446 / 5246:
                # protocol_version alert), not by some unrelated failure.
                lowered = output.lower()
                self.assertTrue(
                    "alert protocol version" in lowered or "unsupported protocol" in lowered
                    or "wrong version number" in lowered,
                    f"s_client {flag} failed for another reason:\n{output}")

    def test_s_client_implicit_tls_negotiates_tls13(self):
        if shutil.which("openssl") is None:
            self.skipTest("openssl is not installed")
        code, output = s_client(["-connect", f"{HOST}:{self.server.tls_port}",
                                 "-CAfile", str(self.data.cert), "-ign_eof"],
                                stdin=b"a LOGOUT\r\n")
        self.assertEqual(negotiated_protocol(output), "TLSv1.3", output)
        self.assertIn("Verify return code: 0", output, output)
        # The IMAP session ran inside it: greeting, then LOGOUT's BYE.
        self.assertIn("* OK", output)
        self.assertIn("* BYE", output)

    def test_s_client_starttls_negotiates_tls13(self):
        if shutil.which("openssl") is None:
            self.skipTest("openssl is not installed")
        code, output = s_client(["-starttls", "imap", "-connect", f"{HOST}:{self.server.port}",
                                 "-CAfile", str(self.data.cert), "-ign_eof"],
                                stdin=b"a LOGOUT\r\n")
        self.assertEqual(negotiated_protocol(output), "TLSv1.3", output)
        self.assertIn("Verify return code: 0", output, output)
        self.assertIn("* BYE", output)


if __name__ == "__main__":
    unittest.main()
