#!/usr/bin/env python3
"""Import benchmark: how fast `vellum import` fills an archive, and how much
disk the archive takes, on the shared corpus. A benchmark, not a test: it
prints figures and asserts nothing.

    tools/bench/import_bench.py [--runs N] [--bin-dir build/bin]

For each data set it imports into a fresh data directory N times and reports
the median messages/s and MB/s (full-text indexing on, as always), then the
sizes of the last run from `vellum stats --json`.
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")


def data_sets():
    every = sorted(glob.glob(os.path.join(CORPUS, "**", "*.eml"), recursive=True) +
                   glob.glob(os.path.join(CORPUS, "**", "*.mbox"), recursive=True))
    enron = sorted(glob.glob(os.path.join(CORPUS, "enron", "*.mbox")))
    return [("whole corpus", every), ("Enron mailboxes (business mail)", enron)]


def vellum(bin_dir, data_dir, *args, stdin=None):
    result = subprocess.run([os.path.join(bin_dir, "vellum"), "--data-dir", data_dir, *args],
                            input=stdin, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"vellum {' '.join(args[:2])} failed: {result.stderr}")
    return result.stdout


def import_into(bin_dir, data_dir, paths, options=()):
    """Creates the instance `bench` with the user `bench/user` in data_dir and
    imports `paths` (with `vellum import` options): the import's summary, its
    wall time, the instance's stats."""
    vellum(bin_dir, data_dir, "instance", "add", "bench")
    vellum(bin_dir, data_dir, "user", "add", "bench/user", "--password-stdin", stdin="pw\n")
    started = time.monotonic()
    summary = json.loads(vellum(bin_dir, data_dir, "import", "bench/user", "--json", *options,
                                *paths))
    seconds = time.monotonic() - started
    stats = json.loads(vellum(bin_dir, data_dir, "stats", "bench", "--json"))[0]
    return summary, seconds, stats


def run_once(bin_dir, paths):
    data_dir = tempfile.mkdtemp(prefix="vellum-bench-")
    try:
        return import_into(bin_dir, data_dir, paths)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    options = parser.parse_args()

    print(f"vellum import on {os.cpu_count()} cores, median of {options.runs} runs "
          "(wall time of the whole command, full-text index on)\n")
    header = ("data set", "messages", "raw MB", "msgs/s", "MB/s", "store/raw",
              "FTS/raw", "instance dir/raw")
    rows = []
    for name, paths in data_sets():
        rates, throughputs = [], []
        for _ in range(options.runs):
            summary, seconds, stats = run_once(options.bin_dir, paths)
            rates.append(summary["imported"] / seconds)
            throughputs.append(stats["raw_bytes"] / 1e6 / seconds)
        raw = stats["raw_bytes"]
        rows.append((name, str(summary["imported"]), f"{raw / 1e6:.1f}",
                     f"{statistics.median(rates):,.0f}", f"{statistics.median(throughputs):.1f}",
                     f"{stats['stored_bytes'] / raw:.0%}",
                     f"{stats.get('fts_bytes', 0) / raw:.0%}",
                     f"{stats['instance_dir_bytes'] / raw:.0%}"))
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                        for i, cell in enumerate(row)))


if __name__ == "__main__":
    main()
