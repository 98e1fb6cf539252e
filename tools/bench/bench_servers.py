"""The two servers the benchmark drives: vellumd and Debian's Dovecot, each
on its own loopback port with the same certificate, the same users and the
same mail (see bench_archive.py).

Dovecot runs with its own configuration in the work directory, on equal
terms with vellumd: implicit TLS only, passwords hashed with its default
SHA512-CRYPT scheme, the authentication cache on, and limits raised so that
a thousand connections fit. It serves two imap-login services at once: its
default one (a process per connection, service_count = 1) and the
high-performance one (service_count = 0, a process per CPU), each on its
own port, so both are measured in the same run without a restart.
"""

from __future__ import annotations

import os
import pwd
import resource
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional

HOST = "127.0.0.1"
# Descriptors for the servers: 10,000 connections and then some.
DESCRIPTOR_LIMIT = 65536


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def descriptor_limit() -> int:
    """What a server may have: DESCRIPTOR_LIMIT, or less where the hard limit
    is lower and cannot be raised (a container without CAP_SYS_RESOURCE)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return DESCRIPTOR_LIMIT if hard == resource.RLIM_INFINITY else min(DESCRIPTOR_LIMIT, hard)


def _raise_descriptor_limit() -> None:
    # Runs in the child before exec.
    limit = descriptor_limit()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} is not listening on {port}:\n{_tail(log)}")


def _stop(process: Optional[subprocess.Popen]) -> None:
    """SIGTERM (both servers then close their connections and exit), and
    SIGKILL if that takes more than a minute."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no log)"


class Vellumd:
    name = "vellumd"

    def __init__(self, bin_dir: Path, data_dir: Path, cert: Path, key: Path, log: Path):
        self.command = [str(bin_dir / "vellumd"), "--data-dir", str(data_dir),
                        "--cert", str(cert), "--key", str(key)]
        self.log = log
        self.port = 0
        self.process: Optional[subprocess.Popen] = None

    def start(self, port: int = 0) -> "Vellumd":
        self.port = port or free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command + ["--tls-listen", f"{HOST}:{self.port}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_raise_descriptor_limit)
        _wait_for_port(self.port, self.process, "vellumd", self.log)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def restart(self) -> None:
        """A fresh process on the same port, holding nothing from before."""
        self.stop()
        self.start(self.port)

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


SHA512_CRYPT_SCHEME = "SHA512-CRYPT"


def sha512_crypt(passwords: list[str]) -> list[str]:
    """glibc SHA512-CRYPT hashes (5,000 rounds, as `doveadm pw -s
    SHA512-CRYPT` makes them), one openssl call for all passwords."""
    result = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input="\n".join(passwords) + "\n",
                            capture_output=True, text=True, check=True)
    hashes = result.stdout.split()
    if len(hashes) != len(passwords):
        raise RuntimeError("openssl passwd -6 gave a hash count that does not match")
    return hashes


def _config(root: Path, cert: Path, key: Path, port: int, fast_port: int, uid: int,
            gid: int) -> str:
    return f"""\
# Written by tools/bench/bench_servers.py for one benchmark run.
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = {HOST}
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
# On equal terms with vellumd's verification cache.
auth_cache_size = 10M
auth_cache_ttl = 1 hour
auth_cache_negative_ttl = 0
# Logins are "instance/user", as on vellumd.
auth_username_chars = abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@/
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
# Every benchmark connection comes from 127.0.0.1, most as a few users.
mail_max_userip_connections = 100000
# Room for a thousand connections, each an imap-login and an imap process.
default_process_limit = 2500
default_client_limit = 10000
passdb {{
  driver = passwd-file
  args = scheme={SHA512_CRYPT_SCHEME} {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
  default_fields = uid={uid} gid={gid}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {port}
    ssl = yes
  }}
}}
# The high-performance login service (service_count = 0: each process
# serves many connections; one process per CPU kept ready).
service imap-login-fast {{
  executable = imap-login
  protocol = imap
  type = login
  user = $default_login_user
  chroot =
  service_count = 0
  process_min_avail = {os.cpu_count() or 2}
  inet_listener imaps-fast {{
    address = {HOST}
    port = {fast_port}
    ssl = yes
  }}
}}
"""


class Dovecot:
    name = "dovecot"

    def __init__(self, root: Path, cert: Path, key: Path):
        self.root = root
        self.cert = cert
        self.key = key
        self.conf = root / "dovecot.conf"
        self.log = root / "dovecot.log"
        self.port = 0        # default imap-login service
        self.fast_port = 0   # service_count = 0
        self.process: Optional[subprocess.Popen] = None
        mail = pwd.getpwnam("mail")
        self.uid, self.gid = mail.pw_uid, mail.pw_gid

    def write_users(self, users: list[tuple[str, str, Path]]) -> None:
        """(login, password, home) for each user; homes are handed to the
        mail user Dovecot's mail processes run as."""
        hashes = sha512_crypt([password for _, password, _ in users])
        lines = [f"{login}:{{{SHA512_CRYPT_SCHEME}}}{hashed}::::{home}::"
                 for (login, _, home), hashed in zip(users, hashes)]
        (self.root / "passwd").write_text("\n".join(lines) + "\n")

    def start(self) -> "Dovecot":
        for sub in ("run", "state"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.port, self.fast_port = free_port(), free_port()
        self.conf.write_text(_config(self.root, self.cert, self.key, self.port, self.fast_port,
                                     self.uid, self.gid))
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.conf)],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=self.log.open("ab"),
                                        preexec_fn=_raise_descriptor_limit)
        _wait_for_port(self.port, self.process, "dovecot", self.log)
        _wait_for_port(self.fast_port, self.process, "dovecot", self.log)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def doveadm(self, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
        return subprocess.run(["doveadm", "-c", str(self.conf), *args], capture_output=True,
                              text=True, timeout=timeout)

    def stop(self) -> None:
        _stop(self.process)
        self.process = None
