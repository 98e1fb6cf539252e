"""How each figure of the benchmark is measured, on one server at a time.
bench.py calls these in rounds, alternating the servers.

Every measurement drives the server with vellum-load, which checks each
answer; its report (errors, its own CPU time) is kept with the figure.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import bench_memory

THUNDERBIRD_FIELDS = ("From To Cc Bcc Subject Date Message-ID Priority X-Priority References "
                      "Newsgroups In-Reply-To Content-Type Reply-To")
HEADER_SYNC = ("UID FETCH 1:* (UID RFC822.SIZE FLAGS "
               f"BODY.PEEK[HEADER.FIELDS ({THUNDERBIRD_FIELDS})])")
BODIES = "FETCH 1:* BODY.PEEK[]"
SEARCHES = ['TEXT "energy"', 'TEXT "natural gas"', 'BODY "energy"', 'BODY "natural gas"']


@dataclass
class Target:
    """One server as the generator sees it: vellumd, or one of Dovecot's
    login services (the same processes, so the same memory tree)."""
    label: str
    port: int
    server: object  # bench_servers.Vellumd or Dovecot

    @property
    def pid(self) -> int:
        return self.server.pid


class Load:
    """Runs vellum-load and returns its report."""

    def __init__(self, binary: Path, ca: Path, credentials: Path):
        self.binary = binary
        self.ca = ca
        self.credentials = credentials

    def command(self, scenario: str, target: Target, credentials: str, *args: str) -> list[str]:
        return [str(self.binary), scenario, "--port", str(target.port), "--ca", str(self.ca),
                "--credentials", str(self.credentials / credentials), *args]

    def run(self, scenario: str, target: Target, *args: str,
            credentials: str = "archive.txt", timeout: float = 3600) -> dict:
        result = subprocess.run(self.command(scenario, target, credentials, *args),
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0 or not result.stdout.strip():
            raise RuntimeError(f"vellum-load {scenario} failed: {result.stderr[-2000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def held_connections(load: Load, target: Target, connections: int, settle: float,
                     *args: str) -> dict:
    """Opens `connections` sessions, measures the server's memory before and
    while they are held, and returns the generator's report with
    memory_before/memory_held (bench_memory.Memory as dicts)."""
    time.sleep(settle)  # let processes of the previous round go away
    before = bench_memory.tree_memory(target.pid)
    cpu_before = bench_memory.cpu_seconds(target.pid)
    process = subprocess.Popen(
        load.command("idle", target, "users.txt", "--connections", str(connections), *args),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    ready = process.stdout.readline()
    if not ready.startswith("READY"):
        process.kill()
        raise RuntimeError(f"vellum-load idle: {ready!r} {process.stderr.read()[-2000:]}")
    time.sleep(settle)  # what the server frees lazily after the set-up
    held = bench_memory.tree_memory(target.pid)
    cpu_setup = bench_memory.cpu_seconds(target.pid) - cpu_before
    out, err = process.communicate(timeout=600)  # closes its input: the hold ends
    if process.returncode != 0:
        raise RuntimeError(f"vellum-load idle failed: {err[-2000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    report["ready_line"] = ready.strip()
    report["memory_before"] = before.__dict__
    report["memory_held"] = held.__dict__
    report["server_setup_cpu_seconds"] = cpu_setup
    established = max(1, report["established"])
    report["pss_per_connection_kib"] = (held.pss_kib - before.pss_kib) / established
    report["rss_per_connection_kib"] = (held.rss_kib - before.rss_kib) / established
    return report


def logins(load: Load, target: Target, connections: int, seconds: float,
           resume: bool = False) -> dict:
    cpu_before = bench_memory.cpu_seconds(target.pid)
    report = load.run("login", target, "--connections", str(connections), "--duration",
                      str(seconds), *(["--resume"] if resume else []),
                      credentials="users.txt")
    report["server_cpu_seconds"] = bench_memory.cpu_seconds(target.pid) - cpu_before
    return report


def fetch(load: Load, target: Target, folder: str, exists: int, command: str,
          items: str, digest_file: Optional[Path] = None) -> dict:
    args = ["--folder", folder, "--expect-exists", str(exists), "--command", command,
            "--expect-items", items]
    if digest_file is not None:
        args += ["--digest-file", str(digest_file)]
    cpu_before = bench_memory.cpu_seconds(target.pid)
    report = load.run("fetch", target, *args)
    report["server_cpu_seconds"] = bench_memory.cpu_seconds(target.pid) - cpu_before
    return report


def header_sync(load: Load, target: Target, folder: str, exists: int,
                digest_file: Optional[Path] = None) -> dict:
    return fetch(load, target, folder, exists, HEADER_SYNC, "UID,RFC822.SIZE,FLAGS,BODY[",
                 digest_file)


def bodies(load: Load, target: Target, folder: str, exists: int,
           digest_file: Optional[Path] = None) -> dict:
    return fetch(load, target, folder, exists, BODIES, "BODY[", digest_file)


def search(load: Load, target: Target, folder: str, exists: int, repeat: int) -> dict:
    args = ["--folder", folder, "--expect-exists", str(exists), "--repeat", str(repeat)]
    for query in SEARCHES:
        args += ["--query", query]
    cpu_before = bench_memory.cpu_seconds(target.pid)
    report = load.run("search", target, *args)
    report["server_cpu_seconds"] = bench_memory.cpu_seconds(target.pid) - cpu_before
    return report


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def disk_bytes(path: Path) -> int:
    """Bytes the directory takes on disk (allocated blocks, as du counts)."""
    out = subprocess.run(["du", "-s", "-B1", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[0])


def _quiet_disk(previous: Path) -> None:
    """Removes the previous round's output and waits until the disk has
    written everything: deleting 100,000 files, or writing back the last
    import, must not run into the next timed import."""
    if previous.exists():
        shutil.rmtree(previous)
    os.sync()


def _flush_seconds() -> float:
    """How long the disk then takes to hold what the import wrote. vellum
    commits under SQLite WAL with synchronous=NORMAL (no fsync per batch);
    Dovecot, by default (mail_fsync = optimized), fsyncs each file it saves."""
    started = time.monotonic()
    os.sync()
    return time.monotonic() - started


def vellum_import(vellum, data_dir: Path, mbox: Path) -> dict:
    """`vellum import` of the mbox into a fresh data directory."""
    _quiet_disk(data_dir)
    data_dir.mkdir(mode=0o700)
    vellum(data_dir, "instance", "add", "imp")
    vellum(data_dir, "user", "add", "imp/user", "--password-stdin", stdin="x\n")
    started, cpu_before = time.monotonic(), _children_cpu()
    summary = json.loads(vellum(data_dir, "import", "imp/user", "--json", str(mbox)))
    seconds = time.monotonic() - started
    return {"seconds": seconds, "messages": summary["imported"],
            "server_cpu_seconds": _children_cpu() - cpu_before,
            "flush_seconds": _flush_seconds(),
            "messages_per_second": summary["imported"] / seconds,
            "disk_bytes": disk_bytes(data_dir / "instances" / "imp")}


def dovecot_import(dovecot, home: Path, source_dir: Path, login: str,
                   fsync: bool = True) -> dict:
    """`doveadm import` of the mbox (the only file in source_dir) into the
    fresh Maildir of `login`; the bytes are its Maildir and its indexes.
    Without `fsync`, with mail_fsync = never: as durable as vellum import."""
    _quiet_disk(home)
    home.mkdir()
    shutil.chown(home, "mail", "mail")
    started, cpu_before = time.monotonic(), _children_cpu()
    options = [] if fsync else ["-o", "mail_fsync=never"]
    result = dovecot.doveadm(*options, "import", "-u", login, f"mbox:{source_dir}:INDEX=MEMORY",
                             "", "all")
    seconds = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    if result.returncode != 0:
        raise RuntimeError(f"doveadm import: {result.stderr[-2000:]}")
    status = dovecot.doveadm("mailbox", "status", "-u", login, "messages", "*").stdout
    messages = sum(int(word.split("=")[1]) for word in status.split()
                   if word.startswith("messages="))
    return {"seconds": seconds, "messages": messages, "server_cpu_seconds": cpu,
            "flush_seconds": _flush_seconds(),
            "messages_per_second": messages / seconds, "disk_bytes": disk_bytes(home)}
