"""How much memory a server holds: the sum over its process and every
descendant (Dovecot's master, auth, log, imap-login and imap processes;
vellumd's one process).

Both RSS and PSS are read from /proc/PID/smaps_rollup. RSS counts every
page a process maps, so summing it over Dovecot's hundreds of forked
processes counts their shared libraries and the pages they share with the
master once per process; PSS divides each shared page among the processes
that map it, so the sum over all of them is the memory the server really
takes. PSS is therefore the figure compared; for one process like vellumd
the two differ only by its share of the shared libraries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Memory:
    processes: int
    rss_kib: int
    pss_kib: int


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may hold spaces.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _rollup(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process ended between listing and reading
    return rss, pss


def tree_memory(root: int) -> Memory:
    pids = descendants(root)
    rss = pss = 0
    for pid in pids:
        process_rss, process_pss = _rollup(pid)
        rss += process_rss
        pss += process_pss
    return Memory(len(pids), rss, pss)


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of `root` and its live descendants, with
    what their finished children used (cutime, cstime)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in descendants(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 here.
        total += sum(int(value) for value in fields[11:15])
    return total / ticks
