"""The platform as processes, for the end-to-end and chaos suites and the soak benchmark: a RabbitMQ vhost and
PostgreSQL databases of its own, every service and the gunicorn gateway started, killed and started again, and
what runs on this machine read from /proc."""
from pathlib import Path

PROC = Path("/proc")


def process_table():
    """{pid: {ppid, pgid, state, start, cmdline}} of every process on this machine (Linux)."""
    table = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        table[int(entry.name)] = {"ppid": int(fields[1]), "pgid": int(fields[2]), "state": fields[0],
                                  "start": int(fields[19]), "cmdline": cmdline}
    return table


def descendants(root_pid):
    """Processes started (directly or not) by `root_pid`, as {pid: row of process_table}."""
    table = process_table()
    found, frontier = {}, {root_pid}
    while frontier:
        children = {pid: row for pid, row in table.items() if row["ppid"] in frontier and pid not in found}
        found.update(children)
        frontier = set(children)
    return found


def survivors(recorded):
    """Of the processes `recorded` ({pid: row}), those still running (same pid and start time, not a zombie),
    and any process now in one of their process groups."""
    groups = {row["pgid"] for row in recorded.values()}
    return {pid: row for pid, row in process_table().items() if row["state"] != "Z" and (
        pid in recorded and recorded[pid]["start"] == row["start"] or row["pgid"] in groups)}


def resident_kib(pid):
    """Resident set size of a process in KiB (VmRSS), None once it is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
