"""Shared machinery for Vellum's black-box conformance tests.

Everything here talks to real processes over 127.0.0.1 only:

* ``TestData``      a temporary data directory with a self-signed certificate
                    and two tenants, created with the ``vellum`` admin CLI;
* ``Server``        one ``vellumd`` process on free loopback ports, its log
                    collected by a thread, stopped with SIGTERM (exit code 0
                    checked);
* ``ImapConnection`` a small line- and literal-aware raw IMAP client with a
                    timeout on every read, keeping a transcript for failure
                    messages;
* ``ServerTestCase`` a unittest base class that starts one server per class
                    and offers connect/login helpers and assertions;
* ``DeflateSocket`` the client's side of COMPRESS=DEFLATE (RFC 4978), put
                    between an ImapConnection and its socket by
                    ``start_compression``.

Binaries come from $VELLUM_BIN_DIR (ctest sets it to <build>/bin).
Python 3 standard library only.
"""

from __future__ import annotations

import atexit
import base64
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

HOST = "127.0.0.1"
# No socket read, process wait or handshake may take longer than this.
TIMEOUT = 10.0
# How long vellumd may take to bind its listeners (a Debug or sanitizer build
# is slow to start).
STARTUP_TIMEOUT = 30.0
CRLF = b"\r\n"

# ---- the tenants every test can use -----------------------------------------

JD_INSTANCE = "jdcorp"
JD_ALIAS = "jd"
JD_USER = "jon.doe"
JD_LOGIN = f"{JD_INSTANCE}/{JD_USER}"
JD_PASSWORD = "Tr0ub4dor&3-jd"

# A second user of the same instance, with its own password.
JD_OTHER_USER = "mary.major"
JD_OTHER_LOGIN = f"{JD_INSTANCE}/{JD_OTHER_USER}"
JD_OTHER_PASSWORD = "mary-Kestrel-77"

# A second instance with a user of the same name and a different password:
# tenant separation means neither password works for the other login.
ACME_INSTANCE = "acme"
ACME_LOGIN = f"{ACME_INSTANCE}/{JD_USER}"
ACME_PASSWORD = "acme:Zebra-42"

BASE_CAPABILITIES = ("IMAP4REV1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE")


class HarnessError(Exception):
    """The test environment (not the server's protocol behaviour) failed."""


# ---- binaries -----------------------------------------------------------------


def bin_dir() -> Path:
    configured = os.environ.get("VELLUM_BIN_DIR")
    if configured:
        path = Path(configured)
    else:
        # Run by hand from a checkout with the default build directory.
        path = Path(__file__).resolve().parent.parent / "build" / "bin"
    return path.resolve()


def binary(name: str) -> Path:
    path = bin_dir() / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise HarnessError(
            f"{path} is missing or not executable: build it first and set "
            f"VELLUM_BIN_DIR=<build>/bin (now {os.environ.get('VELLUM_BIN_DIR')!r})"
        )
    return path


def run_checked(args: list, *, input_text: Optional[str] = None, what: str = "") -> str:
    try:
        completed = subprocess.run(
            [str(a) for a in args],
            input=input_text,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"{what or args[0]} timed out: {args}") from error
    if completed.returncode != 0:
        raise HarnessError(
            f"{what or args[0]} failed with exit code {completed.returncode}\n"
            f"command: {' '.join(str(a) for a in args)}\n"
            f"stdout: {completed.stdout}\nstderr: {completed.stderr}"
        )
    return completed.stdout


# ---- the data directory -------------------------------------------------------


class TestData:
    """A temporary data directory with a certificate and the test tenants."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="vellum-conformance-"))
        self.data_dir = self.root / "data"
        self.tls_dir = self.root / "tls"
        self.cert = self.tls_dir / "cert.pem"
        self.key = self.tls_dir / "key.pem"
        self._build()

    def _build(self) -> None:
        self.tls_dir.mkdir()
        self.data_dir.mkdir(mode=0o700)
        # The same certificate as tools/dev demo: EC P-256, CN=localhost, SAN
        # for the name and the loopback address.
        run_checked(
            [
                "openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
                "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", self.key, "-out", self.cert,
            ],
            what="openssl req",
        )
        os.chmod(self.key, 0o600)
        self.vellum("instance", "add", JD_INSTANCE, "--alias", JD_ALIAS)
        self.vellum("instance", "add", ACME_INSTANCE)
        self.vellum("user", "add", JD_LOGIN, "--password-stdin", stdin=JD_PASSWORD + "\n")
        self.vellum("user", "add", JD_OTHER_LOGIN, "--password-stdin",
                    stdin=JD_OTHER_PASSWORD + "\n")
        self.vellum("user", "add", ACME_LOGIN, "--password-stdin", stdin=ACME_PASSWORD + "\n")

    def vellum(self, *args: str, stdin: Optional[str] = None) -> str:
        return run_checked(
            [binary("vellum"), "--data-dir", self.data_dir, *args],
            input_text=stdin,
            what="vellum " + " ".join(args[:2]),
        )

    def remove(self) -> None:
        if os.environ.get("VELLUM_KEEP_DATA"):
            print(f"keeping {self.root}", file=sys.stderr)
            return
        shutil.rmtree(self.root, ignore_errors=True)


_shared_data: Optional[TestData] = None


def shared_data() -> TestData:
    """One data directory per test process; servers only read it, apart from
    subscriptions, which a test that changes them must keep to its own data
    (ArchiveServerTestCase)."""
    global _shared_data
    if _shared_data is None:
        _shared_data = TestData()
        atexit.register(_shared_data.remove)
    return _shared_data


# ---- the server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


_running_servers: "set[Server]" = set()


@atexit.register
def _kill_leftover_servers() -> None:
    for server in list(_running_servers):
        server.kill()


class Server:
    """One vellumd process with a plain (STARTTLS) and an implicit-TLS listener."""

    def __init__(
        self,
        data: TestData,
        *,
        plaintext_auth: bool = False,
        failure_delay_ms: Optional[int] = 200,
        extra_args: Iterable[str] = (),
    ) -> None:
        self.data = data
        self.plaintext_auth = plaintext_auth
        self.failure_delay_ms = failure_delay_ms
        self.extra_args = list(extra_args)
        self.port = 0
        self.tls_port = 0
        self.process: Optional[subprocess.Popen] = None
        self._log: list = []
        self._log_changed = threading.Condition()
        self._reader: Optional[threading.Thread] = None

    # -- lifecycle --

    def command_line(self) -> list:
        args = [
            str(binary("vellumd")),
            "--data-dir", str(self.data.data_dir),
            "--listen", f"{HOST}:{self.port}",
            "--tls-listen", f"{HOST}:{self.tls_port}",
            "--cert", str(self.data.cert),
            "--key", str(self.data.key),
        ]
        if self.plaintext_auth:
            args.append("--allow-plaintext-auth")
        if self.failure_delay_ms is not None:
            args += ["--login-failure-delay", str(self.failure_delay_ms)]
        return args + self.extra_args

    def start(self) -> "Server":
        last_error: Optional[Exception] = None
        for _attempt in range(5):
            self.port, self.tls_port = free_port(), free_port()
            if self.port == self.tls_port:
                continue
            try:
                self._spawn()
                return self
            except HarnessError as error:
                # Another process may have taken a port between the probe
                # and vellumd's bind; anything else is fatal.
                last_error = error
                if "cannot listen" not in self.log_text() and "in use" not in self.log_text():
                    raise
        raise HarnessError(f"vellumd did not start: {last_error}")

    def _spawn(self) -> None:
        with self._log_changed:
            self._log = []
        self.process = subprocess.Popen(
            self.command_line(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        _running_servers.add(self)
        self._reader = threading.Thread(target=self._read_log, args=(self.process,), daemon=True)
        self._reader.start()
        wanted = [f"listening on {HOST}:{self.port} ", f"listening on {HOST}:{self.tls_port} "]
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with self._log_changed:
            while True:
                text = "\n".join(self._log) + "\n"
                if all(w in text for w in wanted):
                    return
                if self.process.poll() is not None and self._reader_done:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._log_changed.wait(min(remaining, 0.2))
        code = self.process.poll()
        self.kill()
        raise HarnessError(
            f"vellumd did not report 'listening on' for ports {self.port} and {self.tls_port} "
            f"(exit code {code})\ncommand: {' '.join(self.command_line())}\nlog:\n{self.log_text()}"
        )

    _reader_done = False

    def _read_log(self, process: subprocess.Popen) -> None:
        self._reader_done = False
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if os.environ.get("VELLUM_CONFORMANCE_LOG"):
                print(f"[vellumd {self.port}] {line}", file=sys.stderr)
            with self._log_changed:
                self._log.append(line)
                self._log_changed.notify_all()
        with self._log_changed:
            self._reader_done = True
            self._log_changed.notify_all()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, number: int) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    def wait(self, timeout: float = 15.0) -> int:
        """Waits for the process to exit; returns its exit code."""
        assert self.process is not None
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"vellumd did not exit within {timeout} s\nlog:\n{self.log_text()}"
            )
        self._close_pipe()
        _running_servers.discard(self)
        return code

    def _close_pipe(self) -> None:
        if self._reader is not None:
            self._reader.join(timeout=5)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self) -> None:
        """SIGTERM, then checks that vellumd exited with code 0."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
        code = self.wait()
        if code != 0:
            raise AssertionError(
                f"vellumd exited with code {code} after SIGTERM (expected 0)\n"
                f"log:\n{self.log_text()}"
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self._close_pipe()
        _running_servers.discard(self)

    # -- log --

    def log_lines(self) -> list:
        with self._log_changed:
            return list(self._log)

    def log_text(self, last: Optional[int] = None) -> str:
        lines = self.log_lines()
        if last is not None:
            lines = lines[-last:]
        return "\n".join(lines)

    def wait_for_log(self, pattern: str, timeout: float = TIMEOUT) -> bool:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._log_changed:
            while True:
                if any(regex.search(line) for line in self._log):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._log_changed.wait(min(remaining, 0.2))


# ---- TLS ----------------------------------------------------------------------


def client_context(
    data: TestData,
    *,
    minimum: Optional[ssl.TLSVersion] = None,
    maximum: Optional[ssl.TLSVersion] = None,
    verify: bool = True,
) -> ssl.SSLContext:
    """A client context that trusts the test certificate (and only it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify:
        context.load_verify_locations(cafile=str(data.cert))
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        # Python 3.13 turns on strict X.509 checks that a bare self-signed
        # `openssl req -x509` certificate does not meet (no keyUsage).
        if hasattr(ssl, "VERIFY_X509_STRICT"):
            context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if minimum is not None:
        context.minimum_version = minimum
    if maximum is not None:
        context.maximum_version = maximum
    return context


# ---- a raw IMAP client --------------------------------------------------------

STATUS_RE = re.compile(
    r"^(?P<tag>\S+) (?P<status>OK|NO|BAD|BYE|PREAUTH)(?: \[(?P<code>[^\]]*)\])?(?: (?P<text>.*))?$",
    re.IGNORECASE,
)


@dataclass
class StatusResponse:
    tag: str
    status: str  # upper-cased
    code: Optional[str]  # without the brackets
    text: str
    line: str

    @property
    def code_atom(self) -> Optional[str]:
        """The response code's first word, upper-cased: 'CAPABILITY', 'READ-ONLY'."""
        return self.code.split(" ", 1)[0].upper() if self.code else None


def parse_status(line: str) -> Optional[StatusResponse]:
    match = STATUS_RE.match(line)
    if not match:
        return None
    return StatusResponse(
        tag=match.group("tag"),
        status=match.group("status").upper(),
        code=match.group("code"),
        text=match.group("text") or "",
        line=line,
    )


def capabilities_of(text: str) -> set:
    """The capability names in 'CAPABILITY a b c' (an untagged line without
    '* ' or a response code), upper-cased."""
    words = text.split()
    if not words or words[0].upper() != "CAPABILITY":
        raise ValueError(f"not a capability list: {text!r}")
    return {w.upper() for w in words[1:]}


class ConnectionClosed(Exception):
    pass


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plain_response(authcid: str, password: str, authzid: str = "") -> str:
    """RFC 4616 PLAIN message, base64-encoded."""
    message = f"{authzid}\0{authcid}\0{password}".encode("utf-8")
    return base64.b64encode(message).decode("ascii")


LITERAL_AT_END_RE = re.compile(rb"\{(\d+)\+?\}$")


class ImapConnection:
    """A raw IMAP client connection with a transcript.

    Lines are returned as str (latin-1, without CRLF); a server literal is
    inlined into the line that announced it, so one call of read_response()
    returns one whole response.
    """

    def __init__(self, sock: socket.socket, name: str, server: Optional[Server] = None) -> None:
        self.sock = sock
        self.name = name
        self.server = server
        self.buffer = b""
        self.transcript: list = []
        self.greeting: Optional[str] = None
        self.closed = False
        sock.settimeout(TIMEOUT)

    # -- plumbing --

    def describe(self) -> str:
        shown = self.transcript[-60:]
        text = "\n".join(shown)
        out = f"\n--- transcript of {self.name} (last {len(shown)} entries) ---\n{text}"
        if self.server is not None:
            out += f"\n--- vellumd log (last 30 lines) ---\n{self.server.log_text(last=30)}"
        return out

    def _note(self, direction: str, data: bytes) -> None:
        text = data.decode("latin-1")
        if len(text) > 300:
            text = text[:200] + f"...<{len(text)} bytes>..." + text[-60:]
        self.transcript.append(f"{direction} {text!r}")

    def send(self, data, note: bool = True) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if note:
            self._note("C:", data)
        self.sock.sendall(data)

    def send_line(self, line: str) -> None:
        self.send(line.encode("utf-8") + CRLF)

    def send_bytewise(self, data, delay: float = 0.002) -> None:
        """Sends `data` one byte per send() call, with a short pause in between
        so that each byte leaves in its own segment (TCP_NODELAY is set)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._note("C: (byte by byte)", data)
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        for i in range(len(data)):
            self.sock.sendall(data[i:i + 1])
            time.sleep(delay)

    def _fill(self, timeout: Optional[float] = None) -> None:
        if self.closed:
            raise ConnectionClosed(f"{self.name}: connection already closed" + self.describe())
        self.sock.settimeout(TIMEOUT if timeout is None else timeout)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            self.transcript.append("-- read timed out --")
            raise
        except (ConnectionResetError, ssl.SSLEOFError, BrokenPipeError):
            chunk = b""
        finally:
            self.sock.settimeout(TIMEOUT)
        if not chunk:
            self.closed = True
            self.transcript.append("S: <EOF>")
            raise ConnectionClosed(f"{self.name}: server closed the connection" + self.describe())
        self.buffer += chunk

    def read_line(self, timeout: Optional[float] = None) -> str:
        deadline = time.monotonic() + (TIMEOUT if timeout is None else timeout)
        while CRLF not in self.buffer:
            if len(self.buffer) > 16 * 1024 * 1024:
                raise AssertionError(f"{self.name}: response line over 16 MiB" + self.describe())
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout(f"{self.name}: no complete line" + self.describe())
            try:
                self._fill(remaining)
            except socket.timeout as error:
                raise socket.timeout(
                    f"{self.name}: no complete line within {timeout or TIMEOUT} s" + self.describe()
                ) from error
        line, self.buffer = self.buffer.split(CRLF, 1)
        self._note("S:", line)
        return line.decode("latin-1")

    def read_exact(self, count: int, timeout: Optional[float] = None) -> bytes:
        deadline = time.monotonic() + (TIMEOUT if timeout is None else timeout)
        while len(self.buffer) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout(f"{self.name}: literal incomplete" + self.describe())
            self._fill(remaining)
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        self._note("S: (literal)", data)
        return data

    def read_response(self, timeout: Optional[float] = None) -> str:
        """One complete response; server literals are inlined."""
        line = self.read_line(timeout)
        parts = [line]
        while True:
            match = LITERAL_AT_END_RE.search(parts[-1].encode("latin-1"))
            if not match or parts[-1].startswith("+"):
                break
            literal = self.read_exact(int(match.group(1)), timeout)
            parts.append(literal.decode("latin-1"))
            parts.append(self.read_line(timeout))
        return "".join(parts)

    def read_until_tagged(self, tag: str, timeout: Optional[float] = None):
        """Reads responses up to the tagged one for `tag`. Returns the list of
        untagged/continuation lines seen before it and the tagged response.
        A response tagged with another tag is an error."""
        others = []
        while True:
            line = self.read_response(timeout)
            if line.startswith("* ") or line.startswith("+"):
                others.append(line)
                continue
            status = parse_status(line)
            if status is None:
                raise AssertionError(f"{self.name}: unparsable response {line!r}" + self.describe())
            if status.tag != tag:
                raise AssertionError(
                    f"{self.name}: got a response tagged {status.tag!r} while waiting for "
                    f"{tag!r}: {line!r}" + self.describe()
                )
            return others, status

    def command(self, tag: str, text: str, timeout: Optional[float] = None):
        """Sends `tag text` and returns (untagged lines, tagged StatusResponse)."""
        self.send_line(f"{tag} {text}")
        return self.read_until_tagged(tag, timeout)

    def expect_eof(self, timeout: float = TIMEOUT) -> list:
        """Reads until the server closes; returns the complete lines received
        on the way. Fails if the connection stays open for `timeout`."""
        lines = []
        deadline = time.monotonic() + timeout
        while True:
            while CRLF in self.buffer:
                line, self.buffer = self.buffer.split(CRLF, 1)
                self._note("S:", line)
                lines.append(line.decode("latin-1"))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"{self.name}: the server kept the connection open for {timeout} s" +
                    self.describe()
                )
            try:
                self._fill(remaining)
            except ConnectionClosed:
                if self.buffer:
                    lines.append(self.buffer.decode("latin-1"))
                    self._note("S: (partial line)", self.buffer)
                    self.buffer = b""
                return lines
            except socket.timeout:
                continue

    def assert_nothing_received(self, wait: float = 0.5) -> None:
        """Fails if the server sends anything within `wait` seconds."""
        if self.buffer:
            raise AssertionError(f"{self.name}: unexpected data {self.buffer!r}" + self.describe())
        try:
            self._fill(wait)
        except socket.timeout:
            return
        except ConnectionClosed:
            raise AssertionError(f"{self.name}: the server closed the connection" + self.describe())
        raise AssertionError(f"{self.name}: unexpected data {self.buffer!r}" + self.describe())

    def start_tls(self, context: ssl.SSLContext, server_hostname: str = "localhost") -> None:
        if self.buffer:
            raise AssertionError(
                f"{self.name}: bytes after the STARTTLS answer, before the handshake: "
                f"{self.buffer!r}" + self.describe()
            )
        self.sock.settimeout(TIMEOUT)
        self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname)
        self.transcript.append(f"-- TLS established: {self.sock.version()} --")

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True


# ---- COMPRESS=DEFLATE -------------------------------------------------------------


class DeflateSocket:
    """Raw DEFLATE (RFC 1951, zlib window bits -15, as RFC 4978 requires) in
    both directions around a socket, TLS or not. Each sendall() is flushed
    with Z_SYNC_FLUSH so the server can act on it at once. Counts the bytes
    on the wire and the bytes they stand for, so tests can check that the
    server really compresses."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.decompressor = zlib.decompressobj(-15)
        self.pending = b""
        self.wire_received = 0
        self.plain_received = 0

    def compress(self, data: bytes) -> bytes:
        """`data` as the next piece of the client's compressed stream."""
        return self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)

    def received(self, wire: bytes) -> None:
        """Takes compressed bytes from the server: each read, and those that
        came in one read with the COMPRESS answer, before this took over."""
        self.wire_received += len(wire)
        plain = self.decompressor.decompress(wire)
        self.plain_received += len(plain)
        self.pending += plain

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(self.compress(data))

    def recv(self, size: int) -> bytes:
        """What the server sent, decompressed; b"" at the end of the
        connection. zlib.error if the server's stream is corrupt."""
        while not self.pending:
            wire = self.sock.recv(size)
            if not wire:
                return b""
            self.received(wire)
        data, self.pending = self.pending, b""
        return data

    def __getattr__(self, name):
        return getattr(self.sock, name)  # settimeout, setsockopt, close, version, ...


def start_compression(conn: "ImapConnection", tag: str = "Z",
                      deflate: Optional[DeflateSocket] = None,
                      pipelined: bytes = b"") -> DeflateSocket:
    """Sends COMPRESS DEFLATE (followed in the same packet by `pipelined`,
    already compressed with `deflate`), expects OK and from then on speaks
    compressed IMAP on `conn`."""
    deflate = deflate or DeflateSocket(conn.sock)
    conn.send(f"{tag} COMPRESS DEFLATE".encode() + CRLF + pipelined)
    _, status = conn.read_until_tagged(tag)
    if status.status != "OK":
        raise AssertionError(f"COMPRESS refused: {status.line}" + conn.describe())
    # RFC 4978 3: the server compresses from right after the OK's CRLF.
    deflate.received(conn.buffer)
    conn.buffer = b""
    conn.sock = deflate
    conn.transcript.append("-- COMPRESS=DEFLATE active --")
    return deflate


# ---- connecting ---------------------------------------------------------------


def open_socket(port: int) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
    sock.settimeout(TIMEOUT)
    return sock


def connect_plain(server: Server, name: str = "plain") -> ImapConnection:
    conn = ImapConnection(open_socket(server.port), name, server)
    conn.greeting = conn.read_line()
    return conn


def connect_tls(
    server: Server, name: str = "tls", context: Optional[ssl.SSLContext] = None
) -> ImapConnection:
    context = context or client_context(server.data)
    raw = open_socket(server.tls_port)
    try:
        sock = context.wrap_socket(raw, server_hostname="localhost")
    except BaseException:
        raw.close()
        raise
    conn = ImapConnection(sock, name, server)
    conn.transcript.append(f"-- TLS established: {sock.version()} --")
    conn.greeting = conn.read_line()
    return conn


def connect_starttls(
    server: Server, name: str = "starttls", context: Optional[ssl.SSLContext] = None
) -> ImapConnection:
    conn = connect_plain(server, name)
    _, status = conn.command("S0", "STARTTLS")
    if status.status != "OK":
        raise AssertionError(f"STARTTLS refused: {status.line}" + conn.describe())
    conn.start_tls(context or client_context(server.data))
    return conn


# ---- unittest integration -----------------------------------------------------


class ServerTestCase(unittest.TestCase):
    """Starts one vellumd per test class (options in `server_options`) and
    stops it afterwards, checking its exit code."""

    server_options: dict = {"failure_delay_ms": 200}
    server: Server
    data: TestData

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.data = shared_data()
        cls.server = Server(cls.data, **cls.server_options).start()
        cls.addClassCleanup(cls.server.stop)

    # -- connections, closed after the test --

    def _track(self, conn: ImapConnection) -> ImapConnection:
        self.addCleanup(conn.close)
        return conn

    def plain(self, name: str = "plain") -> ImapConnection:
        return self._track(connect_plain(self.server, name))

    def tls(self, name: str = "tls", context: Optional[ssl.SSLContext] = None) -> ImapConnection:
        return self._track(connect_tls(self.server, name, context))

    def starttls(self, name: str = "starttls") -> ImapConnection:
        return self._track(connect_starttls(self.server, name))

    def logged_in(self, login: str = JD_LOGIN, password: str = JD_PASSWORD,
                  name: str = "tls-logged-in") -> ImapConnection:
        conn = self.tls(name)
        self.login_ok(conn, login, password)
        return conn

    def selected(self, name: str = "tls-selected") -> ImapConnection:
        conn = self.logged_in(name=name)
        self.expect(conn, "S1", "SELECT INBOX", "OK")
        return conn

    def login_ok(self, conn: ImapConnection, login: str, password: str, tag: str = "L1"):
        _, status = conn.command(tag, f"LOGIN {quote(login)} {quote(password)}")
        self.assertStatus(conn, status, "OK")
        return status

    def reset_throttle(self) -> None:
        """A successful login clears the per-address failure count, so each
        test's failures start at the base delay."""
        conn = connect_tls(self.server, "throttle-reset")
        try:
            self.login_ok(conn, JD_LOGIN, JD_PASSWORD, tag="R1")
            conn.command("R2", "LOGOUT")
        finally:
            conn.close()

    # -- assertions --

    def assertStatus(self, conn: ImapConnection, status: StatusResponse, expected: str,
                     code: Optional[str] = None, msg: str = "") -> None:
        """`status` is `expected` (OK/NO/BAD/BYE) and, if `code` is given, its
        response code's first word is `code`; code=... means any code."""
        problems = []
        if status.status != expected:
            problems.append(f"expected {expected}")
        if code is Ellipsis:
            if not status.code:
                problems.append("expected a response code")
        elif code is not None and status.code_atom != code.upper():
            problems.append(f"expected response code [{code}]")
        if problems:
            self.fail(
                f"{msg + ': ' if msg else ''}{', '.join(problems)}; got {status.line!r}"
                + conn.describe()
            )

    def expect(self, conn: ImapConnection, tag: str, command: str, expected: str,
               code: Optional[str] = None, msg: str = ""):
        """Runs a command and checks the tagged status; returns the untagged lines."""
        untagged, status = conn.command(tag, command)
        self.assertStatus(conn, status, expected, code, msg or command)
        return untagged

    def capability_command(self, conn: ImapConnection, tag: str = "C1") -> set:
        untagged, status = conn.command(tag, "CAPABILITY")
        self.assertStatus(conn, status, "OK", msg="CAPABILITY")
        lists = [l for l in untagged if l.upper().startswith("* CAPABILITY ")]
        self.assertEqual(len(lists), 1, f"exactly one * CAPABILITY line expected: {untagged}"
                         + conn.describe())
        return capabilities_of(lists[0][2:])

    def greeting_capabilities(self, conn: ImapConnection) -> set:
        status = parse_status(conn.greeting or "")
        self.assertIsNotNone(status, f"greeting {conn.greeting!r}" + conn.describe())
        self.assertEqual((status.tag, status.status), ("*", "OK"),
                         f"greeting {conn.greeting!r}" + conn.describe())
        self.assertEqual(status.code_atom, "CAPABILITY",
                         f"greeting without [CAPABILITY ...]: {conn.greeting!r}" + conn.describe())
        return capabilities_of(status.code)

    def assertClosedWithBye(self, conn: ImapConnection, timeout: float = TIMEOUT) -> list:
        """The server sends an untagged BYE and closes; returns the lines."""
        lines = conn.expect_eof(timeout)
        byes = [l for l in lines if l.upper().startswith("* BYE")]
        self.assertTrue(byes, f"no * BYE before the close; got {lines}" + conn.describe())
        return lines


class ArchiveServerTestCase(unittest.TestCase):
    """A data directory of its own per test class, filled by `populate()`
    (imports with the vellum CLI) before vellumd starts on it."""

    data: TestData
    server: Server

    @classmethod
    def populate(cls) -> None:
        """Imports the class's messages; the default imports nothing."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.data = TestData()
        try:
            cls.populate()
            cls.server = Server(cls.data).start()
        except BaseException:
            cls.data.remove()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        cls.data.remove()
        super().tearDownClass()

    @classmethod
    def vellum(cls, *args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess:
        """Runs the vellum CLI on the class's data directory."""
        return subprocess.run([str(binary("vellum")), "--data-dir", str(cls.data.data_dir), *args],
                              input=stdin.encode(), check=check, capture_output=True, timeout=600)

    def login(self, login: str = JD_LOGIN, password: str = JD_PASSWORD) -> ImapConnection:
        """A logged-in implicit-TLS connection, closed when the test ends."""
        conn = connect_tls(self.server)
        self.addCleanup(conn.close)
        _, status = conn.command("L", f"LOGIN {quote(login)} {quote(password)}")
        self.assertEqual(status.status, "OK", conn.describe())
        return conn

    @classmethod
    def import_files(cls, login: str, messages: "dict[str, bytes]", *options: str) -> None:
        """Writes `messages` (file name -> bytes) to a new directory and imports it."""
        source = Path(tempfile.mkdtemp(prefix="mail-", dir=cls.data.root))
        for name, message in messages.items():
            (source / name).write_bytes(message)
        cls.vellum("import", login, *options, str(source))
