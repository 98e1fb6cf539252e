#!/usr/bin/env python3
"""vellumd against Dovecot, side by side in one run (issue 5).

    tools/dev bench [--quick] [--runs N] [--work-dir DIR] [--only FIGURES]

Builds the archives (bench_archive.py), starts vellumd and Dovecot on
loopback with the same certificate, users and mail (bench_servers.py),
drives both with vellum-load in rounds that alternate the servers, so that
whatever else the machine does hits both alike, and prints one table: each
figure for vellumd and for Dovecot (both login services where it matters),
their ratio, the target, and the generator's own CPU share.

Every answer is checked by the generator (errors are counted and shown);
FETCH answers are also compared between the servers and, for whole bodies,
with the message files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_archive  # noqa: E402
import bench_figures as figures  # noqa: E402
import bench_table  # noqa: E402
from bench_servers import Dovecot, Vellumd  # noqa: E402

ROOT = HERE.parent.parent


class Settings:
    """How big each figure is: the full run, or the quick smoke run."""

    def __init__(self, quick: bool, runs: int | None):
        self.quick = quick
        self.runs = runs or (1 if quick else 3)
        # The quick run's import is a smoke test: Dovecot's fsync per file
        # makes a large one take minutes.
        self.plan = (bench_archive.Plan(scaled=0, users=10, imported=2_000) if quick
                     else bench_archive.Plan())
        self.idle_connections = 300 if quick else 1000
        self.many_idle = 500 if quick else 10_000
        self.login_seconds = 3 if quick else 10
        self.login_parallel = 20 if quick else 50
        self.resume = not quick
        self.settle = 1.0 if quick else 3.0
        self.vellum_search_repeat = 3 if quick else 10
        self.dovecot_search_repeat = 1


def machine_load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, options: argparse.Namespace):
        self.options = options
        self.settings = Settings(options.quick, options.runs)
        self.bin_dir = Path(options.bin_dir).resolve()
        self.keep = options.keep or options.work_dir is not None
        self.work = Path(options.work_dir or tempfile.mkdtemp(prefix="vellum-bench-")).resolve()
        self.workspace = bench_archive.Workspace(self.work, self.bin_dir)
        # figure -> server label -> reports of the measured rounds
        self.results: dict[str, dict[str, list[dict]]] = {}
        self.loads: dict[str, list[str]] = {}
        self.checks: dict[str, str] = {}

    # ---- the run ------------------------------------------------------------

    def run(self) -> int:
        started = time.monotonic()
        say(f"work directory {self.work}; load average {machine_load()}")
        self.archive = self.workspace.prepare(self.settings.plan, log=say)
        self.load = figures.Load(self.bin_dir / "vellum-load", self.workspace.cert,
                                 self.workspace.credentials)
        self.vellumd = Vellumd(self.bin_dir, self.workspace.vellum_data, self.workspace.cert,
                               self.workspace.key, self.work / "vellumd.log")
        self.dovecot = Dovecot(self.workspace.dovecot_root, self.workspace.cert,
                               self.workspace.key)
        self.dovecot.write_users(self.workspace.dovecot_users(self.archive) +
                                 [("bench/import", "x", self._import_home())])
        try:
            self.vellumd.start()
            self.dovecot.start()
            self.v = figures.Target("vellumd", self.vellumd.port, self.vellumd)
            self.d = figures.Target("dovecot", self.dovecot.port, self.dovecot)
            self.df = figures.Target("dovecot-fast", self.dovecot.fast_port, self.dovecot)
            for name, figure in self.figures():
                if self.options.only and name not in self.options.only:
                    continue
                say(f"{name} (load average {machine_load()})")
                figure()
        finally:
            self.vellumd.stop()
            self.dovecot.stop()
        minutes = (time.monotonic() - started) / 60
        table = bench_table.render(self, minutes)
        print(table)
        (self.work / "results.json").write_text(json.dumps(
            {"results": self.results, "loads": self.loads, "checks": self.checks}, indent=1))
        if self.options.table:
            Path(self.options.table).write_text(table + "\n")
        say(f"raw reports in {self.work}/results.json" if self.keep else "done")
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        return 0 if self.errors() == 0 else 1

    def figures(self) -> list[tuple[str, Callable[[], None]]]:
        folders = self.archive.folders
        sync = "Sync" if "Sync" in folders else "Corpus"
        searched = "Scaled" if "Scaled" in folders else "Corpus"
        chosen = [("idle-memory", self.idle_memory), ("idle-many", self.idle_many),
                  ("logins", self.logins),
                  ("header-sync", lambda: self.fetch("header-sync", figures.header_sync, sync)),
                  ("bodies", lambda: self.fetch("bodies", figures.bodies, sync)),
                  ("search", lambda: self.search(searched))]
        if sync != "Corpus":
            chosen += [("header-sync-corpus",
                        lambda: self.fetch("header-sync-corpus", figures.header_sync, "Corpus")),
                       ("bodies-corpus",
                        lambda: self.fetch("bodies-corpus", figures.bodies, "Corpus")),
                       ("search-corpus", lambda: self.search("Corpus", "search-corpus"))]
        return chosen + [("import", self.imports)]

    def rounds(self, name: str, targets: list[figures.Target],
               measure: Callable[[figures.Target, int], dict]) -> None:
        """Runs `measure` on each target, round after round, the order
        reversed every other round."""
        store = self.results.setdefault(name, {})
        self.loads.setdefault(name, [])
        for round_number in range(self.settings.runs):
            self.loads[name].append(machine_load())
            order = targets if round_number % 2 == 0 else list(reversed(targets))
            for target in order:
                report = measure(target, round_number)
                report["load_average"] = machine_load()
                store.setdefault(target.label, []).append(report)
                if report.get("errors"):
                    say(f"  {target.label}: {report['errors']} errors: "
                        f"{report.get('error_samples', [])[:3]}")

    def errors(self) -> int:
        return sum(report.get("errors", 0) for by_label in self.results.values()
                   for reports in by_label.values() for report in reports)

    # ---- the figures -----------------------------------------------------------

    def fresh(self, target: figures.Target) -> None:
        """Memory is measured from a server that has served a few logins and
        nothing else: vellumd is restarted (its heap keeps what earlier
        figures used), Dovecot's per-connection processes are gone anyway."""
        if target is self.v:
            self.vellumd.restart()
        # A few logins in parallel open the archive, fill the caches and
        # give each worker thread its heap arena; many more would leave
        # freed heap behind that the connections then reuse.
        figures.logins(self.load, target, 8, 0.05)

    def idle_memory(self) -> None:
        count = self.settings.idle_connections

        def measure(target: figures.Target, _: int) -> dict:
            self.fresh(target)
            return figures.held_connections(self.load, target, count, self.settings.settle,
                                            "--ramp", "50")

        self.rounds("idle-memory", [self.v, self.d, self.df], measure)

    def idle_many(self) -> None:
        count = self.settings.many_idle

        def measure(target: figures.Target, _: int) -> dict:
            self.fresh(target)
            return figures.held_connections(
                self.load, target, count, self.settings.settle, "--folder", "INBOX",
                "--expect-exists", str(self.settings.plan.user_messages), "--idle",
                "--ramp", "200")

        self.rounds("idle-many", [self.v], measure)

    def logins(self) -> None:
        settings = self.settings
        self.rounds("logins", [self.v, self.d, self.df],
                    lambda target, _: figures.logins(self.load, target, settings.login_parallel,
                                                     settings.login_seconds))
        if settings.resume:
            self.rounds("logins-resumed", [self.v, self.d, self.df],
                        lambda target, _: figures.logins(self.load, target,
                                                         settings.login_parallel,
                                                         settings.login_seconds, resume=True))

    def fetch(self, name: str, how: Callable, folder: str) -> None:
        exists = self.archive.folders[folder]
        digests = self.work / "digests"
        digests.mkdir(exist_ok=True)
        for target in (self.v, self.d):  # warm-up: Dovecot builds its index and cache
            warm = how(self.load, target, folder, exists)
            if warm.get("errors"):
                say(f"  warm-up on {target.label}: {warm['error_samples'][:3]}")

        def measure(target: figures.Target, round_number: int) -> dict:
            digest_file = digests / f"{name}-{target.label}.txt" if round_number == 0 else None
            return how(self.load, target, folder, exists, digest_file)

        self.rounds(name, [self.v, self.d], measure)
        self.checks[name] = self.compare_answers(name, folder, exists)

    def compare_answers(self, name: str, folder: str, exists: int) -> str:
        """Whether both servers sent the same thing for each message (and,
        for whole bodies, what the message files hold)."""
        digests = self.work / "digests"
        read = lambda label: [line.split()[3] for line in  # noqa: E731
                              (digests / f"{name}-{label}.txt").read_text().splitlines()]
        ours, theirs = read("vellumd"), read("dovecot")
        files = self.folder_files(folder)
        differing = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
        differ = len(differing) + abs(len(ours) - len(theirs))
        text = f"{differ} of {exists} messages answered differently by the two servers"
        if differing:
            bare_cr = sum(1 for i in differing
                          if re.search(rb"\r(?!\n)", files[i].read_bytes()))
            text += (f" ({bare_cr} of them have bare CRs, which vellumd serves as Dovecot "
                     "serves an APPENDed copy, store/structure_lines.h)")
        if name.startswith("bodies"):
            contents = [path.read_bytes() for path in files]
            stored = [hashlib.sha256(served(data)).hexdigest() for data in contents]
            appended = [hashlib.sha256(served(data, as_appended=True)).hexdigest()
                        for data in contents]
            for label, answers in (("vellumd", ours), ("Dovecot", theirs)):
                exact = sum(1 for a, b in zip(answers, stored) if a == b)
                as_appended = sum(1 for a, b, c in zip(answers, stored, appended)
                                  if a != b and a == c)
                text += (f"; {label}: {exact} as the file, {as_appended} as Dovecot serves an "
                         f"APPENDed copy (CR CR LF and a final CR as Dovecot serves APPENDed mail), "
                         f"{len(answers) - exact - as_appended} otherwise")
        return text

    def folder_files(self, folder: str) -> list[Path]:
        cur = self.workspace.mail / "archive" / "Maildir" / f".{folder}" / "cur"
        return [cur / name for name in sorted(os.listdir(cur))]

    def search(self, folder: str, name: str = "search") -> None:
        exists = self.archive.folders[folder]
        settings = self.settings
        for target in (self.v, self.d):
            figures.search(self.load, target, folder, exists, 1)
        self.rounds(name, [self.v, self.d], lambda target, _: figures.search(
            self.load, target, folder, exists,
            settings.vellum_search_repeat if target is self.v else settings.dovecot_search_repeat))
        by_query = {}
        for label in ("vellumd", "dovecot"):
            for query in self.results[name][label][0]["queries"]:
                by_query.setdefault(query["query"], {})[label] = query["hits"]
        self.checks[name] = "; ".join(f"{query}: vellumd {hits['vellumd']} hits, Dovecot "
                                      f"{hits['dovecot']}" for query, hits in by_query.items())

    def _import_home(self) -> Path:
        return self.workspace.dovecot_root / "home" / "import"

    def imports(self) -> None:
        source = self.work / "import-source"
        source.mkdir(exist_ok=True)
        mbox = source / self.archive.mbox.name
        if not mbox.exists():
            os.link(self.archive.mbox, mbox)

        def vellum(data_dir: Path, *args: str, stdin: str = "") -> str:
            import subprocess
            result = subprocess.run([str(self.bin_dir / "vellum"), "--data-dir", str(data_dir),
                                     *args], input=stdin, capture_output=True, text=True)
            if result.returncode not in (0, 1):
                raise RuntimeError(f"vellum {' '.join(args[:2])}: {result.stderr[-2000:]}")
            return result.stdout

        def measure(target: figures.Target, _: int) -> dict:
            if target is self.v:
                return figures.vellum_import(vellum, self.work / "import-vellum", mbox)
            return figures.dovecot_import(self.dovecot, self._import_home(), source,
                                          "bench/import", fsync=target is self.d)

        # Dovecot twice: as configured by default (an fsync per saved file),
        # and with mail_fsync = never, as durable as vellum's import.
        no_fsync = figures.Target("dovecot-nofsync", self.dovecot.port, self.dovecot)
        self.rounds("import", [self.v, self.d, no_fsync], measure)
        self.checks["import"] = f"{self.archive.mbox_messages} messages in the mbox"


def served(message: bytes, as_appended: bool = False) -> bytes:
    """BODY[] as a server sends the message file: each LF not after a CR as
    CRLF, each NUL as 0x80. Dovecot stores an APPENDed message without the
    CR right before each LF, so it serves CR CR LF with one CR less and
    drops a bare CR at the very end (vellumd serves every message so,
    store/structure_lines.h); read straight from a Maildir file, it keeps
    the bytes as they are."""
    if as_appended:
        message = re.sub(rb"\r(\r+\n)", rb"\1", message)
        if message.endswith(b"\r"):
            message = message[:-1]
    return message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").replace(b"\0", b"\x80")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: the corpus only, small counts, one round (1-2 min)")
    parser.add_argument("--runs", type=int, help="rounds per figure (default 3, quick 1)")
    parser.add_argument("--bin-dir", default=str(ROOT / "build-release" / "bin"))
    parser.add_argument("--work-dir", help="keep (and reuse) the archives here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--only", nargs="+", help="only these figures (e.g. logins search)")
    parser.add_argument("--table", help="also write the table to this file")
    options = parser.parse_args()
    if os.geteuid() != 0:
        print("bench.py must run as root: Dovecot switches to the mail user", file=sys.stderr)
        return 2
    return Bench(options).run()


if __name__ == "__main__":
    sys.exit(main())
