"""The benchmark's one table: each figure for vellumd and Dovecot, their
ratio, the target and whether it is met, the generator's CPU share, the
errors, and the load average of the machine while the figure was taken.

Values are medians over the rounds (and, for SEARCH, over the repeats of
each round). "gen. CPU" is the load generator's CPU time over the wall
time of its run (100 % = one whole core), for vellumd / Dovecot.
"""

from __future__ import annotations

import os
import statistics
from typing import Callable, Optional


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _number(value: float, unit: str = "") -> str:
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


class Row:
    def __init__(self, figure: str, ours: str, theirs: str, ratio: str, target: str,
                 met: Optional[bool], server_cpu: str, cpu: str, errors: str, load: str):
        self.cells = [figure, ours, theirs, ratio, target,
                      "—" if met is None else ("yes" if met else "**no**"), server_cpu, cpu,
                      errors, load]


HEADER = ["figure", "vellumd", "Dovecot", "ratio", "target", "met", "server CPU", "gen. CPU",
          "errors", "load avg"]


def render(bench, minutes: float) -> str:
    rows: list[Row] = []
    results = bench.results
    settings = bench.settings

    def reports(name: str, label: str) -> list[dict]:
        return results.get(name, {}).get(label, [])

    def figure(name: str, label: str, key: Callable[[dict], float]) -> float:
        return _median([key(report) for report in reports(name, label)])

    def cpu(name: str, labels: tuple[str, ...]) -> str:
        shares = [figure(name, label, lambda r: r.get("generator_cpu_share", float("nan")))
                  for label in labels]
        return " / ".join("—" if share != share else f"{share:.0%}" for share in shares)

    def server_cpu(name: str, labels: tuple[str, ...]) -> str:
        """The servers' CPU time for the figure: per login, or per run (for
    SEARCH all queries and repeats of a run; for import the importing
    process, `vellum import` or `doveadm import`)."""
        def one(report: dict) -> float:
            seconds = report.get("server_cpu_seconds", float("nan"))
            return seconds / max(1, report["logins"]) * 1000 if "logins" in report else seconds
        values = [figure(name, label, one) for label in labels]
        if all(value != value for value in values):
            return "—"
        unit = "ms/login" if name.startswith("logins") else "s"
        return " / ".join(_number(value) for value in values) + " " + unit

    def errors(name: str, labels: tuple[str, ...]) -> str:
        return " / ".join(str(sum(r.get("errors", 0) for r in reports(name, label)))
                          for label in labels)

    def load(name: str) -> str:
        loads = bench.loads.get(name, [])
        return loads[0].split()[0] + (f"–{loads[-1].split()[0]}" if len(loads) > 1 else "") \
            if loads else ""

    def compare(name: str, title: str, theirs_label: str, key, unit: str, higher_better: bool,
                target_factor: Optional[float], target_text: str, extra=None) -> None:
        if name not in results:
            return
        ours = figure(name, "vellumd", key)
        theirs = figure(name, theirs_label, key)
        ratio = (ours / theirs if higher_better else theirs / ours) if ours and theirs else 0
        met = None
        if target_factor is not None and ratio == ratio:
            met = ratio >= target_factor and (extra(ours) if extra else True)
        labels = ("vellumd", theirs_label)
        rows.append(Row(title, _number(ours, unit), _number(theirs, unit), f"{ratio:.2f}×",
                        target_text, met, server_cpu(name, labels), cpu(name, labels),
                        errors(name, labels), load(name)))

    n_idle = settings.idle_connections
    for label, service in (("dovecot", "default login"), ("dovecot-fast", "login service_count=0")):
        compare("idle-memory", f"memory per idle TLS connection, {n_idle:,} held (PSS; Dovecot "
                f"{service})", label, lambda r: r["pss_per_connection_kib"], "KiB", False, 20,
                "vellumd ≤ 1/20")
    if "idle-many" in results:
        many = reports("idle-many", "vellumd")
        held = _median([r["held_to_the_end"] for r in many])
        rss = _median([r["memory_held"]["rss_kib"] / 1024 for r in many])
        per = _median([r["rss_per_connection_kib"] for r in many])
        setup = _median([r["setup_seconds"] for r in many])
        wanted = settings.many_idle
        rows.append(Row(f"{wanted:,} IDLE connections over TLS held by vellumd",
                        f"{held:,.0f} held; RSS {rss:,.0f} MiB ({per:.0f} KiB each); set up in "
                        f"{setup:.1f} s", "—", "—", f"all {wanted:,} held", held == wanted and
                        sum(r["errors"] for r in many) == 0, "—", cpu("idle-many", ("vellumd",)),
                        errors("idle-many", ("vellumd",)), load("idle-many")))
    for name, kind in (("logins", "full handshake"), ("logins-resumed", "TLS session resumed")):
        for label, service in (("dovecot", "default login"),
                               ("dovecot-fast", "service_count=0")):
            factor = 2 if name == "logins" else None
            compare(name, f"logins/s over TLS, {kind} (Dovecot {service})", label,
                    lambda r: r["logins_per_second"], "/s", True, factor,
                    "≥ 2×" if factor else "(reported)")
    for name in ("header-sync", "header-sync-corpus"):
        exists, folder = _folder(bench, name)
        compare(name, f"header sync as Thunderbird, {exists:,} messages ({folder})", "dovecot",
                lambda r: r["messages_per_second_median"], "msg/s", True, 1.5, "≥ 1.5×")
    for name in ("bodies", "bodies-corpus"):
        exists, folder = _folder(bench, name)
        compare(name, f"FETCH 1:* BODY.PEEK[], {exists:,} messages ({folder})", "dovecot",
                lambda r: r["megabytes_per_second_median"], "MB/s", True, 1.0, "≥ 1×")
    for name in ("search", "search-corpus"):
        if name not in results:
            continue
        exists, folder = _folder(bench, name)
        for query in [q["query"] for q in reports(name, "vellumd")[0]["queries"]]:
            def latency(report, query=query):
                chosen = [q for q in report["queries"] if q["query"] == query][0]
                return chosen["median_ms"]
            compare(name, f"SEARCH {query}, {exists:,} messages ({folder}): median latency",
                    "dovecot",
                    latency, "ms", False, 100, "≥ 100× and < 20 ms", extra=lambda ms: ms < 20)
    if "import" in results:
        messages = figure("import", "vellumd", lambda r: r["messages"])
        compare("import", f"import of one mbox ({messages:,.0f} messages; Dovecot: doveadm "
                "import, fsync per file as by default)", "dovecot",
                lambda r: r["messages_per_second"], "msg/s", True, None, "(compared)")
        compare("import", "the same, Dovecot with mail_fsync = never (vellum: no fsync per "
                "batch either)", "dovecot-nofsync", lambda r: r["messages_per_second"], "msg/s",
                True, None, "(compared)")
        compare("import", "bytes on disk after that import (Dovecot: Maildir + indexes)",
                "dovecot", lambda r: r["disk_bytes"] / 1e6, "MB", False, None, "(compared)")

    widths = [max(len(row.cells[i]) for row in rows + [Row(*HEADER)]) for i in
              range(len(HEADER))] if rows else [len(h) for h in HEADER]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(HEADER, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row.cells, widths)) + " |")
    notes = [f"{settings.runs} round(s) per figure, servers alternating; "
             f"{os.cpu_count()} CPUs; run took {minutes:.1f} min. "
             "Ratios: how many times vellumd is better (lower memory/latency, higher rate)."]
    notes += [f"{name}: {text}" for name, text in bench.checks.items()]
    tls = _tls(bench)
    if tls:
        notes.append(f"TLS: {tls}")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {note}" for note in notes)


def _folder(bench, name: str) -> tuple[int, str]:
    """The size and name of the folder a figure was taken on."""
    for label_reports in bench.results.get(name, {}).values():
        for report in label_reports:
            return report.get("exists", 0), report.get("folder", "")
    return 0, ""


def _tls(bench) -> str:
    seen = {}
    for by_label in bench.results.values():
        for label, reports in by_label.items():
            for report in reports:
                if report.get("tls"):
                    seen.setdefault(label, report["tls"])
    return "; ".join(f"{label} {text}" for label, text in seen.items())
