"""Has a kernel replaced itself with another program? Seen from outside its sandbox, in /proc.

A student's code can `os.execv` its kernel into a program of its own that keeps the channel to the checker
open and never answers, so that every request from a test waits out its time limit. From outside, the
process keeps its number and changes its command line. `snapshot` records the command lines of a kernel's
process tree once it has started; `replaced` names a process of that record that now runs something else.
"""
from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after "pid (name)": state, parent, ...; [] if the process is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return []
    return stat[stat.rindex(")") + 2:].split()


def _parent(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def _command(pid: int) -> tuple[str, bytes] | None:
    """(start time, command line): a process that runs another program keeps its start time; a process
    number used again by a new process does not."""
    fields = _stat(pid)
    try:
        return (fields[19], (PROC / str(pid) / "cmdline").read_bytes()) if fields else None
    except OSError:
        return None


def snapshot(root: int) -> dict[int, tuple[str, bytes]]:
    """{pid: command line} of `root` and every process below it."""
    parents = {int(entry): _parent(int(entry)) for entry in os.listdir(PROC) if entry.isdigit()}
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return {pid: command for pid in tree if (command := _command(pid)) is not None}


def replaced(recorded: dict[int, tuple[str, bytes]]) -> str | None:
    """What one recorded process runs now, if it runs another program than it did; None if none does (a
    process that is gone does not count: a kernel that exits closes its channel, which the checker sees)."""
    for pid, (started, command) in recorded.items():
        now = _command(pid)
        if now is not None and now[0] == started and now[1] != command:
            return now[1].replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    return None
