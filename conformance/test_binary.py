"""BINARY and BINARY.SIZE (RFC 3516): parts served with their transfer
encoding undone, NUL-carrying data as literal8, and NO [UNKNOWN-CTE] for an
encoding the server cannot undo. Checked against Python's own decoders.
"""

import base64
import quopri
import re
import unittest

import vellum_harness as h

PAYLOAD = bytes(range(256)) * 4  # every byte value, NUL included
TEXT = "Café au lait, naïve résumé — ünïcödé".encode("utf-8")

MESSAGE = (
    b"From: a@example.com\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=xyz\r\n\r\n"
    b"--xyz\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    + quopri.encodestring(TEXT) + b"\r\n"
    b"--xyz\r\nContent-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    + base64.encodebytes(PAYLOAD).replace(b"\n", b"\r\n") +
    b"--xyz\r\nContent-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\nend\r\n"
    b"--xyz--\r\n"
)


class Binary(h.ArchiveServerTestCase):
    @classmethod
    def populate(cls) -> None:
        cls.import_files(h.JD_LOGIN, {"binary.eml": MESSAGE})

    def setUp(self) -> None:
        self.conn = h.connect_tls(self.server)
        self.addCleanup(self.conn.close)
        self.assertEqual(self.conn.command("L", f'LOGIN "{h.JD_LOGIN}" "{h.JD_PASSWORD}"')[1].status, "OK")
        self.assertEqual(self.conn.command("S", "EXAMINE INBOX")[1].status, "OK")

    def fetch_literal(self, item: str) -> tuple:
        """Sends FETCH 1 (item) and returns (prefix before the literal, bytes)."""
        self.conn.send_line(f"F FETCH 1 ({item})")
        line = self.conn.read_line()
        match = re.search(r"(~?)\{(\d+)\}$", line)
        self.assertIsNotNone(match, line)
        data = self.conn.read_exact(int(match.group(2)))
        self.assertEqual(self.conn.read_line(), ")")
        self.conn.read_until_tagged("F")
        return match.group(1), data

    def test_advertised(self) -> None:
        untagged, _ = self.conn.command("C", "CAPABILITY")
        self.assertIn("BINARY", untagged[0].split())

    def test_base64_part_comes_back_decoded_as_literal8(self) -> None:
        marker, data = self.fetch_literal("BINARY.PEEK[2]")
        self.assertEqual(marker, "~")  # NUL in the data (RFC 3516 4.2)
        self.assertEqual(data, PAYLOAD)

    def test_quoted_printable_part_comes_back_decoded(self) -> None:
        marker, data = self.fetch_literal("BINARY.PEEK[1]")
        # What quoted-printable decodes may be any octets: a literal8.
        self.assertEqual(marker, "~")
        # The line end before the boundary is the boundary's (RFC 2046 5.1.1).
        self.assertEqual(data, TEXT)

    def test_binary_size_and_partial(self) -> None:
        untagged, status = self.conn.command("Z", "FETCH 1 (BINARY.SIZE[2] BINARY.SIZE[1])")
        self.assertEqual(status.status, "OK")
        self.assertIn(f"BINARY.SIZE[2] {len(PAYLOAD)}", untagged[0])
        self.assertIn(f"BINARY.SIZE[1] {len(TEXT)}", untagged[0])
        marker, data = self.fetch_literal("BINARY.PEEK[2]<256.10>")
        self.assertEqual(data, PAYLOAD[256:266])

    def test_unknown_transfer_encoding(self) -> None:
        _, status = self.conn.command("U", "FETCH 1 (BINARY.PEEK[3])")
        self.assertEqual((status.status, status.code_atom), ("NO", "UNKNOWN-CTE"))


if __name__ == "__main__":
    unittest.main()
