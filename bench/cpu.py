"""Processor time spent by the processes that serve a request: the web server's, PostgreSQL's
and Redis's, read from /proc. On a shared, noisy machine the time a request takes varies with
everything else running; the processor time it costs varies far less, so it is what the load
benchmark compares between changes."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, str, float]]:
    """pid → (name, command line, processor seconds so far) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # Fields 14 to 17 of stat (12 to 15 after the name): its own user and system time, and
        # that of its children that ended (PostgreSQL's backends end with their connections).
        found[int(entry.name)] = (name, cmdline, sum(map(int, fields[11:15])) / TICKS)
    return found


def serving_seconds(server_mark: str) -> dict[str, float]:
    """Processor seconds so far of the web server (processes whose command line holds
    ``server_mark``, e.g. its bind address), PostgreSQL and Redis."""
    totals = {"server": 0.0, "postgres": 0.0, "redis": 0.0}
    for name, cmdline, seconds in _processes().values():
        if server_mark in cmdline:
            totals["server"] += seconds
        elif name.startswith("postgres"):
            totals["postgres"] += seconds
        elif name.startswith("redis"):
            totals["redis"] += seconds
    return totals
