"""Who a sandbox runs as, and what it may use: a user id of its own and a cgroup, where the machine allows.

Both need root; without root, bubblewrap's user namespace and the rlimits of backend.py still apply.
"""
from __future__ import annotations

import errno
import fcntl
import os
import pwd
import shlex
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from grader.sandbox.limits import Limits

UID_BASE = 1_900_000_000  # sandbox user ids (root only): UID_BASE + slot, a range no account uses


class NoUidLeft(RuntimeError):
    """Every sandbox user id is in use."""


class UidLease:
    """A user id for one sandbox, held through a lock file, so concurrent sandboxes never share one.

    RLIMIT_NPROC counts the processes of a user id, so each sandbox needs its own for the process limit
    to be its own (a fork bomb in one must not starve another), and for "kill every process of this
    user id" to reach exactly one sandbox.
    """

    def __init__(self, uid: int, handle: int):
        self.uid, self.handle = uid, handle

    @classmethod
    def acquire(cls, base: int = UID_BASE, slots: int = 4096) -> UidLease:
        folder = Path(tempfile.gettempdir()) / "course-sandbox-uids"
        folder.mkdir(mode=0o700, exist_ok=True)
        for slot in range(slots):
            uid = base + slot
            try:
                pwd.getpwuid(uid)
                continue  # an account uses it
            except KeyError:
                pass
            handle = os.open(folder / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(handle)
                continue
            kill_uid(uid)  # leftovers of a sandbox whose grader died
            return cls(uid, handle)
        raise NoUidLeft(f"all {slots} sandbox user ids from {base} are in use.")

    def release(self) -> None:
        kill_uid(self.uid)
        os.close(self.handle)


def kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid` at once (kill(-1) as that user), then wait until none is left."""
    for _ in range(50):
        if not pids_of_uid(uid):
            return
        subprocess.run(["kill", "-KILL", "-1"], user=uid, group=uid, extra_groups=[],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        time.sleep(0.02)


def pids_of_uid(uid: int) -> list[int]:
    """Processes whose real user id is `uid` (from /proc/<pid>/status: a process that changed its user id
    may not own its /proc folder)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/status") as status:
                    for line in status:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                found.append(int(entry.name))
                            break
            except (OSError, ValueError, IndexError):
                pass
    return found


class Cgroup:
    """A cgroup for one sandbox (v2, or the v1 memory/pids/cpu hierarchies), where this machine allows it.

    It caps the memory and the number of tasks of the whole sandbox (rlimits only cap each process), gives
    each sandbox an equal share of the CPU (a fork bomb gets one share, not one per process), and lists
    every process to kill at the end. Without it the rlimits still apply.
    """

    def __init__(self, folders: dict[str, Path]):
        self.folders = folders  # controller ("memory", "pids", "cpu", or "unified") -> cgroup folder

    @classmethod
    def create(cls, name: str, limits: Limits) -> Cgroup | None:
        base = Path("/sys/fs/cgroup")
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError:
            return None
        mine = {}
        for line in lines:
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                mine[controller] = path.lstrip("/")
        folders: dict[str, Path] = {}
        try:
            if (base / "cgroup.controllers").is_file() and "" in mine:  # cgroup v2
                parent = base / mine[""]
                for controller in ("memory", "pids", "cpu"):  # for our children; fails where it may not
                    _write(parent / "cgroup.subtree_control", f"+{controller}", required=False)
                folder = parent / name
                folder.mkdir()
                folders["unified"] = folder
                _write(folder / "memory.max", limits.memory)
                _write(folder / "memory.swap.max", 0, required=False)
                _write(folder / "pids.max", limits.processes)
            else:  # cgroup v1: one folder per hierarchy
                for controller in ("memory", "pids", "cpu"):
                    if controller in mine and (base / controller / "cgroup.procs").is_file():
                        folder = base / controller / mine[controller] / name
                        folder.mkdir()
                        folders[controller] = folder
                if "memory" in folders:
                    _write(folders["memory"] / "memory.limit_in_bytes", limits.memory)
                    _write(folders["memory"] / "memory.memsw.limit_in_bytes", limits.memory, required=False)
                if "pids" in folders:
                    _write(folders["pids"] / "pids.max", limits.processes)
                if not {"memory", "pids"} <= set(folders):
                    raise OSError("memory and pids controllers are needed")
        except OSError:
            cls(folders).remove()
            return None
        return cls(folders)

    def describe(self) -> str:
        if "unified" in self.folders:
            return "cgroup v2"
        return f"cgroup v1 ({', '.join(self.folders)})"

    def wrap(self, argv: list[str]) -> list[str]:
        """`argv`, started from inside this cgroup (a shell joins it, then execs)."""
        joins = " && ".join(f"echo $$ > {shlex.quote(str(folder / 'cgroup.procs'))}"
                            for folder in self.folders.values())
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *argv]

    def pids(self) -> set[int]:
        found = set()
        for folder in self.folders.values():
            try:
                found |= {int(pid) for pid in (folder / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def kill(self) -> None:
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            if "unified" in self.folders and (self.folders["unified"] / "cgroup.kill").exists():
                _write(self.folders["unified"] / "cgroup.kill", 1, required=False)
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        self.kill()
        for folder in self.folders.values():
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY:
                        break
                    time.sleep(0.02)


def _write(path: Path, value, required: bool = True) -> None:
    try:
        path.write_text(str(value))
    except OSError:
        if required:
            raise
