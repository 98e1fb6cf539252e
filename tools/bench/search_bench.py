#!/usr/bin/env python3
"""SEARCH benchmark: how long vellumd takes to answer SEARCH keys on one
large folder, as a client sees it (imaplib over TLS on loopback). A
benchmark, not a test: it prints figures and asserts nothing.

    tools/bench/search_bench.py --data-dir DIR [--source PATH ...]
                                [--runs 5] [--bin-dir build/bin] [--query KEY ...]

With --source, DIR must not exist: the instance `bench` and the user
`bench/user` are created there and the sources imported into the user's
INBOX, all of them (a Maildir from tools/bench/scaled_corpus.py, for instance); the
import's rate and the archive's sizes are printed. Without it, DIR is such a
data directory already, kept from an earlier run. Then vellumd serves DIR
and each query runs once to warm the caches and --runs times measured, in
rounds (every query once per round), so that a disturbance of the machine
spreads over all of them; the median, minimum and maximum wall time of
`SEARCH key` to its tagged OK are reported with the number of hits.
"""

import argparse
import imaplib
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import tempfile
import time

from import_bench import import_into

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What issues 4 and 5 ask about: rare and common words, phrases, a needle
# shorter than a trigram, no match at all, and the header keys.
DEFAULT_QUERIES = [
    'TEXT "natural gas"',
    'TEXT "Phillip Allen"',
    'BODY "please let me know"',
    'BODY "energy"',
    'TEXT "kilowatt"',
    'BODY "the"',
    'BODY "zzqx"',
    'TEXT "ga"',
    'FROM "enron"',
    'FROM "enron.com"',
    'SUBJECT "meeting"',
    'TO "john"',
    'HEADER "X-Mailer" "outlook"',
]


def prepare(bin_dir, data_dir, sources):
    summary, seconds, stats = import_into(bin_dir, data_dir, sources, ("--folder", "INBOX"))
    raw = stats["raw_bytes"]
    print(f"imported {summary['imported']} messages in {seconds:.1f} s "
          f"({summary['imported'] / seconds:,.0f} msgs/s); store {stats['stored_bytes'] / raw:.0%}, "
          f"FTS {stats.get('fts_bytes', 0) / raw:.0%}, "
          f"instance dir {stats['instance_dir_bytes'] / raw:.0%} of {raw / 1e6:.1f} MB raw\n")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """vellumd on DIR with a throw-away self-signed certificate."""

    def __init__(self, bin_dir, data_dir):
        self.tls_dir = tempfile.mkdtemp(prefix="vellum-search-bench-")
        cert, key = os.path.join(self.tls_dir, "cert.pem"), os.path.join(self.tls_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        self.port = free_port()
        self.process = subprocess.Popen(
            [os.path.join(bin_dir, "vellumd"), "--data-dir", data_dir, "--listen",
             f"127.0.0.1:{free_port()}", "--tls-listen", f"127.0.0.1:{self.port}", "--cert", cert,
             "--key", key], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for line in self.process.stdout:
            if f"listening on 127.0.0.1:{self.port}" in line.decode(errors="replace"):
                break
        else:
            raise SystemExit("vellumd did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.tls_dir, ignore_errors=True)


def hits(data):
    return sum(len(line.split()) for line in data if line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--source", nargs="+", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--query", nargs="+", default=DEFAULT_QUERIES,
                        help="SEARCH keys, as typed after SEARCH")
    options = parser.parse_args()
    if options.source:
        if os.path.exists(options.data_dir):
            raise SystemExit(f"{options.data_dir} exists already: leave out --source to reuse it")
        prepare(options.bin_dir, options.data_dir, options.source)

    server = Server(options.bin_dir, options.data_dir)
    try:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        imap = imaplib.IMAP4_SSL("127.0.0.1", server.port, ssl_context=context)
        imap._MAXLINE = 1 << 26  # a SEARCH of 100,000 hits is one long line
        imap.login("bench/user", "pw")
        typ, data = imap.select("INBOX", readonly=True)
        print(f"vellumd on {os.cpu_count()} cores, INBOX of {int(data[0])} messages, "
              f"median of {options.runs} runs after one warm-up (load average "
              f"{os.getloadavg()[0]:.1f} before)\n")
        times = {query: [] for query in options.query}
        found = {}
        for round_number in range(options.runs + 1):
            for query in options.query:
                started = time.perf_counter()
                typ, data = imap.search("UTF-8", query)
                elapsed = time.perf_counter() - started
                if typ != "OK":
                    raise SystemExit(f"SEARCH {query}: {typ} {data}")
                found[query] = hits(data)
                if round_number > 0:
                    times[query].append(elapsed * 1000)
        imap.logout()
    finally:
        server.stop()
    width = max(len(query) for query in options.query)
    print(f"{'query':<{width}}  {'hits':>7}  {'median ms':>9}  {'min':>7}  {'max':>7}")
    for query in options.query:
        samples = times[query]
        print(f"{query:<{width}}  {found[query]:>7}  {statistics.median(samples):>9.1f}  "
              f"{min(samples):>7.1f}  {max(samples):>7.1f}")


if __name__ == "__main__":
    main()
